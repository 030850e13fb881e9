// Reading a typed segment time: a number of seconds inside the allowed span, or why not.
import { MIN_LENGTH, formatTime, roundTime } from "./segments";

export interface TimeBounds {
  /** "Start" or "End". */
  label: string;
  min: number;
  max: number;
  /** The other edge of the segment, to say how the two must lie. */
  other: number;
}

export type TimeReading = { ok: true; value: number } | { ok: false; problem: string };

/** The typed seconds, rounded like stored times, or a sentence saying why they cannot be used. */
export function readTime(text: string, bounds: TimeBounds): TimeReading {
  const { label, min, max, other } = bounds;
  const trimmed = text.trim();
  const n = Number(trimmed);
  if (trimmed === "" || !Number.isFinite(n)) return { ok: false, problem: `${label} must be a number of seconds.` };
  const gap = MIN_LENGTH.toFixed(2);
  if (label === "End" && n < min) {
    return n <= other
      ? { ok: false, problem: `End must be after the start (${formatTime(other)}), at least ${gap} s later.` }
      : { ok: false, problem: `A segment is at least ${gap} s long: end at ${formatTime(min)} or later.` };
  }
  if (label === "Start" && n > max) {
    return n >= other
      ? { ok: false, problem: `Start must be before the end (${formatTime(other)}), at least ${gap} s earlier.` }
      : { ok: false, problem: `A segment is at least ${gap} s long: start at ${formatTime(max)} or earlier.` };
  }
  if (n < min) return { ok: false, problem: `${label} cannot be before ${formatTime(min)}, where the audio starts.` };
  if (n > max) return { ok: false, problem: `${label} cannot be after ${formatTime(max)}, where the audio ends.` };
  return { ok: true, value: roundTime(n) };
}
