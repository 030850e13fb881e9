// The split view's geometry: one waveform lane per channel, stacked at the top of the view,
// and which channel a pointer is over. Pixels are from the top of wavesurfer's wrapper.

/** One lane's band in the waveform area. */
export interface Lane {
  channel: number;
  top: number;
  height: number;
}

export interface LaneLayout {
  /** Empty when the channels are drawn mixed into one waveform. */
  lanes: Lane[];
  /** Height of the whole waveform area (all lanes). */
  height: number;
}

/** A lane is never lower than this: a segment drawn on it must stay easy to hit. */
export const MIN_LANE_HEIGHT = 56;

/** Lanes for `channels` channels, or one mixed waveform of `waveHeight` when not split. */
export function laneLayout(split: boolean, channels: number, waveHeight: number): LaneLayout {
  if (!split || channels < 2) return { lanes: [], height: waveHeight };
  const height = Math.max(MIN_LANE_HEIGHT, Math.round(waveHeight / 2));
  const lanes = Array.from({ length: channels }, (_, channel) => ({ channel, top: channel * height, height }));
  return { lanes, height: channels * height };
}

/** The channel whose lane holds `y`, or null (all channels) when not split or off the lanes. */
export function channelAt(layout: LaneLayout, y: number): number | null {
  for (const lane of layout.lanes) if (y >= lane.top && y < lane.top + lane.height) return lane.channel;
  return null;
}

/**
 * Where a segment of `channel` is drawn: its lane in the split view; the whole waveform area
 * when it is on all channels (null), when not split, or for a channel the file lacks.
 */
export function segmentBand(layout: LaneLayout, channel: number | null | undefined): { top: number; height: number } {
  const lane = channel == null ? undefined : layout.lanes.find((l) => l.channel === channel);
  return lane ? { top: lane.top, height: lane.height } : { top: 0, height: layout.height };
}

/** What a lane is called: left/right for stereo, then 1-based numbers as on mixing desks. */
export function channelName(channel: number, channels: number): string {
  if (channels === 2) return channel === 0 ? "Left" : "Right";
  return `Channel ${channel + 1}`;
}
