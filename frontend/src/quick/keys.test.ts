import { describe, expect, it } from "vitest";
import { commandFor, pickValue, stepSpeed } from "./keys";

describe("binary keys", () => {
  it("maps one key to each decision, Prodigy's defaults", () => {
    expect(commandFor("binary", { key: "a" })).toEqual({ kind: "decide", value: "accept" });
    expect(commandFor("binary", { key: "x" })).toEqual({ kind: "decide", value: "reject" });
    expect(commandFor("binary", { key: " " })).toEqual({ kind: "decide", value: "ignore" });
    expect(commandFor("binary", { key: "Backspace" })).toEqual({ kind: "undo" });
    expect(commandFor("binary", { key: "A", shiftKey: true })).toBeNull();
    expect(commandFor("binary", { key: "S", shiftKey: true })).toEqual({ kind: "skip" });
  });
  it("leaves modified keys and text boxes alone", () => {
    expect(commandFor("binary", { key: "a", ctrlKey: true })).toBeNull();
    expect(commandFor("binary", { key: "a", inText: true })).toBeNull();
    expect(commandFor("binary", { key: "q" })).toBeNull();
  });
});

describe("choice keys", () => {
  it("picks with 1–9 and submits with Enter", () => {
    expect(commandFor("choice", { key: "1" })).toEqual({ kind: "pick", index: 0 });
    expect(commandFor("choice", { key: "9" })).toEqual({ kind: "pick", index: 8 });
    expect(commandFor("choice", { key: "0" })).toBeNull();
    expect(commandFor("choice", { key: "Enter" })).toEqual({ kind: "submit" });
    expect(commandFor("choice", { key: "a" })).toBeNull();
  });
  it("replaces a single choice and toggles a multi choice", () => {
    expect(pickValue([3], 4, false)).toEqual([4]);
    expect(pickValue([3], 4, true)).toEqual([3, 4]);
    expect(pickValue([3, 4], 3, true)).toEqual([4]);
  });
});

describe("transcript keys", () => {
  it("submits on Enter, not Shift+Enter, and types everything else", () => {
    expect(commandFor("transcript", { key: "Enter", inText: true })).toEqual({ kind: "submit" });
    expect(commandFor("transcript", { key: "Enter", shiftKey: true, inText: true })).toBeNull();
    expect(commandFor("transcript", { key: "a", inText: true })).toBeNull();
    expect(commandFor("transcript", { key: "Backspace", inText: true })).toBeNull();
    expect(commandFor("transcript", { key: " ", inText: true })).toBeNull();
  });
  it("changes speed with Ctrl+Arrow keys while typing", () => {
    expect(commandFor("transcript", { key: "ArrowUp", ctrlKey: true, inText: true })).toEqual({ kind: "speed", step: 1 });
    expect(commandFor("transcript", { key: "ArrowDown", metaKey: true, inText: true })).toEqual({ kind: "speed", step: -1 });
  });
});

describe("speed steps", () => {
  it("steps within bounds", () => {
    expect(stepSpeed(1, 1)).toBe(1.25);
    expect(stepSpeed(1, -1)).toBe(0.75);
    expect(stepSpeed(2, 1)).toBe(2);
    expect(stepSpeed(0.5, -1)).toBe(0.5);
    expect(stepSpeed(1.1, 1)).toBe(1.25);
  });
});
