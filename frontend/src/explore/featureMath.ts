// Drawing a feature on the item's time axis: time <-> x, the frame under a time, value
// ranges, and the pixels of a heatmap or the points of a line (no React, so it is tested).

/** x (px) of time t (s) on an axis `width` px wide spanning 0..duration. */
export function timeToX(t: number, duration: number, width: number): number {
  return duration > 0 ? (t / duration) * width : 0;
}

/** The time (s) at x px, clamped to the item. */
export function xToTime(x: number, duration: number, width: number): number {
  if (width <= 0) return 0;
  return Math.min(duration, Math.max(0, (x / width) * duration));
}

/** Index of the frame whose centre is nearest to t (times ascending); -1 when none. */
export function frameAt(times: number[], t: number): number {
  if (times.length === 0) return -1;
  let lo = 0;
  let hi = times.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  if (lo > 0 && Math.abs(times[lo - 1] - t) <= Math.abs(times[lo] - t)) return lo - 1;
  return lo;
}

export interface Range {
  min: number;
  max: number;
}

/** The span the colours or the line cover: all finite values; dB features show the top
 *  80 dB (quieter is black, as in a spectrogram). */
export function valueRange(values: number[][], unit: string): Range {
  let min = Infinity;
  let max = -Infinity;
  for (const row of values) {
    for (const v of row) {
      if (!Number.isFinite(v)) continue;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  if (!Number.isFinite(min)) return { min: 0, max: 1 };
  if (unit === "dB") min = Math.max(min, max - 80);
  if (max === min) return { min: min - 0.5, max: max + 0.5 };
  return { min, max };
}

// Viridis at nine evenly spaced points (Matplotlib's colormap, perceptually uniform).
const VIRIDIS: [number, number, number][] = [
  [68, 1, 84],
  [71, 44, 122],
  [59, 81, 139],
  [44, 113, 142],
  [33, 144, 141],
  [39, 173, 129],
  [92, 200, 99],
  [170, 220, 50],
  [253, 231, 37],
];

/** The colour of a value at fraction f (0..1) of the range. */
export function viridis(f: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, Number.isFinite(f) ? f : 0)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const w = x - i;
  const a = VIRIDIS[i];
  const b = VIRIDIS[i + 1];
  return [0, 1, 2].map((k) => Math.round(a[k] + (b[k] - a[k]) * w)) as [number, number, number];
}

/**
 * RGBA pixels of values[row][frame] drawn `width` x `height`: frame k covers the x of its
 * time span (frames are centred at `times`), row 0 at the bottom.
 */
export function heatmapPixels(
  values: number[][],
  times: number[],
  duration: number,
  width: number,
  height: number,
  range: Range,
): Uint8ClampedArray<ArrayBuffer> {
  const out = new Uint8ClampedArray(new ArrayBuffer(width * height * 4));
  const rows = values.length;
  if (rows === 0 || times.length === 0) return out;
  const span = range.max - range.min || 1;
  for (let x = 0; x < width; x++) {
    const frame = frameAt(times, xToTime(x + 0.5, duration, width));
    for (let y = 0; y < height; y++) {
      const row = Math.min(rows - 1, Math.floor(((height - 1 - y) / height) * rows));
      const [r, g, b] = viridis((values[row][frame] - range.min) / span);
      const i = (y * width + x) * 4;
      out[i] = r;
      out[i + 1] = g;
      out[i + 2] = b;
      out[i + 3] = 255;
    }
  }
  return out;
}

/** Points of a one-row feature as a line: x from each frame's time, y from its value. */
export function linePoints(
  row: number[],
  times: number[],
  duration: number,
  width: number,
  height: number,
  range: Range,
): [number, number][] {
  const span = range.max - range.min || 1;
  const pad = 4;
  return row.map((v, i) => [
    timeToX(times[i], duration, width),
    pad + (1 - (Number.isFinite(v) ? (v - range.min) / span : 0)) * (height - 2 * pad),
  ]);
}

/** A value for a readout: 3 significant digits, thousands kept whole. */
export function formatValue(v: number, unit: string): string {
  if (!Number.isFinite(v)) return "–";
  const shown = Math.abs(v) >= 1000 ? Math.round(v).toLocaleString("en") : Number(v.toPrecision(3)).toString();
  return unit && unit.length <= 4 && unit !== "1" ? `${shown} ${unit}` : shown;
}
