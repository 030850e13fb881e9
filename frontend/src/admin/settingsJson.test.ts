import { describe, expect, it } from "vitest";
import { parseSettings, printSettings } from "./settingsJson";

describe("parseSettings", () => {
  it("reads an object, and empty text as {}", () => {
    expect(parseSettings('{"a": 1}')).toEqual({ ok: true, value: { a: 1 } });
    expect(parseSettings("  ")).toEqual({ ok: true, value: {} });
  });
  it("refuses broken JSON and non-objects with a reason", () => {
    expect(parseSettings("{a: 1}")).toMatchObject({ ok: false, error: /Not valid JSON/ });
    expect(parseSettings("[1]")).toMatchObject({ ok: false, error: /JSON object/ });
    expect(parseSettings("null")).toMatchObject({ ok: false, error: /JSON object/ });
  });
  it("prints back what it reads", () => {
    const settings = { keymap: { undo: "u" } };
    expect(parseSettings(printSettings(settings))).toEqual({ ok: true, value: settings });
    expect(printSettings({})).toBe("{}");
  });
});
