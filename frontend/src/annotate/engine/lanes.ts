// The split view's geometry: one waveform lane per channel, stacked at the top of the view,
// which channel a pointer is over, and a lane's drawing. Pixels are from the top of the view.
import type { Column } from "./peaks";

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

/** The time span a drawing shows: from t0, `width` pixels of `secondsPerPixel`; `now` played. */
export interface LaneView {
  width: number;
  t0: number;
  secondsPerPixel: number;
  now: number;
}

const WAVE = "#9aa7bb";
const PLAYED = "#4a6fb5";

/** One waveform from peak columns into the band [top, top + height), played part in blue. */
export function drawColumns(ctx: CanvasRenderingContext2D, columns: Column[], top: number, height: number, played: number): void {
  const half = height / 2;
  const mid = top + half;
  for (const [color, from, to] of [
    [PLAYED, 0, Math.min(columns.length, played)],
    [WAVE, Math.max(0, played), columns.length],
  ] as const) {
    ctx.fillStyle = color;
    ctx.beginPath();
    for (let x = from; x < to; x++) {
      const { min, max } = columns[x];
      const y = mid - max * half;
      ctx.rect(x, y, 1, Math.max(1, mid - min * half - y));
    }
    ctx.fill();
  }
}
