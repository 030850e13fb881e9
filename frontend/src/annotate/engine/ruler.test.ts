import { describe, expect, it } from "vitest";
import { rulerLabel, rulerSteps } from "./ruler";

describe("ruler", () => {
  it("labels every second at 100 px/s and every 30 minutes for 3 hours in 1000 px", () => {
    expect(rulerSteps(100)).toEqual({ label: 1, minor: 0.2 });
    expect(rulerSteps(1000 / 10800).label).toBe(900);
    expect(rulerSteps(5000).label).toBe(0.02);
  });

  it("writes times the way the clock does", () => {
    expect(rulerLabel(65, 5)).toBe("1:05");
    expect(rulerLabel(2 * 3600 + 61, 60)).toBe("2:01:01");
    expect(rulerLabel(1.5, 0.5)).toBe("0:01.5");
    expect(rulerLabel(0.25, 0.05)).toBe("0:00.25");
  });
});
