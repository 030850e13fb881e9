import { describe, expect, it } from "vitest";
import { dropOrder, move } from "./reorder";

describe("move", () => {
  it("moves up, down and clamps at the ends", () => {
    expect(move([1, 2, 3], 2, 1)).toEqual([1, 3, 2]);
    expect(move([1, 2, 3], 0, 1)).toEqual([2, 1, 3]);
    expect(move([1, 2, 3], 0, -1)).toEqual([1, 2, 3]);
    expect(move([1, 2, 3], 2, 9)).toEqual([1, 2, 3]);
  });
  it("leaves the input alone", () => {
    const list = [1, 2, 3];
    move(list, 0, 2);
    expect(list).toEqual([1, 2, 3]);
  });
});

describe("dropOrder", () => {
  it("puts the dragged id where the target was", () => {
    expect(dropOrder([10, 20, 30, 40], 10, 30)).toEqual([20, 30, 10, 40]);
    expect(dropOrder([10, 20, 30, 40], 40, 20)).toEqual([10, 40, 20, 30]);
  });
  it("is null when nothing moves", () => {
    expect(dropOrder([10, 20], 10, 10)).toBeNull();
    expect(dropOrder([10, 20], 99, 10)).toBeNull();
  });
});
