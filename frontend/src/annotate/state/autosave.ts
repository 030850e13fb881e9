// Saves queued changes to the server within a second: one batch at a time, retried with
// backoff while offline, stopped on a conflict until the annotator decides.
import { ApiError, type Schemas } from "../../api/client";
import {
  adoptAssignment,
  batchLost,
  batchSaved,
  dropPending,
  dropUnsendable,
  enqueue,
  enqueueValues,
  keepMine,
  nextBatch,
  pendingCount,
  storeQueue,
  takeTheirs,
  valuesSaved,
  type BatchIn,
  type BatchOut,
  type QueueState,
} from "./saveQueue";
import type { Segment, SegmentPublic, Values } from "./segments";

export type AssignmentPublic = Schemas["audino__api__routes__segments__AssignmentPublic"];
export type SaveStatus = "saved" | "saving" | "offline" | "conflict" | "error";

export type Conflict =
  | { kind: "segment"; id: string; mine: Segment | null; theirs: SegmentPublic | null }
  | { kind: "values"; mine: Values; theirs: AssignmentPublic };

export interface SaveView {
  status: SaveStatus;
  pending: number;
  conflict: Conflict | null;
  /** Why the last save was refused, and the segment it was about (if known). */
  error: { message: string; id: string | null } | null;
  /** The annotator's assignment as the server last answered it (status, review mark). */
  assignment: AssignmentPublic | null;
}

export interface Transport {
  saveBatch(body: BatchIn): Promise<BatchOut>;
  saveValues(values: Values, version: number | null): Promise<AssignmentPublic>;
}

export interface AutosaveOptions {
  /** Quiet time after a change before saving (ms). */
  delay?: number;
  /** A change never waits longer than this (ms). */
  maxWait?: number;
  /** Longest wait between retries while offline (ms). */
  maxBackoff?: number;
  storage?: Storage;
}

const RETRYABLE = new Set([0, 429, 500, 502, 503, 504]);

/** Which item of a batch a server message is about: "upserts[2]: …" → ["upserts", 2]. */
export function failedItem(message: string): ["upserts" | "deletes", number] | null {
  const m = /^(upserts|deletes)\[(\d+)\]/.exec(message);
  return m ? [m[1] as "upserts" | "deletes", Number(m[2])] : null;
}

export class Autosave {
  private state: QueueState;
  private readonly key: string;
  private readonly transport: Transport;
  private readonly delay: number;
  private readonly maxWait: number;
  private readonly maxBackoff: number;
  private readonly storage: Storage | undefined;
  private inFlight = new Set<string>();
  private busy = false;
  private offline = false;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private firstWaitingAt: number | null = null;
  private conflict: Conflict | null = null;
  private error: SaveView["error"] = null;
  private assignment: AssignmentPublic | null = null;
  private listeners = new Set<(view: SaveView) => void>();
  private disposed = false;
  private view: SaveView;

  constructor(key: string, state: QueueState, transport: Transport, options: AutosaveOptions = {}) {
    this.key = key;
    this.state = state;
    this.transport = transport;
    this.delay = options.delay ?? 300;
    this.maxWait = options.maxWait ?? 1000;
    this.maxBackoff = options.maxBackoff ?? 8000;
    this.storage = options.storage ?? (typeof localStorage === "undefined" ? undefined : localStorage);
    this.view = this.makeView();
    if (pendingCount(state) > 0) this.schedule(0);
  }

  getView(): SaveView {
    return this.view;
  }

  getState(): QueueState {
    return this.state;
  }

  /** Takes the queue as merged with the server's segments, and the assignment as just read,
   * on opening the page (this saver may have served an earlier visit). */
  replaceState(state: QueueState, assignment: AssignmentPublic | null = null): void {
    this.assignment = assignment;
    this.update(state);
    if (pendingCount(state) > 0) this.schedule(0);
  }

  subscribe(listener: (view: SaveView) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Queues a segment's new state (null deletes it) and saves it soon. */
  change(id: string, segment: Segment | null): void {
    this.update(enqueue(this.state, id, segment, this.inFlight));
    this.schedule();
  }

  changeValues(values: Values): void {
    this.update(enqueueValues(this.state, values));
    this.schedule();
  }

  /**
   * The server answered a write with the assignment (review mark, complete, reopen, a saved
   * batch): its version is taken when this page's write made it (see adoptAssignment). A
   * conflict on screen is kept up with the page's own writes, so "Keep mine" goes on top.
   */
  adopt(row: AssignmentPublic): void {
    this.assignment = row;
    const c = this.conflict;
    if (c?.kind === "values" && row.previous_version !== null && row.previous_version === c.theirs.version) {
      this.conflict = { ...c, theirs: row };
    }
    this.update(adoptAssignment(this.state, row));
  }

  /**
   * Segments the server changed another way (a version restored from the history): taken as
   * they now are, with their versions; a change still waiting for one of them is dropped.
   */
  takeServer(segments: SegmentPublic[], deleted: string[] = []): void {
    let state = this.state;
    for (const seg of segments) state = takeTheirs(state, seg.id, seg);
    for (const id of deleted) state = takeTheirs(state, id, null);
    this.update(state);
  }

  /**
   * Runs a write on the assignment between saves, never beside one, so a review mark and a
   * values save cannot race past each other's version.
   */
  async exclusive<T>(work: () => Promise<T>): Promise<T> {
    while (this.busy) await new Promise((r) => setTimeout(r, 50));
    this.busy = true;
    this.emit();
    try {
      return await work();
    } finally {
      this.busy = false;
      this.emit();
      if (pendingCount(this.state) > 0) this.schedule(0);
    }
  }

  /** Saves now, e.g. when the connection is back or before completing. */
  retryNow(): void {
    this.attempt = 0;
    this.schedule(0);
  }

  /** Resolves the conflict on screen; returns what the editor should now show. */
  resolve(choice: "mine" | "theirs"): Conflict | null {
    const conflict = this.conflict;
    if (!conflict) return null;
    this.conflict = null;
    if (conflict.kind === "segment") {
      const fix = choice === "mine" ? keepMine : takeTheirs;
      this.update(fix(this.state, conflict.id, conflict.theirs));
    } else if (choice === "mine") {
      this.update({ ...this.state, valuesVersion: conflict.theirs.version });
    } else {
      this.update({ ...this.state, values: null, valuesVersion: conflict.theirs.version });
    }
    this.retryNow();
    return conflict;
  }

  /** Gives up the change the server refused; returns the segment id it was about. */
  discardRefused(): string | null {
    const id = this.error?.id ?? null;
    if (id) this.update(dropPending(this.state, id));
    else this.update({ ...this.state, values: null });
    this.error = null;
    this.retryNow();
    return id;
  }

  /** Resolves once nothing is waiting, or rejects with why it cannot be saved now. */
  async whenSaved(timeoutMs = 10000): Promise<void> {
    this.retryNow();
    const start = Date.now();
    while (pendingCount(this.state) > 0 || this.busy) {
      if (this.conflict) throw new Error("Resolve the conflict first: choose Keep mine or Take theirs.");
      if (this.error) throw new Error(this.error.message);
      if (Date.now() - start > timeoutMs) {
        throw new Error("Changes are not saved yet: the server cannot be reached.");
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    this.listeners.clear();
  }

  private update(state: QueueState): void {
    this.state = state;
    if (this.storage) storeQueue(this.key, state, this.storage);
    this.emit();
  }

  private makeView(): SaveView {
    const pending = pendingCount(this.state);
    let status: SaveStatus = "saved";
    if (this.conflict) status = "conflict";
    else if (this.error) status = "error";
    else if (this.offline && pending > 0) status = "offline";
    else if (pending > 0 || this.busy) status = "saving";
    return { status, pending, conflict: this.conflict, error: this.error, assignment: this.assignment };
  }

  private emit(): void {
    const view = this.makeView();
    const prev = this.view;
    if (
      prev.status === view.status &&
      prev.pending === view.pending &&
      prev.conflict === view.conflict &&
      prev.error === view.error &&
      prev.assignment === view.assignment
    ) {
      return;
    }
    this.view = view;
    for (const listener of this.listeners) listener(view);
  }

  private schedule(wait?: number): void {
    if (this.disposed) return;
    const now = Date.now();
    if (this.firstWaitingAt === null) this.firstWaitingAt = now;
    const due = wait ?? Math.min(this.delay, this.firstWaitingAt + this.maxWait - now);
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.flush(), Math.max(0, due));
  }

  private async flush(): Promise<void> {
    this.timer = null;
    if (this.busy || this.disposed || this.conflict || this.error) return;
    this.firstWaitingAt = null;
    this.update(dropUnsendable(this.state));
    const batch = nextBatch(this.state);
    const values = this.state.values;
    if (!batch && !values) {
      this.offline = false;
      this.emit();
      return;
    }
    this.busy = true;
    this.emit();
    let retry: number | null = 0;
    try {
      if (batch) {
        this.inFlight = new Set(Object.keys(batch.revs));
        try {
          const result = await this.transport.saveBatch(batch.body);
          this.update(batchSaved(this.state, batch, result));
          if (result.assignment) this.adopt(result.assignment);
        } catch (err) {
          retry = this.failedBatch(err, batch);
        }
      } else if (values) {
        try {
          const saved = await this.transport.saveValues(values.values, this.state.valuesVersion);
          this.assignment = saved;
          this.update(valuesSaved(this.state, values.rev, saved.version));
        } catch (err) {
          retry = this.failedValues(err, values.values);
        }
      }
      if (retry === 0) {
        this.offline = false;
        this.attempt = 0;
      }
    } finally {
      this.busy = false;
      this.inFlight = new Set();
      this.emit();
    }
    if (this.disposed || this.conflict || this.error) return;
    if (retry !== null && (pendingCount(this.state) > 0 || retry > 0)) this.schedule(retry);
  }

  /** Decides what a failed batch means; returns ms until the next try, or null to stop. */
  private failedBatch(err: unknown, batch: NonNullable<ReturnType<typeof nextBatch>>): number | null {
    if (!(err instanceof ApiError) || RETRYABLE.has(err.status)) {
      this.update(batchLost(this.state, batch));
      return this.backoff();
    }
    const body = (err.body ?? {}) as { current?: SegmentPublic };
    const item = failedItem(err.message);
    const itemId = item
      ? item[0] === "upserts"
        ? batch.body.upserts?.[item[1]]?.id ?? null
        : batch.body.deletes?.[item[1]]?.id ?? null
      : null;
    if (err.status === 409 && body.current) {
      const current = body.current;
      if (err.code === "segment_exists") {
        // Our own earlier create landed (its answer was lost): save on top of it.
        this.update(keepMine(this.state, current.id, current));
        return 0;
      }
      const mine = this.state.pending[current.id]?.segment ?? null;
      this.conflict = { kind: "segment", id: current.id, mine, theirs: current };
      return null;
    }
    if (err.status === 404 && item && itemId) {
      if (item[0] === "deletes") {
        // Already gone: the delete is done.
        this.update(takeTheirs(this.state, itemId, null));
        return 0;
      }
      const mine = this.state.pending[itemId]?.segment ?? null;
      this.conflict = { kind: "segment", id: itemId, mine, theirs: null };
      return null;
    }
    if (err.status === 401) {
      this.error = { message: "You were signed out. Log in again: your changes are kept here.", id: null };
      return null;
    }
    this.error = { message: err.message, id: itemId };
    return null;
  }

  private failedValues(err: unknown, mine: Values): number | null {
    if (!(err instanceof ApiError) || RETRYABLE.has(err.status)) return this.backoff();
    const body = (err.body ?? {}) as { current?: AssignmentPublic };
    if (err.status === 409 && body.current) {
      this.conflict = { kind: "values", mine, theirs: body.current };
      return null;
    }
    this.error = { message: err.message, id: null };
    return null;
  }

  private backoff(): number {
    this.offline = true;
    const wait = Math.min(this.maxBackoff, 1000 * 2 ** this.attempt);
    this.attempt += 1;
    return wait;
  }
}

/**
 * One saver per user and datapoint for the life of the app: leaving the page does not stop
 * its saving, and coming back finds the same queue rather than sending it twice.
 */
const savers = new Map<string, Autosave>();

export function autosaveFor(key: string, make: () => Autosave): Autosave {
  let saver = savers.get(key);
  if (!saver) {
    saver = make();
    savers.set(key, saver);
  }
  return saver;
}
