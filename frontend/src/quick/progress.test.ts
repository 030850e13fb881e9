import { describe, expect, it } from "vitest";
import { decided, share, undone } from "./progress";
import { popDecision, pushDecision, type Decision } from "./undoStack";

describe("progress counts", () => {
  it("counts a decision and takes it back", () => {
    const start = { done: 2, left: 3, counts: { accept: 2 } };
    const after = decided(start, ["reject"]);
    expect(after).toEqual({ done: 3, left: 2, counts: { accept: 2, reject: 1 } });
    expect(undone(after, ["reject"])).toEqual(start);
    expect(share(after)).toBeCloseTo(0.6);
  });
  it("counts multi-choice values each and never goes below zero", () => {
    const p = decided({ done: 0, left: 1, counts: {} }, ["a", "b"]);
    expect(p.counts).toEqual({ a: 1, b: 1 });
    expect(undone({ done: 0, left: 0, counts: {} }, ["a"])).toEqual({ done: 0, left: 1, counts: {} });
    expect(share({ done: 0, left: 0, counts: {} })).toBe(0);
  });
});

describe("undo stack", () => {
  const d = (id: number): Decision => ({ datapointId: id, before: {}, counted: ["accept"] });
  it("undoes the newest first", () => {
    let stack = pushDecision([], d(1));
    stack = pushDecision(stack, d(2));
    const { last, rest } = popDecision(stack);
    expect(last?.datapointId).toBe(2);
    expect(rest.map((x) => x.datapointId)).toEqual([1]);
    expect(popDecision([]).last).toBeNull();
  });
  it("stays bounded over a long queue", () => {
    let stack: Decision[] = [];
    for (let i = 0; i < 1000; i++) stack = pushDecision(stack, d(i), 50);
    expect(stack).toHaveLength(50);
    expect(stack[0].datapointId).toBe(950);
  });
});
