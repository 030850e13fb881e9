import { describe, expect, it } from "vitest";
import { reviewParam, reviewTarget, reviews, verdicts, type Assignee } from "./reviewTarget";

const a = (user_id: number, state: string, marked = false): Assignee => ({
  user_id,
  username: `u${user_id}`,
  state,
  marked_for_review: marked,
});

describe("whose work a reviewer opens", () => {
  it("is the first work waiting for a verdict", () => {
    expect(reviewTarget([a(1, "in_progress"), a(2, "submitted")], 9)).toBe(2);
    expect(reviewTarget([a(1, "todo"), a(2, "in_progress", true)], 9)).toBe(2);
  });
  it("else the first started work, else the first assignee; never one's own", () => {
    expect(reviewTarget([a(1, "todo"), a(2, "in_progress")], 9)).toBe(2);
    expect(reviewTarget([a(1, "todo"), a(2, "todo")], 9)).toBe(1);
    expect(reviewTarget([a(9, "submitted"), a(2, "todo")], 9)).toBe(2);
    expect(reviewTarget([a(9, "submitted")], 9)).toBeNull();
    expect(reviewTarget([], 9)).toBeNull();
  });
});

describe("review URLs and roles", () => {
  it("reads ?review= as a user id or nothing", () => {
    expect(reviewParam("4")).toBe(4);
    expect(reviewParam(null)).toBeNull();
    expect(reviewParam("0")).toBeNull();
    expect(reviewParam("x")).toBeNull();
    expect(reviewParam("99999999999")).toBeNull();
  });
  it("knows who reviews", () => {
    expect(["reviewer", "manager", "admin", "annotator"].map(reviews)).toEqual([true, true, true, false]);
  });
  it("offers accept on waiting work and reject on accepted work too", () => {
    expect(verdicts("submitted", false)).toEqual({ accept: true, reject: true });
    expect(verdicts("accepted", false)).toEqual({ accept: false, reject: true });
    expect(verdicts("in_progress", false)).toEqual({ accept: false, reject: false });
    expect(verdicts("rejected", false)).toEqual({ accept: false, reject: false });
  });
});
