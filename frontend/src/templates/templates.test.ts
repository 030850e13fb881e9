import { describe, expect, it } from "vitest";
import { fileProblem, hiddenChips, inkOn, labelChips, quickModeText } from "./templates";

const labels = [
  {
    name: "species",
    kind: "single",
    scope: "segment",
    required: true,
    color: "#000000",
    hotkey: null,
    values: [
      { value: "wren", color: "#30a46c", hotkey: "1" },
      { value: "robin", color: null, hotkey: null },
    ],
  },
  {
    name: "note",
    kind: "text",
    scope: "datapoint",
    required: false,
    color: null,
    hotkey: "q",
    values: [],
  },
];

describe("template cards", () => {
  it("makes a chip per value, falling back to the label's colour", () => {
    const chips = labelChips(labels);
    expect(chips.map((c) => [c.text, c.color, c.hotkey])).toEqual([
      ["wren", "#30a46c", "1"],
      ["robin", "#000000", null],
      ["note", null, "q"],
    ]);
    expect(chips[2].title).toBe("note (text, on whole items)");
  });

  it("counts what it leaves out", () => {
    expect(labelChips(labels, 2)).toHaveLength(2);
    expect(hiddenChips(labels, 2)).toBe(1);
    expect(hiddenChips(labels)).toBe(0);
  });

  it("picks readable ink", () => {
    expect(inkOn("#ffc53d")).toBe("#111");
    expect(inkOn("#0090ff")).toBe("#fff");
    expect(inkOn("#fff")).toBe("#111");
    expect(inkOn(null)).toBeUndefined();
    expect(inkOn("#zzz")).toBeUndefined();
  });

  it("describes the quick mode", () => {
    expect(quickModeText({ quick: { mode: "choice", label: "word" } })).toBe(
      "Quick mode: choice on “word”",
    );
    expect(quickModeText({})).toBeNull();
  });

  it("refuses empty and oversized files before sending them", () => {
    expect(fileProblem({ name: "a.json", size: 0 })).toMatch(/empty/);
    expect(fileProblem({ name: "a.json", size: 2_000_000 })).toMatch(/at most/);
    expect(fileProblem({ name: "a.json", size: 10 })).toBeNull();
  });
});
