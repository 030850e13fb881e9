import { describe, expect, it } from "vitest";
import { commit, created, deleted, emptyDoc, redo, undo, updated } from "./history";
import type { Segment } from "./segments";

const a: Segment = { id: "a", start: 1, end: 2, transcript: "", values: {} };

describe("segment history", () => {
  it("creates, undoes and redoes", () => {
    let doc = emptyDoc();
    const made = commit(doc, "Create", [created(a)]);
    doc = made.doc;
    expect(doc.segments.a).toEqual(a);
    const back = undo(doc);
    expect(back.doc.segments.a).toBeUndefined();
    expect(back.changes).toEqual([{ id: "a", before: a, after: null }]);
    const again = redo(back.doc);
    expect(again.doc.segments.a).toEqual(a);
    expect(again.changes[0].after).toEqual(a);
  });

  it("undoes a move and a delete in order", () => {
    let doc = emptyDoc([a]);
    doc = commit(doc, "Move", updated(doc, "a", { start: 1.5 })).doc;
    doc = commit(doc, "Delete", [deleted(doc.segments.a)]).doc;
    expect(doc.segments.a).toBeUndefined();
    doc = undo(doc).doc;
    expect(doc.segments.a.start).toBe(1.5);
    doc = undo(doc).doc;
    expect(doc.segments.a.start).toBe(1);
    expect(undo(doc).changes).toEqual([]);
  });

  it("merges typing into one undo step, but not after a pause", () => {
    let doc = emptyDoc([a]);
    doc = commit(doc, "Type", updated(doc, "a", { transcript: "h" }), { key: "t:a", now: 1000 }).doc;
    doc = commit(doc, "Type", updated(doc, "a", { transcript: "hi" }), { key: "t:a", now: 1500 }).doc;
    expect(doc.past).toHaveLength(1);
    doc = commit(doc, "Type", updated(doc, "a", { transcript: "hi!" }), { key: "t:a", now: 9000 }).doc;
    expect(doc.past).toHaveLength(2);
    doc = undo(doc).doc;
    expect(doc.segments.a.transcript).toBe("hi");
    doc = undo(doc).doc;
    expect(doc.segments.a.transcript).toBe("");
  });

  it("splits as one step: undo restores the original", () => {
    let doc = emptyDoc([a]);
    const left = { ...a, end: 1.5 };
    const right = { ...a, id: "b", start: 1.5 };
    doc = commit(doc, "Split", [...updated(doc, "a", left), created(right)]).doc;
    expect(Object.keys(doc.segments).sort()).toEqual(["a", "b"]);
    const back = undo(doc);
    expect(back.doc.segments).toEqual({ a });
    expect(back.changes.map((c) => c.id)).toEqual(["b", "a"]);
  });

  it("ignores no-op edits and clears redo on a new edit", () => {
    let doc = emptyDoc([a]);
    expect(commit(doc, "Nothing", updated(doc, "a", { start: 1 })).changes).toEqual([]);
    doc = commit(doc, "Move", updated(doc, "a", { start: 1.2 })).doc;
    doc = undo(doc).doc;
    expect(doc.future).toHaveLength(1);
    doc = commit(doc, "Move", updated(doc, "a", { end: 3 })).doc;
    expect(doc.future).toHaveLength(0);
  });
});
