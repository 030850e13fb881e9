import { describe, expect, it } from "vitest";
import {
  batchLost,
  batchSaved,
  emptyQueue,
  enqueue,
  keepMine,
  loadQueue,
  mergeWithServer,
  nextBatch,
  pendingCount,
  storeQueue,
  storageKey,
  takeTheirs,
  type QueueState,
} from "./saveQueue";
import { fromServer, type Segment, type SegmentPublic } from "./segments";

const seg = (id: string, start = 1, transcript = ""): Segment => ({
  id,
  start,
  end: start + 1,
  transcript,
  values: {},
});

const pub = (s: Segment, version: number): SegmentPublic => ({
  ...s,
  datapoint_id: 1,
  author_id: 2,
  author: "annotator",
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
});

describe("collapsing", () => {
  it("keeps only the last change per segment", () => {
    let q = enqueue(emptyQueue(), "a", seg("a", 1));
    q = enqueue(q, "a", seg("a", 2));
    expect(pendingCount(q)).toBe(1);
    expect(nextBatch(q)!.body.upserts).toEqual([
      { id: "a", start: 2, end: 3, transcript: "", values: {}, channel: null, attributes: {}, low_hz: null, high_hz: null },
    ]);
  });

  it("sends a segment's channel with every save", () => {
    const q = enqueue(emptyQueue(), "a", { ...seg("a", 1), channel: 1 });
    expect(nextBatch(q)!.body.upserts![0].channel).toBe(1);
  });

  it("sends a box's frequency band with every save", () => {
    const q = enqueue(emptyQueue(), "b", { ...seg("b", 1), low_hz: 500, high_hz: 4000.5 });
    expect(nextBatch(q)!.body.upserts![0]).toMatchObject({ id: "b", low_hz: 500, high_hz: 4000.5 });
  });

  it("a delete cancels a pending create", () => {
    let q = enqueue(emptyQueue(), "a", seg("a"));
    q = enqueue(q, "a", null);
    expect(pendingCount(q)).toBe(0);
    expect(nextBatch(q)).toBeNull();
  });

  it("a delete of a create in flight is kept, and sent once the create is saved", () => {
    let q = enqueue(emptyQueue(), "a", seg("a"));
    const sent = nextBatch(q)!;
    q = enqueue(q, "a", null, new Set(["a"]));
    expect(pendingCount(q)).toBe(1);
    q = batchSaved(q, sent, { segments: [pub(seg("a"), 1)], deleted: [] });
    expect(nextBatch(q)!.body.deletes).toEqual([{ id: "a", version: 1 }]);
  });

  it("updates carry the version last saved, and take the new one from the answer", () => {
    let q: QueueState = { ...emptyQueue(), versions: { a: 3 } };
    q = enqueue(q, "a", seg("a", 5));
    const sent = nextBatch(q)!;
    expect(sent.body.upserts![0].version).toBe(3);
    q = batchSaved(q, sent, { segments: [pub(seg("a", 5), 4)], deleted: [] });
    expect(q.versions.a).toBe(4);
    expect(pendingCount(q)).toBe(0);
  });

  it("a change made while a save was in flight stays pending", () => {
    let q = enqueue(emptyQueue(), "a", seg("a", 1));
    const sent = nextBatch(q)!;
    q = enqueue(q, "a", seg("a", 2));
    q = batchSaved(q, sent, { segments: [pub(seg("a", 1), 1)], deleted: [] });
    expect(pendingCount(q)).toBe(1);
    expect(nextBatch(q)!.body.upserts![0]).toMatchObject({ start: 2, version: 1 });
  });

  it("a create whose answer was lost may exist: its delete is still sent", () => {
    let q = enqueue(emptyQueue(), "a", seg("a"));
    q = batchLost(q, nextBatch(q)!);
    q = enqueue(q, "a", null);
    expect(nextBatch(q)!.body.deletes).toEqual([{ id: "a", version: 1 }]);
  });
});

describe("conflicts", () => {
  it("keep mine resends on top of the server's version; take theirs drops mine", () => {
    let q: QueueState = { ...emptyQueue(), versions: { a: 1 } };
    q = enqueue(q, "a", seg("a", 4));
    const current = pub(seg("a", 7), 5);
    const mine = keepMine(q, "a", current);
    expect(nextBatch(mine)!.body.upserts![0]).toMatchObject({ start: 4, version: 5 });
    const theirs = takeTheirs(q, "a", current);
    expect(pendingCount(theirs)).toBe(0);
    expect(theirs.versions.a).toBe(5);
  });

  it("keeping mine after a delete elsewhere recreates the segment", () => {
    let q: QueueState = { ...emptyQueue(), versions: { a: 2 } };
    q = enqueue(q, "a", seg("a", 4));
    q = keepMine(q, "a", null);
    expect(nextBatch(q)!.body.upserts![0].version).toBeUndefined();
  });
});

describe("reload", () => {
  it("puts pending changes over the server's segments and keeps their base versions", () => {
    let q: QueueState = { ...emptyQueue(), versions: { a: 1 } };
    q = enqueue(q, "a", seg("a", 9, "mine"));
    q = enqueue(q, "new", seg("new", 3));
    const server = [pub(seg("a", 1), 2), pub(seg("b", 2), 1)];
    const merged = mergeWithServer(server, q, fromServer);
    const byId = Object.fromEntries(merged.segments.map((s) => [s.id, s]));
    expect(byId.a.transcript).toBe("mine");
    expect(byId.b.start).toBe(2);
    expect(byId.new.start).toBe(3);
    expect(merged.state.versions).toEqual({ a: 1, b: 1 });
  });

  it("drops a pending delete of a segment the server has no more", () => {
    let q: QueueState = { ...emptyQueue(), versions: { a: 1 } };
    q = enqueue(q, "a", null);
    const merged = mergeWithServer([], q, fromServer);
    expect(merged.segments).toEqual([]);
    // The delete is still sent; the server answers 404 and the queue drops it then.
    expect(nextBatch(merged.state)!.body.deletes).toEqual([{ id: "a", version: 1 }]);
  });

  it("survives storage round trips and clears storage when nothing waits", () => {
    const store = new Map<string, string>();
    const storage = {
      getItem: (k: string) => store.get(k) ?? null,
      setItem: (k: string, v: string) => void store.set(k, v),
      removeItem: (k: string) => void store.delete(k),
    } as Storage;
    const q = enqueue(emptyQueue(), "a", seg("a"));
    storeQueue("k", q, storage);
    expect(loadQueue("k", storage).pending.a.segment).toEqual(seg("a"));
    storeQueue("k", emptyQueue(), storage);
    expect(store.has("k")).toBe(false);
  });
});

describe("where unsaved changes are kept", () => {
  it("keeps a reviewer's corrections of someone's work apart from their own work", () => {
    expect(storageKey(4, 19)).toBe("audino:pending:4:19");
    expect(storageKey(4, 19, 4)).toBe("audino:pending:4:19");
    expect(storageKey(4, 19, 7)).toBe("audino:pending:4:19:review:7");
    expect(storageKey(null, 19)).toBe("audino:pending:anon:19");
  });
});
