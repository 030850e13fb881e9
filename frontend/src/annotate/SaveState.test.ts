import { describe, expect, it } from "vitest";
import { saveStateText } from "./SaveState";

describe("save state text", () => {
  it("says what happened to the changes", () => {
    const view = { pending: 0, conflict: null, error: null, assignment: null };
    expect(saveStateText({ ...view, status: "saved" })).toBe("Saved");
    expect(saveStateText({ ...view, status: "saving", pending: 2 })).toBe("Saving…");
    expect(saveStateText({ ...view, status: "offline", pending: 1 })).toBe("Offline – 1 change pending");
    expect(saveStateText({ ...view, status: "offline", pending: 3 })).toBe("Offline – 3 changes pending");
    expect(saveStateText({ ...view, status: "conflict" })).toBe("Conflict");
  });
});
