import { describe, expect, it } from "vitest";
import { latestRejection, mayResolve, openBySegment, openCount, openFirst, threadsOf, type Comment } from "./threads";

function comment(id: number, extra: Partial<Comment> = {}): Comment {
  return {
    id,
    datapoint_id: 1,
    segment_id: null,
    parent_id: null,
    kind: "comment",
    body: `comment ${id}`,
    author_id: 2,
    author: "rita",
    about_user_id: null,
    about: null,
    mentions: [],
    resolved: false,
    resolved_at: null,
    resolved_by: null,
    created_at: null,
    updated_at: null,
    ...extra,
  };
}

describe("threads", () => {
  const list = [
    comment(1, { segment_id: "s1" }),
    comment(2, { resolved: true }),
    comment(3, { parent_id: 1 }),
    comment(4, { parent_id: 99 }), // its thread was deleted: shown on its own
  ];
  it("put replies under their first comment", () => {
    const threads = threadsOf(list);
    expect(threads.map((t) => [t.root.id, t.replies.map((r) => r.id)])).toEqual([
      [1, [3]],
      [2, []],
      [4, []],
    ]);
  });
  it("put an open rejection on top", () => {
    const threads = threadsOf([comment(1), comment(2, { kind: "rejection" }), comment(3, { kind: "rejection", resolved: true })]);
    expect(openFirst(threads).map((t) => t.root.id)).toEqual([2, 1, 3]);
  });
  it("count and order the open ones first", () => {
    const threads = threadsOf(list);
    expect(openCount(threads)).toBe(2);
    expect(openFirst(threads).map((t) => t.root.id)).toEqual([1, 4, 2]);
    expect([...openBySegment(threads)]).toEqual([["s1", 1]]);
  });
});

describe("rejections and resolving", () => {
  it("finds the newest rejection of someone's work", () => {
    const list = [
      comment(1, { kind: "rejection", about_user_id: 5, body: "first" }),
      comment(2, { kind: "rejection", about_user_id: 6 }),
      comment(3, { kind: "rejection", about_user_id: 5, body: "second" }),
    ];
    expect(latestRejection(list, 5)?.body).toBe("second");
    expect(latestRejection(list, 7)).toBeNull();
  });
  it("lets reviewers, the author and the annotator it is about resolve", () => {
    const root = comment(1, { author_id: 2, about_user_id: 5 });
    expect(mayResolve(root, 9, true)).toBe(true);
    expect(mayResolve(root, 2, false)).toBe(true);
    expect(mayResolve(root, 5, false)).toBe(true);
    expect(mayResolve(root, 9, false)).toBe(false);
  });
});
