import { describe, expect, it } from "vitest";
import { loadStack, popDecision, pushDecision, saveStack, undoKey, UNDO_LIMIT } from "./undoStack";

class Memory {
  items = new Map<string, string>();
  getItem = (k: string) => this.items.get(k) ?? null;
  setItem = (k: string, v: string) => void this.items.set(k, v);
  removeItem = (k: string) => void this.items.delete(k);
}

describe("the undo stack", () => {
  it("keeps the last UNDO_LIMIT decisions, newest last", () => {
    let s: number[] = [];
    for (let i = 0; i < UNDO_LIMIT + 5; i++) s = pushDecision(s, i);
    expect(s.length).toBe(UNDO_LIMIT);
    expect(popDecision(s).last).toBe(UNDO_LIMIT + 4);
    expect(popDecision([]).last).toBeNull();
  });
  it("survives a reload through session storage, per project, mode and user", () => {
    const store = new Memory() as unknown as Storage;
    const key = undoKey(3, "binary", 7);
    expect(key).not.toBe(undoKey(3, "predictions", 7));
    saveStack(key, [{ datapointId: 1 }], store);
    expect(loadStack(key, store)).toEqual([{ datapointId: 1 }]);
    saveStack(key, [], store);
    expect(loadStack(key, store)).toEqual([]);
  });
  it("reads junk as nothing to undo", () => {
    const store = new Memory() as unknown as Storage;
    store.setItem("k", "{not json");
    expect(loadStack("k", store)).toEqual([]);
    store.setItem("k", '{"a": 1}');
    expect(loadStack("k", store)).toEqual([]);
  });
});
