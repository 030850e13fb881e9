// The spectrogram lane's frequency axis: where a frequency lies on a linear, mel or log scale
// and back. The same formulas as the server's tiles (audio/spectrogram.py), so a box drawn
// over a call covers the pixels the call is drawn in.
export type FrequencyScale = "linear" | "mel" | "log";

/** The log scale's lowest frequency (below it nothing is drawn). */
export const LOG_MIN_HZ = 20;

const mel = (hz: number) => 2595 * Math.log10(1 + hz / 700);
const melToHz = (m: number) => 700 * (10 ** (m / 2595) - 1);
const logFloor = (nyquist: number) => Math.min(LOG_MIN_HZ, nyquist / 2);

/** How high `hz` lies on the axis: 0 at the bottom edge, 1 at the top (Nyquist), clamped. */
export function fractionOf(hz: number, scale: FrequencyScale, nyquist: number): number {
  let f: number;
  if (scale === "mel") f = mel(hz) / mel(nyquist);
  else if (scale === "log") {
    const low = logFloor(nyquist);
    f = Math.log(Math.max(hz, 1e-9) / low) / Math.log(nyquist / low);
  } else f = hz / nyquist;
  return Math.min(1, Math.max(0, f));
}

/** The frequency at height `fraction` (0 bottom, 1 top): the inverse of fractionOf. */
export function frequencyAt(fraction: number, scale: FrequencyScale, nyquist: number): number {
  const y = Math.min(1, Math.max(0, fraction));
  if (scale === "mel") return melToHz(y * mel(nyquist));
  if (scale === "log") {
    const low = logFloor(nyquist);
    return low * (nyquist / low) ** y;
  }
  return y * nyquist;
}

/** Pixels from the lane's top (0) for `hz` on a lane `height` px tall. */
export function hzToY(hz: number, nyquist: number, scale: FrequencyScale, height: number): number {
  return height * (1 - fractionOf(hz, scale, nyquist));
}

/** The frequency under a pointer `y` px from the lane's top. */
export function yToHz(y: number, nyquist: number, scale: FrequencyScale, height: number): number {
  return frequencyAt(1 - y / Math.max(height, 1e-9), scale, nyquist);
}
