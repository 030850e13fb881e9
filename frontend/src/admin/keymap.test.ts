import { describe, expect, it } from "vitest";
import {
  KEY_ACTIONS,
  comboFromEvent,
  comboProblem,
  keyClash,
  keymapProblems,
  normalizeCombo,
  keysText,
  parseKeys,
  readKeymap,
  withKeys,
} from "./keymap";

const press = (
  key: string,
  mods: Partial<Record<"ctrl" | "meta" | "alt" | "shift", boolean>> = {},
) =>
  comboFromEvent({
    key,
    ctrlKey: !!mods.ctrl,
    metaKey: !!mods.meta,
    altKey: !!mods.alt,
    shiftKey: !!mods.shift,
  });

describe("comboProblem", () => {
  it("accepts every default key", () => {
    for (const { keys } of KEY_ACTIONS) for (const key of keys) expect(comboProblem(key), key).toBeNull();
  });
  it("accepts the plus key", () => {
    expect(comboProblem("+")).toBeNull();
    expect(comboProblem("Mod++")).toBeNull();
  });
  it("refuses unknown modifiers and key names", () => {
    expect(comboProblem("Hyper+x")).toMatch(/not a modifier/);
    expect(comboProblem("Mod+Spacebar")).toMatch(/not a key name/);
    expect(comboProblem("Mod+")).toMatch(/needs a key/);
    expect(comboProblem(" n")).toMatch(/spaces/);
    expect(comboProblem("Shift+Shift+a")).toMatch(/repeated/);
  });
});

describe("normalizeCombo", () => {
  it("orders modifiers and lowercases letters", () => {
    expect(normalizeCombo("shift+mod+Z")).toBe("Mod+Shift+z");
    expect(normalizeCombo("arrowleft")).toBe("ArrowLeft");
  });
});

describe("comboFromEvent", () => {
  it("names keys the way the defaults do", () => {
    expect(press(" ")).toBe("Space");
    expect(press("N", { shift: true })).toBe("Shift+n");
    expect(press("z", { ctrl: true })).toBe("Mod+z");
    expect(press("Z", { meta: true, shift: true })).toBe("Mod+Shift+z");
    expect(press("Tab", { shift: true })).toBe("Shift+Tab");
    expect(press("ArrowLeft", { alt: true })).toBe("Alt+ArrowLeft");
  });
  it("drops Shift when the character already implies it", () => {
    expect(press("?", { shift: true })).toBe("?");
    expect(press("[")).toBe("[");
  });
  it("waits while only a modifier is held", () => {
    expect(press("Shift", { shift: true })).toBeNull();
    expect(press("Control", { ctrl: true })).toBeNull();
  });
});

describe("editing settings", () => {
  it("reads one key, a list, or off", () => {
    expect(
      readKeymap({ keymap: { undo: "u", redo: ["r", "Mod+y"], help: "", play_pause: [] } }),
    ).toEqual({
      undo: ["u"],
      redo: ["r", "Mod+y"],
      help: [],
      play_pause: [],
    });
    expect(readKeymap({ keymap: { undo: 3, redo: [1] } })).toEqual({});
    expect(readKeymap({ keymap: ["x"] })).toEqual({});
    expect(readKeymap({})).toEqual({});
  });
  it("sets, turns off and clears a key without touching other settings", () => {
    const start = { other: 1, keymap: { redo: ["r", "Mod+y"], weird: 5 } };
    const set = withKeys(start, "undo", ["u"]);
    expect(set).toEqual({ other: 1, keymap: { redo: ["r", "Mod+y"], weird: 5, undo: "u" } });
    expect(start.keymap).not.toHaveProperty("undo");
    expect(withKeys(set, "undo", [])).toMatchObject({ keymap: { undo: "" } });
    expect(withKeys(set, "undo", ["a", "b"])).toMatchObject({ keymap: { undo: ["a", "b"] } });
    expect(withKeys({ keymap: { undo: "u" } }, "undo", null)).toEqual({});
  });
  it("splits typed text into keys", () => {
    expect(parseKeys("Delete, Backspace")).toEqual(["Delete", "Backspace"]);
    expect(parseKeys("Mod+,")).toEqual(["Mod+,"]);
    expect(parseKeys(",")).toEqual([","]);
    expect(parseKeys("  ")).toEqual([]);
    expect(keysText(["a", "b"])).toBe("a, b");
  });
});

describe("keymapProblems", () => {
  it("finds nothing wrong with the defaults", () => {
    expect(keymapProblems({})).toEqual({});
  });
  it("reports a key bound twice, against defaults too", () => {
    const problems = keymapProblems({ undo: ["n"] });
    expect(problems.undo).toMatch(/New segment/);
    expect(problems.new_segment).toMatch(/Undo/);
    expect(Object.keys(problems)).toHaveLength(2);
  });
  it("sees through spelling differences", () => {
    expect(keymapProblems({ undo: ["Shift+Mod+Z"] }).redo).toMatch(/Undo/);
  });
  it("lets an action that is off free its key", () => {
    expect(keymapProblems({ new_segment: [], undo: ["n"] })).toEqual({});
  });
  it("reports unknown actions and bad keys", () => {
    const problems = keymapProblems({ fly: ["f"], undo: ["u", "Hyper+u"] });
    expect(problems.fly).toMatch(/Unknown action/);
    expect(problems.undo).toMatch(/not a modifier/);
  });
});

describe("keyClash", () => {
  it("names the action a hotkey would shadow, custom keys included", () => {
    expect(keyClash("n", {})).toBe("New segment at the cursor");
    expect(keyClash("N", {})).toBe("New segment at the cursor");
    expect(keyClash("1", {})).toBeNull();
    expect(keyClash("1", { undo: ["u", "1"] })).toBe("Undo");
    expect(keyClash("n", { new_segment: ["a"] })).toBeNull();
    expect(keyClash("n", { new_segment: [] })).toBeNull();
    expect(keyClash(null, {})).toBeNull();
  });
});
