import { describe, expect, it } from "vitest";
import { boxPatch, drawsBoxes } from "./useSpectrogramBoxes";

const box = { start: 1, end: 2, low: 300, high: 4000 };

describe("box edits", () => {
  it("draws boxes only where the project says so", () => {
    expect(drawsBoxes({ spectrogram_boxes: true })).toBe(true);
    expect(drawsBoxes({ spectrogram_boxes: "yes" })).toBe(false);
    expect(drawsBoxes({})).toBe(false);
    expect(drawsBoxes(null)).toBe(false);
  });

  it("changes everything on a move and only the grabbed sides on a resize", () => {
    expect(boxPatch("move", box)).toEqual({ start: 1, end: 2, low_hz: 300, high_hz: 4000 });
    expect(boxPatch("e", box)).toEqual({ end: 2 });
    expect(boxPatch("n", box)).toEqual({ high_hz: 4000 });
    expect(boxPatch("sw", box)).toEqual({ start: 1, low_hz: 300 });
  });
});
