// The segments of one datapoint with undo and redo: every edit is a list of before/after pairs.
import type { Segment } from "./segments";
import { keepWords } from "./words";

/** One segment's change: created (before null), deleted (after null) or updated. */
export interface Change {
  id: string;
  before: Segment | null;
  after: Segment | null;
}

export interface Edit {
  /** What the annotator did, in their words ("Move segment"). */
  label: string;
  changes: Change[];
  /** Edits with the same key, close in time, merge into one undo step (typing). */
  key?: string;
  at: number;
}

export interface SegmentDoc {
  segments: Record<string, Segment>;
  past: Edit[];
  future: Edit[];
}

/** Undo steps kept; older ones are dropped. */
export const HISTORY_LIMIT = 200;
/** Typing pauses longer than this start a new undo step. */
export const MERGE_WINDOW_MS = 1500;

export function emptyDoc(segments: Segment[] = []): SegmentDoc {
  return { segments: Object.fromEntries(segments.map((s) => [s.id, s])), past: [], future: [] };
}

function applyChanges(
  segments: Record<string, Segment>,
  changes: Change[],
  side: "before" | "after",
): Record<string, Segment> {
  const next = { ...segments };
  for (const change of changes) {
    const value = change[side];
    if (value === null) delete next[change.id];
    else next[change.id] = value;
  }
  return next;
}

function invert(changes: Change[]): Change[] {
  return [...changes].reverse().map((c) => ({ id: c.id, before: c.after, after: c.before }));
}

/** Merges a later edit into an earlier one: the first `before` and the last `after` win. */
function merge(first: Edit, second: Edit): Edit {
  const byId = new Map(first.changes.map((c) => [c.id, { ...c }]));
  for (const c of second.changes) {
    const prior = byId.get(c.id);
    if (prior) prior.after = c.after;
    else byId.set(c.id, { ...c });
  }
  return { ...first, changes: [...byId.values()], at: second.at };
}

function isNoop(change: Change): boolean {
  return JSON.stringify(change.before) === JSON.stringify(change.after);
}

/**
 * Applies an edit and records it for undo. Returns the new doc and the changes that took
 * effect (to be saved); a no-op edit returns the doc unchanged and no changes.
 */
export function commit(
  doc: SegmentDoc,
  label: string,
  changes: Change[],
  options: { key?: string; now?: number } = {},
): { doc: SegmentDoc; changes: Change[] } {
  const real = changes.filter((c) => !isNoop(c));
  if (real.length === 0) return { doc, changes: [] };
  const at = options.now ?? Date.now();
  let edit: Edit = { label, changes: real, key: options.key, at };
  const past = [...doc.past];
  const last = past[past.length - 1];
  if (options.key && last && last.key === options.key && at - last.at <= MERGE_WINDOW_MS) {
    edit = merge(last, edit);
    past.pop();
  }
  past.push(edit);
  if (past.length > HISTORY_LIMIT) past.splice(0, past.length - HISTORY_LIMIT);
  return {
    doc: { segments: applyChanges(doc.segments, real, "after"), past, future: [] },
    changes: real,
  };
}

/** Undoes the last edit; `changes` are what to save (before/after as now applied). */
export function undo(doc: SegmentDoc): { doc: SegmentDoc; changes: Change[]; label?: string } {
  const last = doc.past[doc.past.length - 1];
  if (!last) return { doc, changes: [] };
  const changes = invert(last.changes);
  return {
    doc: {
      segments: applyChanges(doc.segments, changes, "after"),
      past: doc.past.slice(0, -1),
      future: [...doc.future, last],
    },
    changes,
    label: last.label,
  };
}

export function redo(doc: SegmentDoc): { doc: SegmentDoc; changes: Change[]; label?: string } {
  const next = doc.future[doc.future.length - 1];
  if (!next) return { doc, changes: [] };
  return {
    doc: {
      segments: applyChanges(doc.segments, next.changes, "after"),
      past: [...doc.past, { ...next, key: undefined }],
      future: doc.future.slice(0, -1),
    },
    changes: next.changes,
    label: next.label,
  };
}

/** Replaces one segment without an undo step (the server's copy after a conflict). */
export function replaceSilently(doc: SegmentDoc, id: string, seg: Segment | null): SegmentDoc {
  const segments = { ...doc.segments };
  if (seg) segments[id] = seg;
  else delete segments[id];
  return { ...doc, segments };
}

// Change builders, so callers never hand-craft before/after pairs.

export function created(seg: Segment): Change {
  return { id: seg.id, before: null, after: seg };
}

export function deleted(seg: Segment): Change {
  return { id: seg.id, before: seg, after: null };
}

export function updated(doc: SegmentDoc, id: string, patch: Partial<Segment>): Change[] {
  const before = doc.segments[id];
  if (!before) return [];
  return [{ id, before, after: keepWords(before, { ...before, ...patch, id }) }];
}
