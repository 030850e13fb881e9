import { describe, expect, it } from "vitest";
import { MARKED_FOR_REVIEW, statusInSentence, statusText } from "./status";

describe("status wording", () => {
  it("says each status one way", () => {
    expect(statusText("todo")).toBe("To do");
    expect(statusText("in_progress")).toBe("In progress");
    expect(statusText("done")).toBe("Done");
    expect(MARKED_FOR_REVIEW).toBe("Marked for review");
  });
  it("keeps an unknown status readable", () => {
    expect(statusText("needs_check")).toBe("needs check");
  });
  it("has a form for sentences", () => {
    expect(statusInSentence("todo")).toBe("to do");
    expect(statusInSentence("in_progress")).toBe("in progress");
  });
});
