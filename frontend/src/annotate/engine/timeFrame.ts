// The one mapping between the recording's time (what segments are stored in) and the player's
// time (what wavesurfer sees): a window of a long recording plays from 0 to its own length,
// while its segments, the clock and the rulers say where in the recording they are.

/** The part of a recording the page plays: `offset` seconds in, `duration` seconds long. */
export interface TimeFrame {
  offset: number;
  duration: number;
}

/** A window of a long recording, as the server describes it. */
export interface WindowInfo {
  /** The recording's id. */
  parentId: number;
  /** 1-based position in the recording. */
  index: number;
  count: number;
  offset: number;
  duration: number;
  name: string;
}

/** The datapoint fields the mapping reads (window_index/window_count may be absent on old servers). */
export interface FramedDatapoint {
  duration: number;
  offset?: number;
  parent_id?: number | null;
  original_name: string;
  window_index?: number | null;
  window_count?: number | null;
}

/** The window a datapoint is, or null for a plain recording. */
export function windowOf(dp: FramedDatapoint): WindowInfo | null {
  if (dp.parent_id === null || dp.parent_id === undefined) return null;
  return {
    parentId: dp.parent_id,
    index: dp.window_index ?? 0,
    count: dp.window_count ?? 0,
    offset: dp.offset ?? 0,
    duration: dp.duration,
    name: dp.original_name,
  };
}

/** What the player shows: the window of a window, the whole file otherwise. */
export function frameOf(dp: FramedDatapoint): TimeFrame {
  const w = windowOf(dp);
  return { offset: w ? w.offset : 0, duration: dp.duration };
}

export function frameEnd(frame: TimeFrame): number {
  return frame.offset + frame.duration;
}

/** Recording time → player time. */
export function toPlayer(frame: TimeFrame, t: number): number {
  return t - frame.offset;
}

/** Player time → recording time. */
export function toRecording(frame: TimeFrame, t: number): number {
  return t + frame.offset;
}

/** A recording time kept inside the frame. */
export function clampToFrame(frame: TimeFrame, t: number): number {
  return Math.max(frame.offset, Math.min(frameEnd(frame), t));
}

/** Clock text without decimals: m:ss, or h:mm:ss past an hour. */
export function clockText(seconds: number): string {
  const whole = Math.max(0, Math.round(seconds));
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = String(whole % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}

/** "1:00:00–1:01:00": where the window lies in its recording. */
export function windowSpan(w: Pick<WindowInfo, "offset" | "duration">): string {
  return `${clockText(w.offset)}–${clockText(w.offset + w.duration)}`;
}

/** "window 61 of 180" (the count is left out when the server does not give it). */
export function windowPosition(w: Pick<WindowInfo, "index" | "count">): string {
  return w.count > 0 ? `window ${w.index} of ${w.count}` : `window ${w.index}`;
}

/** A list row's name: "interview.wav · 1:00:00–1:01:00 (window 61 of 180)". */
export function describeDatapoint(dp: FramedDatapoint): string {
  const w = windowOf(dp);
  return w ? `${w.name} · ${windowSpan(w)} (${windowPosition(w)})` : dp.original_name;
}
