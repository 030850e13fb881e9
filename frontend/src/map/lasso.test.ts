import { describe, expect, it } from "vitest";
import { extend, insidePolygon, nearest, pointsInside, polygonArea, type Pt } from "./lasso";

const square: Pt[] = [
  { x: 0, y: 0 },
  { x: 10, y: 0 },
  { x: 10, y: 10 },
  { x: 0, y: 10 },
];
// A "C": the notch between its arms is outside.
const cShape: Pt[] = [
  { x: 0, y: 0 },
  { x: 30, y: 0 },
  { x: 30, y: 10 },
  { x: 10, y: 10 },
  { x: 10, y: 20 },
  { x: 30, y: 20 },
  { x: 30, y: 30 },
  { x: 0, y: 30 },
];

describe("insidePolygon", () => {
  it("tells inside from outside", () => {
    expect(insidePolygon({ x: 5, y: 5 }, square)).toBe(true);
    expect(insidePolygon({ x: 15, y: 5 }, square)).toBe(false);
    expect(insidePolygon({ x: -1, y: 5 }, square)).toBe(false);
    expect(insidePolygon({ x: 5, y: 11 }, square)).toBe(false);
  });

  it("handles concave shapes", () => {
    expect(insidePolygon({ x: 5, y: 15 }, cShape)).toBe(true); // the back of the C
    expect(insidePolygon({ x: 20, y: 15 }, cShape)).toBe(false); // the notch
    expect(insidePolygon({ x: 20, y: 5 }, cShape)).toBe(true); // an arm
    expect(insidePolygon({ x: 20, y: 25 }, cShape)).toBe(true);
  });

  it("does not care which way the lasso was drawn", () => {
    const reversed = [...cShape].reverse();
    for (const p of [{ x: 5, y: 15 }, { x: 20, y: 15 }, { x: 20, y: 25 }]) {
      expect(insidePolygon(p, reversed)).toBe(insidePolygon(p, cShape));
    }
  });

  it("is never inside an empty or degenerate polygon", () => {
    expect(insidePolygon({ x: 0, y: 0 }, [])).toBe(false);
    expect(insidePolygon({ x: 1, y: 0 }, [{ x: 0, y: 0 }, { x: 2, y: 0 }])).toBe(false);
  });
});

describe("pointsInside", () => {
  const points: Pt[] = [
    { x: 5, y: 5 },
    { x: 20, y: 15 },
    { x: 20, y: 25 },
    { x: 100, y: 100 },
    { x: 5, y: 29 },
  ];

  it("returns the indexes of the points in the lasso", () => {
    expect(pointsInside(points, cShape)).toEqual([0, 2, 4]);
    expect(pointsInside(points, square)).toEqual([0]);
  });

  it("picks nothing with a lasso too small to mean one", () => {
    expect(pointsInside(points, square.slice(0, 2))).toEqual([]);
    const sliver: Pt[] = [{ x: 4, y: 4 }, { x: 6, y: 4 }, { x: 6, y: 5 }];
    expect(polygonArea(sliver)).toBe(1);
    expect(pointsInside([{ x: 5.5, y: 4.2 }], sliver)).toEqual([]);
  });

  it("keeps up with ten thousand points", () => {
    const many: Pt[] = Array.from({ length: 10_000 }, (_, i) => ({ x: i % 100, y: Math.floor(i / 100) }));
    const inside = pointsInside(many, [{ x: -0.5, y: -0.5 }, { x: 49.5, y: -0.5 }, { x: 49.5, y: 49.5 }, { x: -0.5, y: 49.5 }]);
    expect(inside).toHaveLength(2500);
  });
});

describe("the path and clicks", () => {
  it("drops pointer moves too small to matter", () => {
    let path: Pt[] = [];
    path = extend(path, { x: 0, y: 0 });
    path = extend(path, { x: 1, y: 1 });
    path = extend(path, { x: 5, y: 0 });
    expect(path).toEqual([{ x: 0, y: 0 }, { x: 5, y: 0 }]);
  });

  it("finds the nearest point within the radius", () => {
    const points: Pt[] = [{ x: 0, y: 0 }, { x: 10, y: 0 }, { x: 12, y: 0 }];
    expect(nearest(points, { x: 11.5, y: 1 }, 6)).toBe(2);
    expect(nearest(points, { x: 3, y: 0 }, 6)).toBe(0);
    expect(nearest(points, { x: 50, y: 50 }, 6)).toBeNull();
    expect(nearest([], { x: 0, y: 0 }, 6)).toBeNull();
  });
});

describe("polygonArea", () => {
  it("is the enclosed area either way round", () => {
    expect(polygonArea(square)).toBe(100);
    expect(polygonArea([...square].reverse())).toBe(100);
    expect(polygonArea(cShape)).toBe(30 * 30 - 20 * 10);
  });
});
