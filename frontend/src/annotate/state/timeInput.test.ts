import { describe, expect, it } from "vitest";
import { readTime } from "./timeInput";

const end = { label: "End", min: 1.05, max: 10, other: 1 };
const start = { label: "Start", min: 0, max: 2.95, other: 3 };

describe("readTime", () => {
  it("takes a time inside the span", () => {
    expect(readTime("2.5", end)).toEqual({ ok: true, value: 2.5 });
    expect(readTime(" 0 ", start)).toEqual({ ok: true, value: 0 });
  });
  it("says why an end before the start is refused", () => {
    const r = readTime("0.5", end);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problem).toBe("End must be after the start (0:01.000), at least 0.05 s later.");
  });
  it("says why a too short segment is refused", () => {
    const r = readTime("1.02", end);
    expect(!r.ok && r.problem).toMatch(/at least 0\.05 s long: end at 0:01\.050 or later/);
    const s = readTime("2.99", start);
    expect(!s.ok && s.problem).toMatch(/start at 0:02\.950 or earlier/);
  });
  it("says where the audio ends and what a number is", () => {
    expect(readTime("11", end)).toEqual({ ok: false, problem: "End cannot be after 0:10.000, where the audio ends." });
    expect(readTime("-1", start)).toEqual({
      ok: false,
      problem: "Start cannot be before 0:00.000, where the audio starts.",
    });
    expect(readTime("abc", end)).toEqual({ ok: false, problem: "End must be a number of seconds." });
    expect(readTime("", end).ok).toBe(false);
  });
  it("says start after the end plainly", () => {
    expect(readTime("4", start)).toEqual({
      ok: false,
      problem: "Start must be before the end (0:03.000), at least 0.05 s earlier.",
    });
  });
});
