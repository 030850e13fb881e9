import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../../api/client";
import { Autosave, failedItem, type Transport } from "./autosave";
import { emptyQueue, type BatchIn } from "./saveQueue";
import type { Segment, SegmentPublic } from "./segments";

const seg = (id: string, start = 1): Segment => ({ id, start, end: start + 1, transcript: "", values: {} });

function pub(s: Segment, version: number): SegmentPublic {
  return {
    ...s,
    datapoint_id: 1,
    author_id: 2,
    author: null,
    channel: null,
    low_hz: null,
    high_hz: null,
    attributes: {},
    source: "human",
    model: null,
    model_version: null,
    confidence: null,
    version,
    created_at: "",
    updated_at: "",
  };
}

/** A server that keeps segments and versions, and can be switched off. */
function fakeServer() {
  const rows = new Map<string, SegmentPublic>();
  const calls: BatchIn[] = [];
  let down = false;
  const transport: Transport = {
    async saveBatch(body) {
      calls.push(body);
      if (down) throw new ApiError(0, "Cannot reach the server.", "offline");
      for (const up of body.upserts ?? []) {
        const cur = rows.get(up.id!);
        if (cur && up.version !== cur.version) {
          throw new ApiError(409, "stale", "stale_version", { current: cur });
        }
      }
      const out: SegmentPublic[] = [];
      for (const up of body.upserts ?? []) {
        const version = (rows.get(up.id!)?.version ?? 0) + 1;
        const row = pub({ id: up.id!, start: up.start, end: up.end, transcript: up.transcript ?? "", values: {} }, version);
        rows.set(row.id, row);
        out.push(row);
      }
      for (const d of body.deletes ?? []) rows.delete(d.id);
      return { segments: out, deleted: (body.deletes ?? []).map((d) => d.id) };
    },
    async saveValues() {
      throw new Error("unused");
    },
  };
  return { rows, calls, transport, setDown: (v: boolean) => (down = v) };
}

function memoryStorage(): Storage {
  const store = new Map<string, string>();
  return {
    getItem: (k: string) => store.get(k) ?? null,
    setItem: (k: string, v: string) => void store.set(k, v),
    removeItem: (k: string) => void store.delete(k),
  } as Storage;
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe("Autosave", () => {
  it("saves a change within a second and reports Saved", async () => {
    const server = fakeServer();
    const saver = new Autosave("k", emptyQueue(), server.transport, { storage: memoryStorage() });
    saver.change("a", seg("a"));
    expect(saver.getView().status).toBe("saving");
    await vi.advanceTimersByTimeAsync(1000);
    expect(server.rows.get("a")?.version).toBe(1);
    expect(saver.getView()).toMatchObject({ status: "saved", pending: 0 });
  });

  it("collapses quick edits into one request", async () => {
    const server = fakeServer();
    const saver = new Autosave("k", emptyQueue(), server.transport, { storage: memoryStorage() });
    saver.change("a", seg("a", 1));
    saver.change("a", seg("a", 2));
    saver.change("b", seg("b", 5));
    await vi.advanceTimersByTimeAsync(1000);
    expect(server.calls).toHaveLength(1);
    expect(server.rows.get("a")?.start).toBe(2);
  });

  it("goes offline, keeps changes in storage, and delivers them when the server is back", async () => {
    const server = fakeServer();
    const storage = memoryStorage();
    server.setDown(true);
    const saver = new Autosave("k", emptyQueue(), server.transport, { storage, maxBackoff: 2000 });
    saver.change("a", seg("a"));
    await vi.advanceTimersByTimeAsync(500);
    expect(saver.getView()).toMatchObject({ status: "offline", pending: 1 });
    expect(storage.getItem("k")).toContain('"a"');
    server.setDown(false);
    await vi.advanceTimersByTimeAsync(3000);
    expect(saver.getView()).toMatchObject({ status: "saved", pending: 0 });
    expect(server.rows.get("a")?.version).toBe(1);
    expect(storage.getItem("k")).toBeNull();
  });

  it("uses the version from each answer for the next save", async () => {
    const server = fakeServer();
    const saver = new Autosave("k", emptyQueue(), server.transport, { storage: memoryStorage() });
    saver.change("a", seg("a", 1));
    await vi.advanceTimersByTimeAsync(1000);
    saver.change("a", seg("a", 3));
    await vi.advanceTimersByTimeAsync(1000);
    expect(server.calls[1].upserts![0].version).toBe(1);
    expect(server.rows.get("a")).toMatchObject({ start: 3, version: 2 });
  });

  it("stops on a conflict until the annotator chooses", async () => {
    const server = fakeServer();
    server.rows.set("a", pub(seg("a", 7), 5));
    const state = { ...emptyQueue(), versions: { a: 4 } };
    const saver = new Autosave("k", state, server.transport, { storage: memoryStorage() });
    saver.change("a", seg("a", 2));
    await vi.advanceTimersByTimeAsync(1000);
    const view = saver.getView();
    expect(view.status).toBe("conflict");
    expect(view.conflict).toMatchObject({ kind: "segment", id: "a", theirs: { version: 5 } });
    await vi.advanceTimersByTimeAsync(5000);
    expect(server.calls).toHaveLength(1);
    saver.resolve("mine");
    await vi.advanceTimersByTimeAsync(1000);
    expect(server.rows.get("a")).toMatchObject({ start: 2, version: 6 });
    expect(saver.getView().status).toBe("saved");
  });

  it("reports a refused change and lets it be discarded", async () => {
    const transport: Transport = {
      saveBatch: async () => {
        throw new ApiError(400, "upserts[0]: start (2) must be before end (1).", "bad_time");
      },
      saveValues: async () => {
        throw new Error("unused");
      },
    };
    const saver = new Autosave("k", emptyQueue(), transport, { storage: memoryStorage() });
    saver.change("a", seg("a"));
    await vi.advanceTimersByTimeAsync(1000);
    expect(saver.getView()).toMatchObject({ status: "error", error: { id: "a" } });
    expect(saver.discardRefused()).toBe("a");
    expect(saver.getView().pending).toBe(0);
  });

  it("takes a restored segment's version, so the next edit saves on top of it", async () => {
    const server = fakeServer();
    const saver = new Autosave("k", emptyQueue(), server.transport, { storage: memoryStorage() });
    saver.change("a", seg("a", 1));
    await vi.advanceTimersByTimeAsync(1000);
    // Restored from the history elsewhere: the server is at version 2 now.
    const restored = pub(seg("a", 4), 2);
    server.rows.set("a", restored);
    saver.takeServer([restored]);
    saver.change("a", seg("a", 5));
    await vi.advanceTimersByTimeAsync(1000);
    expect(server.calls[1].upserts![0].version).toBe(2);
    expect(saver.getView().status).toBe("saved");
  });
});

describe("failedItem", () => {
  it("reads the batch position from a server message", () => {
    expect(failedItem("deletes[3]: Segment x does not exist.")).toEqual(["deletes", 3]);
    expect(failedItem("Something else")).toBeNull();
  });
});
