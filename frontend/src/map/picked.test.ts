import { describe, expect, it } from "vitest";
import type { MapPoint } from "./colours";
import { gridIds, gridUrl } from "./picked";

const point = (id: number, windows?: number[]): MapPoint => ({
  datapoint_id: id,
  name: `${id}.wav`,
  x: 0,
  y: 0,
  duration: 1,
  labels: {},
  metadata: {},
  ...(windows ? { window_ids: windows } : {}),
});

describe("the grid of the picked points", () => {
  it("asks for each item once, in order, a recording by its windows", () => {
    expect(gridIds([point(9), point(2), point(5, [7, 6]), point(2)])).toEqual([2, 6, 7, 9]);
    expect(gridIds([point(4, [])])).toEqual([4]);
    expect(gridIds([])).toEqual([]);
  });

  it("shows every status, in the grid, only those items", () => {
    expect(gridUrl(3, [1, 5, 12])).toBe("/projects/3?tab=all&view=grid&ids=1,5,12");
  });
});
