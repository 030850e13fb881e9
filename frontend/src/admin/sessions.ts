// settings.sessions: long recordings presented as consecutive windows ("sessions") that
// annotators take one by one. Read with the server's defaults, written back whole, checked
// with the server's bounds so most mistakes show before saving.
import type { Settings } from "./settingsJson";

export type SessionsMode = "off" | "fixed" | "silence";

export interface Sessions {
  mode: SessionsMode;
  /** Window length in seconds (the target length when cutting at silences). */
  length: number;
  /** Only recordings longer than this many seconds are split. */
  longer_than: number;
}

export type SessionsField = keyof Sessions;

export const MODES: { mode: SessionsMode; label: string }[] = [
  { mode: "off", label: "Off: whole recordings" },
  { mode: "fixed", label: "Fixed-length windows" },
  { mode: "silence", label: "Windows cut at silences" },
];

/** The server's bounds (services/windows.py). */
export const MIN_LENGTH = 5;
export const MAX_LENGTH = 3600;
const DEFAULT_LENGTH = 60;

const isNumber = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

/** The option as set, with the server's defaults for what is left out. */
export function readSessions(settings: Settings | null): Sessions {
  const raw = settings?.sessions;
  const obj = raw && typeof raw === "object" && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  const mode = MODES.some((m) => m.mode === obj.mode) ? (obj.mode as SessionsMode) : "off";
  const length = isNumber(obj.length) ? obj.length : DEFAULT_LENGTH;
  const longer = isNumber(obj.longer_than) ? obj.longer_than : 2 * length;
  return { mode, length, longer_than: longer };
}

export function withSessions(settings: Settings, sessions: Sessions): Settings {
  return { ...settings, sessions: { ...sessions } };
}

/** What is wrong with each field, by the server's rules. */
export function sessionsProblems(s: Sessions): Partial<Record<SessionsField, string>> {
  const out: Partial<Record<SessionsField, string>> = {};
  if (!isNumber(s.length) || s.length < MIN_LENGTH || s.length > MAX_LENGTH) {
    out.length = `Between ${MIN_LENGTH} and ${MAX_LENGTH} seconds.`;
  }
  if (!isNumber(s.longer_than) || s.longer_than < s.length) {
    out.longer_than = "At least the window length.";
  }
  return out;
}

/** The field a server error (code bad_sessions, "sessions.length must …") is about. */
export function sessionsErrorField(code: string | null, message: string | null): SessionsField | "all" | null {
  if (code !== "bad_sessions" || !message) return null;
  const named = /sessions\.(mode|length|longer_than)\b/.exec(message);
  return named ? (named[1] as SessionsField) : "all";
}

/** "Split 3 recordings into 540 windows." */
export function splitSummary(result: { recordings: number; windows: number }): string {
  const { recordings, windows } = result;
  if (recordings === 0) return "No recording needed splitting (already split, too short, still processing, or with segments).";
  const r = recordings === 1 ? "1 recording" : `${recordings} recordings`;
  const w = windows === 1 ? "1 window" : `${windows} windows`;
  return `Split ${r} into ${w}.`;
}
