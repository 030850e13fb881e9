import { describe, expect, it } from "vitest";
import { readSessions, sessionsErrorField, sessionsProblems, splitSummary, withSessions } from "./sessions";

describe("sessions setting", () => {
  it("reads the server's defaults when unset", () => {
    expect(readSessions({})).toEqual({ mode: "off", length: 60, longer_than: 120 });
    expect(readSessions(null).mode).toBe("off");
    expect(readSessions({ sessions: { mode: "fixed", length: 30 } })).toEqual({
      mode: "fixed",
      length: 30,
      longer_than: 60,
    });
    expect(readSessions({ sessions: { mode: "nonsense" } }).mode).toBe("off");
  });

  it("writes the whole option, keeping the other settings", () => {
    const next = withSessions({ keymap: { split: ["s"] } }, { mode: "silence", length: 45, longer_than: 90 });
    expect(next).toEqual({ keymap: { split: ["s"] }, sessions: { mode: "silence", length: 45, longer_than: 90 } });
  });

  it("checks the server's bounds", () => {
    expect(sessionsProblems({ mode: "fixed", length: 60, longer_than: 120 })).toEqual({});
    expect(sessionsProblems({ mode: "fixed", length: 2, longer_than: 120 }).length).toMatch(/5 and 3600/);
    expect(sessionsProblems({ mode: "fixed", length: 60, longer_than: 30 }).longer_than).toBeTruthy();
    expect(sessionsProblems({ mode: "fixed", length: NaN, longer_than: 30 }).length).toBeTruthy();
  });

  it("puts a server error next to the field it names", () => {
    expect(sessionsErrorField("bad_sessions", "sessions.length must be between 5 and 3600 seconds")).toBe("length");
    expect(sessionsErrorField("bad_sessions", "sessions.longer_than must be a number of seconds.")).toBe(
      "longer_than",
    );
    expect(sessionsErrorField("bad_sessions", "Unknown sessions option(s): x")).toBe("all");
    expect(sessionsErrorField("bad_name", "sessions.length")).toBeNull();
  });

  it("summarises a split", () => {
    expect(splitSummary({ recordings: 2, windows: 9 })).toBe("Split 2 recordings into 9 windows.");
    expect(splitSummary({ recordings: 1, windows: 1 })).toBe("Split 1 recording into 1 window.");
    expect(splitSummary({ recordings: 0, windows: 0 })).toMatch(/No recording/);
  });
});
