import { describe, expect, it } from "vitest";
import { spreadPreview, spreadProblem } from "./spreadPreview";

describe("spreadPreview", () => {
  it("matches the server's worked example", () => {
    // 2 users × 100 each with 20% overlap: 167 datapoints, 33 of them twice.
    expect(spreadPreview(2, 100, 20)).toEqual({ slots: 200, distinct: 167, doubles: 33 });
  });
  it("never hands anyone more than asked", () => {
    // 2 users × 2 with 50%: 3 datapoints, one of them twice, so 2 each.
    expect(spreadPreview(2, 2, 50)).toEqual({ slots: 4, distinct: 3, doubles: 1 });
  });
  it("hands out distinct items without overlap", () => {
    expect(spreadPreview(3, 10, 0)).toEqual({ slots: 30, distinct: 30, doubles: 0 });
    expect(spreadPreview(0, 10, 0)).toEqual({ slots: 0, distinct: 0, doubles: 0 });
  });
});

describe("spreadProblem", () => {
  it("explains what is missing", () => {
    expect(spreadProblem(0, 10, 0)).toMatch(/at least one annotator/);
    expect(spreadProblem(2, 0, 0)).toMatch(/at least one datapoint/);
    expect(spreadProblem(2, 1.5, 0)).toMatch(/at least one datapoint/);
    expect(spreadProblem(2, 5, 120)).toMatch(/0 to 100/);
    expect(spreadProblem(1, 5, 20)).toMatch(/two annotators/);
    expect(spreadProblem(2, 5, 20)).toBeNull();
  });
});
