// Changes not yet saved, collapsed per segment, kept in localStorage so a reload or a closed
// tab loses nothing; plus the server version each segment was last seen at.
import type { Schemas } from "../../api/client";
import { attributesToSave, type Segment, type SegmentPublic, type Values } from "./segments";

export type SegmentIn = Schemas["SegmentIn"];
export type BatchIn = Schemas["BatchIn"];
export type BatchOut = Schemas["BatchOut"];

export interface PendingSegment {
  /** The segment as it should be on the server, or null to delete it. */
  segment: Segment | null;
  /** Increases with every change, so a save answered late does not drop a newer change. */
  rev: number;
}

export interface QueueState {
  pending: Record<string, PendingSegment>;
  /** The server version of each segment the editor knows of. */
  versions: Record<string, number>;
  /** Segments sent as creates whose answer never came: they may exist on the server. */
  maybeCreated: string[];
  /** Datapoint-scope label values waiting to be saved. */
  values: { values: Values; rev: number } | null;
  valuesVersion: number | null;
  rev: number;
}

/** A batch on its way, with the revisions it carries. */
export interface SentBatch {
  body: BatchIn;
  revs: Record<string, number>;
  /** Ids in `body.upserts` sent without a version (creates). */
  creates: string[];
}

export function emptyQueue(): QueueState {
  return { pending: {}, versions: {}, maybeCreated: [], values: null, valuesVersion: null, rev: 0 };
}

function knownOnServer(state: QueueState, id: string): boolean {
  return state.versions[id] !== undefined || state.maybeCreated.includes(id);
}

/**
 * Queues a segment's new state (null: delete). Later changes replace earlier ones; deleting a
 * segment the server never saw cancels its pending create, unless that create is in flight.
 */
export function enqueue(
  state: QueueState,
  id: string,
  segment: Segment | null,
  inFlight: ReadonlySet<string> = new Set(),
): QueueState {
  const rev = state.rev + 1;
  const pending = { ...state.pending };
  if (segment === null && !knownOnServer(state, id) && !inFlight.has(id)) delete pending[id];
  else pending[id] = { segment, rev };
  return { ...state, pending, rev };
}

export function enqueueValues(state: QueueState, values: Values): QueueState {
  const rev = state.rev + 1;
  return { ...state, values: { values, rev }, rev };
}

/** How many changes wait to be saved (what "N changes pending" counts). */
export function pendingCount(state: QueueState): number {
  return Object.keys(state.pending).length + (state.values ? 1 : 0);
}

function toSegmentIn(seg: Segment, version: number | undefined): SegmentIn {
  const out: SegmentIn = {
    id: seg.id,
    start: seg.start,
    end: seg.end,
    transcript: seg.transcript,
    values: seg.values,
    // Sent every time: a save without it would put the segment back on all channels.
    channel: seg.channel ?? null,
    attributes: attributesToSave(seg),
    // A box must stay a box.
    low_hz: seg.low_hz ?? null,
    high_hz: seg.high_hz ?? null,
  };
  if (version !== undefined) out.version = version;
  return out;
}

/** The next batch to send (at most `limit` segments), or null when nothing waits. */
export function nextBatch(state: QueueState, limit = 500): SentBatch | null {
  const upserts: SegmentIn[] = [];
  const deletes: { id: string; version: number }[] = [];
  const revs: Record<string, number> = {};
  const creates: string[] = [];
  for (const [id, change] of Object.entries(state.pending)) {
    if (upserts.length + deletes.length >= limit) break;
    const version = state.versions[id];
    if (change.segment) {
      upserts.push(toSegmentIn(change.segment, version));
      if (version === undefined) creates.push(id);
    } else if (version !== undefined) {
      deletes.push({ id, version });
    } else if (state.maybeCreated.includes(id)) {
      // A create whose answer was lost would be at version 1; if it never landed, 404 is fine.
      deletes.push({ id, version: 1 });
    } else continue;
    revs[id] = change.rev;
  }
  if (upserts.length + deletes.length === 0) return null;
  return { body: { upserts, deletes }, revs, creates };
}

/** Drops pending changes that `nextBatch` would never send (deletes of unsaved segments). */
export function dropUnsendable(state: QueueState): QueueState {
  const pending = { ...state.pending };
  let changed = false;
  for (const [id, change] of Object.entries(pending)) {
    if (change.segment === null && !knownOnServer(state, id)) {
      delete pending[id];
      changed = true;
    }
  }
  return changed ? { ...state, pending } : state;
}

function settle(state: QueueState, sent: SentBatch, id: string): Record<string, PendingSegment> {
  const pending = state.pending;
  if (pending[id] && pending[id].rev === sent.revs[id]) {
    const next = { ...pending };
    delete next[id];
    return next;
  }
  return pending;
}

/** Records a saved batch: new versions, and pending changes that were sent are done. */
export function batchSaved(state: QueueState, sent: SentBatch, result: BatchOut): QueueState {
  let next: QueueState = { ...state, versions: { ...state.versions } };
  for (const seg of result.segments) next.versions[seg.id] = seg.version;
  for (const id of result.deleted) delete next.versions[id];
  for (const id of Object.keys(sent.revs)) next = { ...next, pending: settle(next, sent, id) };
  const sentIds = new Set(Object.keys(sent.revs));
  next.maybeCreated = next.maybeCreated.filter((id) => !sentIds.has(id));
  return next;
}

/** A batch whose answer never came: its creates may have landed. */
export function batchLost(state: QueueState, sent: SentBatch): QueueState {
  const maybe = new Set([...state.maybeCreated, ...sent.creates]);
  return { ...state, maybeCreated: [...maybe] };
}

/** The annotator keeps their change over the server's: it is sent again on top of `current`. */
export function keepMine(state: QueueState, id: string, current: SegmentPublic | null): QueueState {
  const versions = { ...state.versions };
  if (current) versions[id] = current.version;
  else delete versions[id];
  let next: QueueState = {
    ...state,
    versions,
    maybeCreated: state.maybeCreated.filter((x) => x !== id),
  };
  // Deleting what someone else deleted already: nothing left to do.
  if (!current && next.pending[id]?.segment === null) next = dropPending(next, id);
  return next;
}

/** The annotator takes the server's segment (or its deletion): their change is dropped. */
export function takeTheirs(state: QueueState, id: string, current: SegmentPublic | null): QueueState {
  const next = dropPending(state, id);
  const versions = { ...next.versions };
  if (current) versions[id] = current.version;
  else delete versions[id];
  return { ...next, versions, maybeCreated: next.maybeCreated.filter((x) => x !== id) };
}

export function dropPending(state: QueueState, id: string): QueueState {
  const pending = { ...state.pending };
  delete pending[id];
  return { ...state, pending };
}

/** What the server says of the assignment after a write: its version, and the version that
 * write went on top of (null when the write left the assignment as it was). */
export interface AssignmentVersion {
  version: number;
  previous_version: number | null;
}

/**
 * Takes the assignment's new version when this page's own write made it: the write went on
 * top of the version the page holds (or the page knew none). A version moved by someone else
 * is not taken, so the next values save still meets it as a conflict.
 */
export function adoptAssignment(state: QueueState, row: AssignmentVersion): QueueState {
  const held = state.valuesVersion;
  if (held === null || (row.previous_version !== null && row.previous_version === held)) {
    return held === row.version ? state : { ...state, valuesVersion: row.version };
  }
  return state;
}

/** Values saved: the pending values are done unless they changed meanwhile. */
export function valuesSaved(state: QueueState, sentRev: number, version: number): QueueState {
  const values = state.values && state.values.rev === sentRev ? null : state.values;
  return { ...state, values, valuesVersion: version };
}

/**
 * The editor's segments on opening: the server's, with pending local changes on top. Versions
 * of segments with a pending change stay those the change was based on, so a change made on
 * top of an old version is caught as a conflict rather than overwriting.
 */
export function mergeWithServer(
  server: SegmentPublic[],
  state: QueueState,
  toSegment: (s: SegmentPublic) => Segment,
): { segments: Segment[]; state: QueueState } {
  const segments = new Map(server.map((s) => [s.id, toSegment(s)]));
  const versions: Record<string, number> = {};
  for (const s of server) versions[s.id] = s.version;
  for (const [id, change] of Object.entries(state.pending)) {
    if (state.versions[id] !== undefined) versions[id] = state.versions[id];
    else if (!segments.has(id)) delete versions[id];
    if (change.segment) segments.set(id, change.segment);
    else segments.delete(id);
  }
  // A create sent without an answer that the server does have: its version is now known.
  const maybeCreated = state.maybeCreated.filter((id) => versions[id] === undefined);
  const next = dropUnsendable({ ...state, versions, maybeCreated });
  return { segments: [...segments.values()], state: next };
}

// Persistence: one localStorage entry per user and datapoint, and one more per person whose
// work that user reviews there (a reviewer's corrections never mix with their own work).

export function storageKey(userId: number | null | undefined, datapointId: number, reviewing?: number | null): string {
  const own = `audino:pending:${userId ?? "anon"}:${datapointId}`;
  return reviewing == null || reviewing === userId ? own : `${own}:review:${reviewing}`;
}

export function loadQueue(key: string, storage: Storage = localStorage): QueueState {
  try {
    const raw = storage.getItem(key);
    if (!raw) return emptyQueue();
    const parsed = JSON.parse(raw) as Partial<QueueState>;
    return { ...emptyQueue(), ...parsed };
  } catch {
    return emptyQueue();
  }
}

/** Stores what still needs saving; nothing pending means nothing stored. */
export function storeQueue(key: string, state: QueueState, storage: Storage = localStorage): void {
  try {
    if (pendingCount(state) === 0 && state.maybeCreated.length === 0) storage.removeItem(key);
    else storage.setItem(key, JSON.stringify(state));
  } catch {
    // Storage full or blocked: the change still goes to the server, just not kept locally.
  }
}
