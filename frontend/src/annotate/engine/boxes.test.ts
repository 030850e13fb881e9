import { describe, expect, it } from "vitest";
import { boxToRect, dragRect, handleAt, isBox, rectToBox, roundBox, type Lane } from "./boxes";
import { fractionOf, frequencyAt, hzToY, yToHz } from "./frequencyScale";
import { SCALES } from "./spectrogram";

const lane = (scale: Lane["scale"]): Lane => ({ duration: 10, width: 1000, height: 160, nyquist: 8000, scale });

describe("frequency scale", () => {
  it("maps the bottom to the lowest frequency and the top to Nyquist", () => {
    expect(hzToY(0, 8000, "linear", 160)).toBe(160);
    expect(hzToY(8000, 8000, "linear", 160)).toBe(0);
    expect(hzToY(0, 8000, "mel", 160)).toBe(160);
    expect(yToHz(0, 8000, "mel", 160)).toBeCloseTo(8000, 6);
    // Log starts at 20 Hz, as the server's tiles do; below it is the bottom edge.
    expect(yToHz(160, 8000, "log", 160)).toBeCloseTo(20, 6);
    expect(hzToY(5, 8000, "log", 160)).toBe(160);
  });

  it("is the server's mel and log formulas (audio/spectrogram.py)", () => {
    // mel(1000) / mel(8000) = 999.99 / 2840.02; log: ln(1000/20) / ln(8000/20).
    expect(fractionOf(1000, "mel", 8000)).toBeCloseTo(0.352109, 5);
    expect(fractionOf(1000, "log", 8000)).toBeCloseTo(Math.log(50) / Math.log(400), 9);
    // A Nyquist below 40 Hz lowers the log floor to half of it.
    expect(frequencyAt(0, "log", 30)).toBe(15);
  });

  it("round-trips every height on every scale", () => {
    for (const scale of SCALES) {
      for (let y = 0; y <= 160; y += 0.5) {
        expect(hzToY(yToHz(y, 22050, scale, 160), 22050, scale, 160)).toBeCloseTo(y, 6);
      }
    }
  });

  it("puts 1 kHz higher on mel and log than on linear", () => {
    const linear = hzToY(1000, 8000, "linear", 160);
    expect(hzToY(1000, 8000, "mel", 160)).toBeLessThan(linear);
    expect(hzToY(1000, 8000, "log", 160)).toBeLessThan(hzToY(1000, 8000, "mel", 160));
  });
});

describe("boxes", () => {
  it("turns a drawn rectangle into seconds and Hz, corners in any order", () => {
    const box = rectToBox({ x0: 300, x1: 100, y0: 120, y1: 40 }, lane("linear"));
    expect(box).toEqual({ start: 1, end: 3, low: 2000, high: 6000 });
  });

  it("round-trips through pixels on every scale", () => {
    for (const scale of SCALES) {
      const box = { start: 1.25, end: 2.5, low: 300, high: 4200 };
      const back = rectToBox(boxToRect(box, lane(scale)), lane(scale));
      expect(back).toEqual(box);
    }
  });

  it("keeps a rectangle inside the lane", () => {
    const box = rectToBox({ x0: -50, x1: 1200, y0: -10, y1: 400 }, lane("mel"));
    expect(box).toEqual({ start: 0, end: 10, low: 0, high: 8000 });
  });

  it("rounds to milliseconds and tenths of Hz", () => {
    expect(roundBox({ start: 1.23449, end: 2.0006, low: 100.04, high: 200.06 })).toEqual({
      start: 1.234,
      end: 2.001,
      low: 100,
      high: 200.1,
    });
  });

  it("tells a click from a drawing", () => {
    expect(isBox({ x0: 10, x1: 12, y0: 10, y1: 80 })).toBe(false);
    expect(isBox({ x0: 10, x1: 60, y0: 10, y1: 11 })).toBe(false);
    expect(isBox({ x0: 10, x1: 60, y0: 10, y1: 80 })).toBe(true);
  });

  const rect = { x0: 100, x1: 200, y0: 40, y1: 120 };

  it("grabs edges, corners and the inside", () => {
    expect(handleAt(rect, 150, 80)).toBe("move");
    expect(handleAt(rect, 100, 80)).toBe("w");
    expect(handleAt(rect, 203, 80)).toBe("e");
    expect(handleAt(rect, 150, 41)).toBe("n");
    expect(handleAt(rect, 150, 119)).toBe("s");
    expect(handleAt(rect, 199, 121)).toBe("se");
    expect(handleAt(rect, 101, 41)).toBe("nw");
    expect(handleAt(rect, 300, 80)).toBeNull();
    // A tiny box is still movable from its middle.
    expect(handleAt({ x0: 0, x1: 6, y0: 0, y1: 6 }, 3, 3)).toBe("move");
  });

  it("moves a box whole, stopping at the lane's edges", () => {
    expect(dragRect(rect, "move", 50, -10, 1000, 160)).toEqual({ x0: 150, x1: 250, y0: 30, y1: 110 });
    expect(dragRect(rect, "move", -500, 500, 1000, 160)).toEqual({ x0: 0, x1: 100, y0: 80, y1: 160 });
  });

  it("resizes one side without crossing the other", () => {
    expect(dragRect(rect, "e", 30, 99, 1000, 160)).toEqual({ ...rect, x1: 230 });
    expect(dragRect(rect, "n", 0, -25, 1000, 160)).toEqual({ ...rect, y0: 15 });
    expect(dragRect(rect, "w", 500, 0, 1000, 160)).toEqual({ ...rect, x0: 196 });
    expect(dragRect(rect, "sw", -20, 10, 1000, 160)).toEqual({ ...rect, x0: 80, y1: 130 });
    expect(dragRect(rect, "s", 0, 999, 1000, 160)).toEqual({ ...rect, y1: 160 });
  });
});
