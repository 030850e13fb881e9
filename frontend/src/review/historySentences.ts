// An item's history in words: "rita changed the transcript of the segment at 0.10 s from
// “helo” to “hello”", one sentence per event of the audit trail.
import type { Schemas } from "../api/client";
import { formatTime, type Label, type LabelValue } from "../annotate/state/segments";

export type HistoryEvent = Schemas["EventOut"];
type Snapshot = Record<string, unknown>;

export interface HistoryWords {
  /** Labels of the project, to name values rather than show their ids. */
  labels: Label[];
  /** Usernames by user id, to say whose work an event was about. */
  names: ReadonlyMap<number, string>;
}

/** A time in a sentence: "0.10 s" under a minute, "1:05.250" beyond. */
export function when(seconds: unknown): string {
  if (typeof seconds !== "number" || !Number.isFinite(seconds)) return "?";
  return seconds < 60 ? `${seconds.toFixed(2)} s` : formatTime(seconds);
}

function span(snap: Snapshot): string {
  const { start, end } = snap;
  if (typeof start === "number" && typeof end === "number" && start < 60 && end < 60) {
    return `${start.toFixed(2)}–${end.toFixed(2)} s`;
  }
  return `${when(start)}–${when(end)}`;
}

function quote(text: unknown, max = 80): string {
  const s = typeof text === "string" ? text : "";
  return `“${s.length > max ? `${s.slice(0, max - 1)}…` : s}”`;
}

function empty(v: unknown): boolean {
  return v === undefined || v === null || v === "" || (Array.isArray(v) && v.length === 0);
}

/** A label's value in words: the value's name for choices, yes/no, the text or number. */
export function valueWords(label: Label | undefined, v: unknown): string {
  if (label && (label.kind === "single" || label.kind === "multi")) {
    const ids = Array.isArray(v) ? v : [v];
    return ids.map((id) => quote(label.values.find((x) => x.id === id)?.value ?? String(id))).join(", ");
  }
  if (typeof v === "boolean") return v ? "yes" : "no";
  return quote(String(v as LabelValue));
}

/** What changed in a set of label values: "set speaker to “B”", "cleared noise". */
export function valueChanges(before: unknown, after: unknown, labels: Label[]): string[] {
  const a = (before && typeof before === "object" ? before : {}) as Record<string, unknown>;
  const b = (after && typeof after === "object" ? after : {}) as Record<string, unknown>;
  const out: string[] = [];
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (JSON.stringify(a[key]) === JSON.stringify(b[key])) continue;
    const label = labels.find((l) => String(l.id) === key || l.name === key);
    const name = label?.name ?? `label ${key}`;
    if (empty(b[key])) out.push(`cleared ${name}`);
    else out.push(`set ${name} to ${valueWords(label, b[key])}`);
  }
  return out;
}

function and(parts: string[]): string {
  if (parts.length <= 1) return parts.join("");
  return `${parts.slice(0, -1).join(", ")} and ${parts[parts.length - 1]}`;
}

function segmentSentence(action: string, who: string, before: Snapshot, after: Snapshot, words: HistoryWords): string {
  if (action === "segment.create") {
    const text = empty(after.transcript) ? "" : `: ${quote(after.transcript)}`;
    return `${who} added a segment at ${span(after)}${text}`;
  }
  const at = `the segment at ${when(before.start ?? after.start)}`;
  if (action === "segment.delete") {
    const text = empty(before.transcript) ? "" : ` (${quote(before.transcript)})`;
    return `${who} deleted ${at}${text}`;
  }
  const parts: { kind: "text" | "times" | "values"; full: string; short: string }[] = [];
  if ((before.transcript ?? "") !== (after.transcript ?? "")) {
    const full = empty(before.transcript)
      ? `wrote ${quote(after.transcript)} as the transcript of ${at}`
      : empty(after.transcript)
        ? `cleared the transcript of ${at} (it was ${quote(before.transcript)})`
        : `changed the transcript of ${at} from ${quote(before.transcript)} to ${quote(after.transcript)}`;
    parts.push({ kind: "text", full, short: `transcript ${quote(before.transcript)} → ${quote(after.transcript)}` });
  }
  if (before.start !== after.start || before.end !== after.end) {
    const moved =
      typeof before.start === "number" &&
      typeof before.end === "number" &&
      typeof after.start === "number" &&
      typeof after.end === "number" &&
      Math.abs(before.end - before.start - (after.end - after.start)) < 0.0005;
    parts.push({
      kind: "times",
      full: `${moved ? "moved" : "resized"} ${at} to ${span(after)}`,
      short: `${moved ? "moved" : "resized"} to ${span(after)}`,
    });
  }
  const values = valueChanges(before.values, after.values, words.labels);
  if (values.length) parts.push({ kind: "values", full: `${and(values)} on ${at}`, short: and(values) });
  if (parts.length === 0) return `${who} saved ${at} unchanged`;
  if (parts.length === 1) return `${who} ${parts[0].full}`;
  return `${who} changed ${at}: ${parts.map((p) => p.short).join("; ")}`;
}

function whose(userId: unknown, actor: number | null, words: HistoryWords): string {
  if (typeof userId !== "number") return "the";
  if (userId === actor) return "their";
  const name = words.names.get(userId);
  return name ? `${name}’s` : `user ${userId}’s`;
}

const WORK: Record<string, (work: string) => string> = {
  "assignment.complete": (w) => `submitted ${w} work`,
  "assignment.accept": (w) => `accepted ${w} work`,
  "assignment.reject": (w) => `rejected ${w} work`,
  "assignment.reopen": (w) => `reopened ${w} work`,
  "assignment.mark_review": (w) => `marked ${w} work for review`,
  "assignment.unmark_review": (w) => `took the review mark off ${w} work`,
};

/** One sentence for one event of the item's history. */
export function describeEvent(event: HistoryEvent, words: HistoryWords): string {
  const who = event.who ?? "Someone";
  const before = (event.before ?? {}) as Snapshot;
  const after = (event.after ?? {}) as Snapshot;
  const { action } = event;
  if (event.entity_type === "segment") return segmentSentence(action, who, before, after, words);
  if (action in WORK) return `${who} ${WORK[action](whose(after.user_id ?? before.user_id, event.user_id, words))}`;
  if (action === "assignment.values") {
    const changes = valueChanges(before.values, after.values, words.labels);
    const work = whose(after.user_id ?? before.user_id, event.user_id, words);
    const of = work === "their" ? "" : ` in ${work} work`;
    return changes.length ? `${who} ${and(changes)} for the whole recording${of}` : `${who} saved the recording’s labels${of}`;
  }
  switch (action) {
    case "comment.create":
      return `${who} commented: ${quote(after.body)}`;
    case "comment.rejection":
      return `${who} wrote why: ${quote(after.body)}`;
    case "comment.delete":
      return `${who} deleted a comment: ${quote(before.body)}`;
    case "comment.update":
      if (before.resolved !== after.resolved) return `${who} ${after.resolved ? "resolved" : "reopened"} a comment`;
      return `${who} edited a comment to ${quote(after.body)}`;
    case "datapoint.upload":
      return `${who} uploaded the recording`;
    case "datapoint.unassign":
      return `${who} took the item from ${words.names.get(before.user_id as number) ?? "someone"}`;
    case "datapoint.update":
      return `${who} changed the item’s details`;
    case "annotations.import":
      return `${who} imported annotations`;
    default:
      return `${who}: ${action.replace(/[._]/g, " ")}`;
  }
}

/** The segment an event is about and where it lay, for "This segment" and restoring. */
export function eventSegment(event: HistoryEvent): { id: string; start: number | null } | null {
  if (event.entity_type !== "segment") return null;
  const snap = (event.after ?? event.before ?? {}) as Snapshot;
  return { id: event.entity_id, start: typeof snap.start === "number" ? snap.start : null };
}

/**
 * The events that made each segment what it is now (its newest change, unless it was
 * deleted): restoring one of them would change nothing, so they offer no "Restore".
 */
export function currentVersions(newestFirst: HistoryEvent[]): Set<number> {
  const seen = new Set<string>();
  const out = new Set<number>();
  for (const e of newestFirst) {
    if (e.entity_type !== "segment" || seen.has(e.entity_id)) continue;
    seen.add(e.entity_id);
    if (e.action !== "segment.delete") out.add(e.id);
  }
  return out;
}
