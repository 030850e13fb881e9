// Which key does what in each quick mode: one key per decision, nothing else needed.

export type Command =
  | { kind: "decide"; value: string }
  | { kind: "pick"; index: number }
  | { kind: "submit" }
  | { kind: "undo" }
  | { kind: "skip" }
  | { kind: "speed"; step: 1 | -1 }
  | { kind: "replay" };

export interface KeyPress {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
  shiftKey?: boolean;
  /** True when the key went to a text box (the transcript). */
  inText?: boolean;
}

/** Prodigy's defaults. */
export const BINARY_KEYS: Record<string, string> = { a: "accept", x: "reject", " ": "ignore" };

export const SPEED_STEPS = [0.5, 0.75, 1, 1.25, 1.5, 2];

/** The next playback rate one step up or down, within SPEED_STEPS. */
export function stepSpeed(rate: number, step: 1 | -1): number {
  const at = SPEED_STEPS.findIndex((s) => Math.abs(s - rate) < 1e-6);
  const index = at === -1 ? SPEED_STEPS.indexOf(1) : at;
  return SPEED_STEPS[Math.min(SPEED_STEPS.length - 1, Math.max(0, index + step))];
}

/** What a key press means in a mode, or null for keys the mode leaves alone. */
export function commandFor(mode: string, e: KeyPress): Command | null {
  const mod = e.ctrlKey || e.metaKey;
  // Playback speed works in every mode, also while typing: these keys type nothing.
  if (mod && !e.altKey && e.key === "ArrowUp") return { kind: "speed", step: 1 };
  if (mod && !e.altKey && e.key === "ArrowDown") return { kind: "speed", step: -1 };
  if (mode === "transcript") {
    if (e.key === "Enter" && !e.shiftKey && !mod && !e.altKey) return { kind: "submit" };
    return null; // everything else types

  }
  if (e.inText || mod || e.altKey) return null;
  if (e.key === "Backspace") return { kind: "undo" };
  if (e.key === "S" && e.shiftKey) return { kind: "skip" };
  if (e.key === "r") return { kind: "replay" };
  if (mode === "binary") {
    const value = BINARY_KEYS[e.key.length === 1 ? e.key.toLowerCase() : e.key];
    return value && !e.shiftKey ? { kind: "decide", value } : null;
  }
  if (mode === "choice") {
    if (/^[1-9]$/.test(e.key)) return { kind: "pick", index: Number(e.key) - 1 };
    if (e.key === "Enter") return { kind: "submit" };
  }
  return null;
}

/** The values chosen after picking `id`: single-choice replaces, multi-choice toggles. */
export function pickValue(chosen: number[], id: number, multi: boolean): number[] {
  if (!multi) return [id];
  return chosen.includes(id) ? chosen.filter((x) => x !== id) : [...chosen, id];
}
