// A project's quick mode (settings.quick): {mode, label}, read from and written into the
// settings JSON. The server checks the label (it must exist and label whole items).
import type { Settings } from "../admin/settingsJson";

export type QuickMode = "binary" | "choice" | "transcript";
export interface QuickSetting {
  mode: QuickMode;
  label?: string;
}

export const MODES: { mode: QuickMode; name: string; hint: string }[] = [
  {
    mode: "binary",
    name: "Accept / reject",
    hint: "One clip at a time: A accept, X reject, Space ignore, Backspace undo. Needs a single-choice item label with the values accept, reject and ignore.",
  },
  {
    mode: "choice",
    name: "Choose a value",
    hint: "One clip at a time: number keys 1–9 choose the label's values, Enter submits.",
  },
  {
    mode: "transcript",
    name: "Transcribe",
    hint: "One clip at a time, looping: type what is said, Enter submits, Shift+Enter a new line.",
  },
];

export function needsLabel(mode: QuickMode): boolean {
  return mode !== "transcript";
}

export function readQuick(settings: unknown): QuickSetting | null {
  const raw = settings && typeof settings === "object" ? (settings as { quick?: unknown }).quick : undefined;
  if (!raw || typeof raw !== "object") return null;
  const { mode, label } = raw as { mode?: unknown; label?: unknown };
  if (!MODES.some((m) => m.mode === mode)) return null;
  return typeof label === "string" ? { mode: mode as QuickMode, label } : { mode: mode as QuickMode };
}

/** The settings with this quick mode; null drops the key (the full editor only). */
export function withQuick(settings: Settings, quick: QuickSetting | null): Settings {
  const next: Settings = { ...settings };
  if (quick === null) delete next.quick;
  else next.quick = quick.label ? { mode: quick.mode, label: quick.label } : { mode: quick.mode };
  return next;
}

/** Why the quick mode cannot be saved as it stands, or null. */
export function quickProblem(quick: QuickSetting | null): string | null {
  if (quick && needsLabel(quick.mode) && !quick.label) return "Choose the item label the quick mode sets.";
  return null;
}
