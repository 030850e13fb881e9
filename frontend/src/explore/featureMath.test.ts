import { describe, expect, it } from "vitest";
import { formatValue, frameAt, heatmapPixels, linePoints, timeToX, valueRange, viridis, xToTime } from "./featureMath";

describe("time axis", () => {
  it("maps time to x and back on the item's duration", () => {
    expect(timeToX(1, 4, 800)).toBe(200);
    expect(xToTime(200, 4, 800)).toBe(1);
    expect(xToTime(-5, 4, 800)).toBe(0);
    expect(xToTime(900, 4, 800)).toBe(4);
  });
  it("finds the frame nearest a time", () => {
    const times = [0.0116, 0.0348, 0.058, 0.0812];
    expect(frameAt(times, 0)).toBe(0);
    expect(frameAt(times, 0.05)).toBe(2);
    expect(frameAt(times, 0.046)).toBe(1); // nearer 0.0348 than 0.058
    expect(frameAt(times, 10)).toBe(3);
    expect(frameAt([], 1)).toBe(-1);
  });
});

describe("values", () => {
  it("shows the top 80 dB of a dB feature and every value of others", () => {
    expect(valueRange([[-120, -10], [-50, 0]], "dB")).toEqual({ min: -80, max: 0 });
    expect(valueRange([[1, 2], [3, NaN]], "Hz")).toEqual({ min: 1, max: 3 });
    expect(valueRange([[5, 5]], "Hz")).toEqual({ min: 4.5, max: 5.5 });
  });
  it("colours low dark purple and high yellow", () => {
    expect(viridis(0)).toEqual([68, 1, 84]);
    expect(viridis(1)).toEqual([253, 231, 37]);
    expect(viridis(2)).toEqual([253, 231, 37]);
  });
  it("draws row 0 at the bottom and each frame over its own time", () => {
    // Two frames (first half, second half), two rows: only row 1 of frame 1 is high.
    const px = heatmapPixels([[0, 0], [0, 1]], [0.25, 0.75], 1, 2, 2, { min: 0, max: 1 });
    const at = (x: number, y: number) => Array.from(px.slice((y * 2 + x) * 4, (y * 2 + x) * 4 + 3));
    expect(at(1, 0)).toEqual([253, 231, 37]); // top right: row 1, frame 1
    expect(at(0, 0)).toEqual([68, 1, 84]);
    expect(at(1, 1)).toEqual([68, 1, 84]); // bottom: row 0
  });
  it("puts a line's high values near the top", () => {
    const pts = linePoints([0, 10], [0.5, 1.5], 2, 200, 108, { min: 0, max: 10 });
    expect(pts).toEqual([
      [50, 104],
      [150, 4],
    ]);
  });
  it("reads values out in words a person can use", () => {
    expect(formatValue(441.234, "Hz")).toBe("441 Hz");
    expect(formatValue(12345.6, "Hz")).toBe("12,346 Hz");
    expect(formatValue(0.012345, "")).toBe("0.0123");
    expect(formatValue(NaN, "dB")).toBe("–");
  });
});
