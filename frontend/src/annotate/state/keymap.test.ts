import { describe, expect, it } from "vitest";
import {
  ACTIONS,
  SETTING_NAMES,
  actionFor,
  DEFAULT_KEYMAP,
  describeBinding,
  isTextField,
  labelHotkeyFor,
  labelHotkeys,
  matches,
  resolveKeymap,
  type KeyPress,
} from "./keymap";
import type { Label } from "./segments";

const press = (key: string, mods: Partial<KeyPress> = {}): KeyPress => ({
  key,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  shiftKey: false,
  ...mods,
});

describe("matching", () => {
  it("finds the default actions", () => {
    expect(actionFor(DEFAULT_KEYMAP, press(" "))).toBe("playPause");
    expect(actionFor(DEFAULT_KEYMAP, press("ArrowLeft"))).toBe("seekBack");
    expect(actionFor(DEFAULT_KEYMAP, press("ArrowLeft", { shiftKey: true }))).toBe("seekBackLong");
    expect(actionFor(DEFAULT_KEYMAP, press("n"))).toBe("newSegment");
    expect(actionFor(DEFAULT_KEYMAP, press("N", { shiftKey: true }))).toBeNull();
    expect(actionFor(DEFAULT_KEYMAP, press("Tab", { shiftKey: true }))).toBe("previousSegment");
    expect(actionFor(DEFAULT_KEYMAP, press("?", { shiftKey: true }))).toBe("help");
    expect(actionFor(DEFAULT_KEYMAP, press("Backspace"))).toBe("deleteSegment");
    expect(actionFor(DEFAULT_KEYMAP, press("z"))).toBe("zoomToSelection");
    expect(actionFor(DEFAULT_KEYMAP, press("Z", { shiftKey: true }))).toBe("zoomToFit");
  });

  it("treats Mod as Ctrl or ⌘, and tells undo from redo", () => {
    expect(actionFor(DEFAULT_KEYMAP, press("z", { ctrlKey: true }))).toBe("undo");
    expect(actionFor(DEFAULT_KEYMAP, press("z", { metaKey: true }))).toBe("undo");
    expect(actionFor(DEFAULT_KEYMAP, press("Z", { ctrlKey: true, shiftKey: true }))).toBe("redo");
    expect(actionFor(DEFAULT_KEYMAP, press("y", { ctrlKey: true }))).toBe("redo");
    expect(actionFor(DEFAULT_KEYMAP, press("Enter", { metaKey: true }))).toBe("complete");
    expect(matches("Mod+z", press("z"))).toBe(false);
  });
});

describe("project keymap", () => {
  it("remaps and turns off actions, ignoring junk", () => {
    const keymap = resolveKeymap({ keymap: { newSegment: "a", split: ["x", "Shift+s"], loopSegment: "", bogus: "q", help: 3 } });
    expect(actionFor(keymap, press("a"))).toBe("newSegment");
    expect(actionFor(keymap, press("n"))).toBeNull();
    expect(actionFor(keymap, press("S", { shiftKey: true }))).toBe("split");
    expect(actionFor(keymap, press("l"))).toBeNull();
    expect(keymap.help).toEqual(["?"]);
    expect(resolveKeymap(null)).toEqual(DEFAULT_KEYMAP);
  });
});

describe("label hotkeys", () => {
  const speaker: Label = {
    id: 1,
    name: "speaker",
    kind: "single",
    scope: "segment",
    required: false,
    color: null,
    hotkey: null,
    position: 0,
    values: [{ id: 10, value: "female", color: null, hotkey: "1", position: 0 }],
  };
  it("finds a value by its hotkey, never with Ctrl", () => {
    const keys = labelHotkeys([speaker]);
    expect(labelHotkeyFor(keys, press("1"))).toMatchObject({ valueId: 10 });
    expect(labelHotkeyFor(keys, press("1", { ctrlKey: true }))).toBeNull();
  });
});

describe("describing and fields", () => {
  it("prints bindings for people", () => {
    expect(describeBinding("Mod+Shift+z", false)).toBe("Ctrl+Shift+Z");
    expect(describeBinding("Mod+Enter", true)).toBe("⌘+Enter");
    expect(describeBinding("Space", false)).toBe("Space");
  });
  it("knows text fields", () => {
    const area = document.createElement("textarea");
    const box = document.createElement("input");
    box.type = "checkbox";
    expect(isTextField(area)).toBe(true);
    expect(isTextField(box)).toBe(false);
    expect(isTextField(document.createElement("div"))).toBe(false);
  });
});

describe("settings names", () => {
  it("reads the names the settings editor writes, for every action", () => {
    const settings = { keymap: { split_segment: "x", speed_down: ["-", ","], play_pause: "" } };
    const keymap = resolveKeymap(settings);
    expect(keymap.split).toEqual(["x"]);
    expect(keymap.slower).toEqual(["-", ","]);
    expect(keymap.playPause).toEqual([]);
    expect(new Set(Object.values(SETTING_NAMES)).size).toBe(Object.keys(ACTIONS).length);
  });
});
