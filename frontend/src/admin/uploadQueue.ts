// A queue of files to upload, a few at a time, each with its own progress and result.
import type { UploadOutcome } from "./uploadFile";

export type EntryState = "queued" | "uploading" | "created" | "assigned" | "duplicate" | "error";

export interface UploadEntry {
  id: number;
  name: string;
  size: number;
  progress: number;
  state: EntryState;
  /** The server's message for an error, or a note such as the datapoint it matched. */
  detail: string | null;
  datapointId: number | null;
}

export type Send = (
  file: File,
  onProgress: (fraction: number) => void,
  signal: AbortSignal,
) => Promise<UploadOutcome>;

const FINISHED: readonly EntryState[] = ["created", "assigned", "duplicate", "error"];

export function isFinished(entry: UploadEntry): boolean {
  return FINISHED.includes(entry.state);
}

/** The entry's state after the server answered. */
export function settle(entry: UploadEntry, outcome: UploadOutcome): UploadEntry {
  if (!outcome.ok) {
    return { ...entry, state: "error", progress: entry.progress, detail: outcome.detail };
  }
  const { result } = outcome;
  const known = ["created", "assigned", "duplicate", "error"] as const;
  const state = known.find((s) => s === result.status) ?? "created";
  return {
    ...entry,
    state,
    progress: 1,
    detail: result.detail ?? null,
    datapointId: result.datapoint?.id ?? null,
  };
}

export class UploadQueue {
  private entries: UploadEntry[] = [];
  private files = new Map<number, File>();
  private controllers = new Map<number, AbortController>();
  private nextId = 1;
  private running = 0;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly send: Send,
    private readonly concurrency = 2,
  ) {}

  snapshot(): readonly UploadEntry[] {
    return this.entries;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  add(files: Iterable<File>): void {
    const added: UploadEntry[] = [];
    for (const file of files) {
      const id = this.nextId++;
      this.files.set(id, file);
      added.push({
        id,
        name: file.name,
        size: file.size,
        progress: 0,
        state: "queued",
        detail: null,
        datapointId: null,
      });
    }
    this.entries = [...this.entries, ...added];
    this.emit();
    this.pump();
  }

  /** Stops a file that is waiting or on its way; finished ones stay as they are. */
  cancel(id: number): void {
    const entry = this.entries.find((e) => e.id === id);
    if (!entry || isFinished(entry)) return;
    if (entry.state === "uploading") {
      this.controllers.get(id)?.abort();
      return;
    }
    this.files.delete(id);
    this.update(id, { state: "error", detail: "Upload cancelled." });
  }

  cancelAll(): void {
    for (const entry of this.entries) this.cancel(entry.id);
  }

  clearFinished(): void {
    this.entries = this.entries.filter((e) => !isFinished(e));
    this.emit();
  }

  private pump(): void {
    while (this.running < this.concurrency) {
      const entry = this.entries.find((e) => e.state === "queued");
      if (!entry) return;
      void this.start(entry.id);
    }
  }

  private async start(id: number): Promise<void> {
    const file = this.files.get(id);
    if (!file) return;
    this.running += 1;
    const controller = new AbortController();
    this.controllers.set(id, controller);
    this.update(id, { state: "uploading" });
    let outcome: UploadOutcome;
    try {
      outcome = await this.send(
        file,
        (fraction) => this.update(id, { progress: Math.min(1, Math.max(0, fraction)) }),
        controller.signal,
      );
    } catch (err) {
      outcome = { ok: false, status: 0, detail: String(err), code: "error" };
    }
    this.running -= 1;
    this.controllers.delete(id);
    this.files.delete(id);
    const entry = this.entries.find((e) => e.id === id);
    if (entry) this.replace(settle(entry, outcome));
    this.pump();
  }

  private update(id: number, changes: Partial<UploadEntry>): void {
    const entry = this.entries.find((e) => e.id === id);
    if (entry) this.replace({ ...entry, ...changes });
  }

  private replace(next: UploadEntry): void {
    this.entries = this.entries.map((e) => (e.id === next.id ? next : e));
    this.emit();
  }

  private emit(): void {
    for (const listener of this.listeners) listener();
  }
}

/** Totals for the summary line: how many files ended in each state. */
export function tally(entries: readonly UploadEntry[]): Record<EntryState, number> {
  const out: Record<EntryState, number> = {
    queued: 0,
    uploading: 0,
    created: 0,
    assigned: 0,
    duplicate: 0,
    error: 0,
  };
  for (const e of entries) out[e.state] += 1;
  return out;
}
