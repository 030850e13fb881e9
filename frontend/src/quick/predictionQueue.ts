// The binary mode over predictions (settings.quick.over = "predictions"): the open
// predictions of an item in the order they are decided, and what undo needs to take a
// decision back. Pure, so the rules are tested without a browser.
import type { Schemas } from "../api/client";

export type Prediction = Schemas["PredictionOut"];
export type Verdict = "accept" | "reject" | "ignore";

/** Predictions not decided yet (ignored ones were left aside: not offered again), by time. */
export function openPredictions(list: Prediction[]): Prediction[] {
  return list.filter((p) => p.decision === null).sort((a, b) => a.start - b.start || a.end - b.end || (a.id < b.id ? -1 : 1));
}

export interface Taken {
  datapointId: number;
  predictionId: string;
  verdict: Verdict;
  /** The segment an acceptance made (deleted to undo it) and its version. */
  segment: { id: string; version: number } | null;
  /** The decision finished the item, which was completed with it (undo reopens it). */
  completedItem: boolean;
}

/** Seconds of audio played before and after a region, so its edges can be heard. */
export const CONTEXT_SECONDS = 0.25;

/** The stretch of the recording to play for a prediction. */
export function playSpan(p: { start: number; end: number }, duration: number): { from: number; to: number } {
  return { from: Math.max(0, p.start - CONTEXT_SECONDS), to: Math.min(duration || p.end, p.end + CONTEXT_SECONDS) };
}

/** "0:03.2–0:05.9" */
export function spanText(p: { start: number; end: number }): string {
  const t = (s: number) => `${Math.floor(s / 60)}:${(s % 60).toFixed(1).padStart(4, "0")}`;
  return `${t(p.start)}–${t(p.end)}`;
}
