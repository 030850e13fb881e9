// A project's quick mode (settings.quick): {mode, label} — or {mode: "binary", over:
// "predictions"} to decide the models' predicted regions one by one — read from and written
// into the settings JSON. The server checks the label (it must exist and label whole items).
import type { Settings } from "../admin/settingsJson";

export type QuickMode = "binary" | "choice" | "transcript";
export type Over = "items" | "predictions";
export interface QuickSetting {
  mode: QuickMode;
  label?: string;
  /** What one decision is about: the whole item (default) or one predicted region. */
  over?: Over;
}

/** The choices a manager has, each a mode and what it decides. */
export const MODES: { key: string; mode: QuickMode; over: Over; name: string; hint: string }[] = [
  {
    key: "binary",
    mode: "binary",
    over: "items",
    name: "Accept / reject",
    hint: "One clip at a time: A accept, X reject, Space ignore, Backspace undo. Needs a single-choice item label with the values accept, reject and ignore.",
  },
  {
    key: "binary-predictions",
    mode: "binary",
    over: "predictions",
    name: "Accept / reject predicted regions",
    hint: "The models' predictions one region at a time, played with a little context: A makes it your segment, X rejects it, Space leaves it aside, Backspace undoes. An item is done when all its predictions are decided.",
  },
  {
    key: "choice",
    mode: "choice",
    over: "items",
    name: "Choose a value",
    hint: "One clip at a time: number keys 1–9 choose the label's values, Enter submits.",
  },
  {
    key: "transcript",
    mode: "transcript",
    over: "items",
    name: "Transcribe",
    hint: "One clip at a time, looping: type what is said, Enter submits, Shift+Enter a new line.",
  },
];

export function overOf(quick: QuickSetting | null): Over {
  return quick?.over === "predictions" ? "predictions" : "items";
}

export function choiceOf(quick: QuickSetting | null) {
  return quick ? MODES.find((m) => m.mode === quick.mode && m.over === overOf(quick)) ?? null : null;
}

export function needsLabel(quick: QuickSetting): boolean {
  return quick.mode !== "transcript" && overOf(quick) === "items";
}

export function readQuick(settings: unknown): QuickSetting | null {
  const raw = settings && typeof settings === "object" ? (settings as { quick?: unknown }).quick : undefined;
  if (!raw || typeof raw !== "object") return null;
  const { mode, label, over } = raw as { mode?: unknown; label?: unknown; over?: unknown };
  if (!MODES.some((m) => m.mode === mode)) return null;
  const out: QuickSetting = { mode: mode as QuickMode };
  if (typeof label === "string") out.label = label;
  if (over === "predictions") out.over = "predictions";
  return out;
}

/** The settings with this quick mode; null drops the key (the full editor only). */
export function withQuick(settings: Settings, quick: QuickSetting | null): Settings {
  const next: Settings = { ...settings };
  if (quick === null) delete next.quick;
  else if (overOf(quick) === "predictions") next.quick = { mode: quick.mode, over: "predictions" };
  else next.quick = quick.label ? { mode: quick.mode, label: quick.label } : { mode: quick.mode };
  return next;
}

/** Why the quick mode cannot be saved as it stands, or null. */
export function quickProblem(quick: QuickSetting | null): string | null {
  if (quick && needsLabel(quick) && !quick.label) return "Choose the item label the quick mode sets.";
  return null;
}
