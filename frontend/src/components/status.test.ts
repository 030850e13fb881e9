import { describe, expect, it } from "vitest";
import { awaitsVerdict, itemState, MARKED_FOR_REVIEW, statusInSentence, statusText } from "./status";

describe("status wording", () => {
  it("says each status one way", () => {
    expect(statusText("todo")).toBe("To do");
    expect(statusText("in_progress")).toBe("In progress");
    expect(statusText("done")).toBe("Done");
    expect(MARKED_FOR_REVIEW).toBe("Marked for review");
  });
  it("says each review state one way", () => {
    expect(["todo", "in_progress", "submitted", "accepted", "rejected"].map(statusText)).toEqual([
      "To do",
      "In progress",
      "Submitted",
      "Accepted",
      "Rejected",
    ]);
  });
  it("keeps an unknown status readable", () => {
    expect(statusText("needs_check")).toBe("needs check");
  });
  it("has a form for sentences", () => {
    expect(statusInSentence("todo")).toBe("to do");
    expect(statusInSentence("in_progress")).toBe("in progress");
    expect(statusInSentence("submitted")).toBe("submitted");
  });
});

describe("one state for an item with several people's work", () => {
  it("is the item's own status when nobody is assigned", () => {
    expect(itemState([], "todo")).toBe("todo");
  });
  it("is rejected while anyone's work was sent back", () => {
    expect(itemState(["accepted", "rejected"], "in_progress")).toBe("rejected");
  });
  it("is accepted once everyone's is, submitted once everyone handed in", () => {
    expect(itemState(["accepted", "accepted"], "done")).toBe("accepted");
    expect(itemState(["accepted", "submitted"], "done")).toBe("submitted");
  });
  it("is in progress once anyone started, to do before", () => {
    expect(itemState(["todo", "submitted"], "in_progress")).toBe("in_progress");
    expect(itemState(["todo", "todo"], "todo")).toBe("todo");
  });
});

describe("work a reviewer can judge", () => {
  it("is submitted work, or work marked for review that is not accepted yet", () => {
    expect(awaitsVerdict("submitted", false)).toBe(true);
    expect(awaitsVerdict("in_progress", true)).toBe(true);
    expect(awaitsVerdict("in_progress", false)).toBe(false);
    expect(awaitsVerdict("accepted", false)).toBe(false);
    expect(awaitsVerdict("rejected", false)).toBe(false);
  });
});
