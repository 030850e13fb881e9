import { describe, expect, it } from "vitest";
import { applyHotkey, withValue } from "./labelValues";
import type { Label } from "./segments";

const label = (kind: Label["kind"], id = 1): Label => ({
  id,
  name: kind,
  kind,
  scope: "segment",
  required: false,
  color: null,
  hotkey: null,
  position: 0,
  values: [
    { id: 10, value: "a", color: null, hotkey: "1", position: 0 },
    { id: 11, value: "b", color: null, hotkey: "2", position: 1 },
  ],
});

describe("label values", () => {
  it("sets and unsets one label", () => {
    expect(withValue({}, 1, 10)).toEqual({ "1": 10 });
    expect(withValue({ "1": 10 }, 1, null)).toEqual({});
    expect(withValue({ "1": [10] }, 1, [])).toEqual({});
  });
  it("hotkeys set a single choice and toggle a multi choice", () => {
    expect(applyHotkey({ "1": 11 }, label("single"), 10)).toEqual({ "1": 10 });
    expect(applyHotkey({}, label("multi"), 10)).toEqual({ "1": [10] });
    expect(applyHotkey({ "1": [10, 11] }, label("multi"), 10)).toEqual({ "1": [11] });
  });
  it("a label hotkey toggles a yes/no label and does nothing for others", () => {
    expect(applyHotkey({}, label("boolean"), null)).toEqual({ "1": true });
    expect(applyHotkey({ "1": true }, label("boolean"), null)).toEqual({});
    expect(applyHotkey({}, label("text"), null)).toBeNull();
  });
});
