import { describe, expect, it } from "vitest";
import { inUse, usageText, valueUsage } from "./labelUsage";
import { plural } from "./plural";

describe("usageText", () => {
  it("counts segments and whole-recording answers with their plurals", () => {
    expect(usageText({ segments: 3, assignments: 0, datapoints: 2 })).toBe("3 segments on 2 datapoints");
    expect(usageText({ segments: 1, assignments: 1, datapoints: 1 })).toBe(
      "1 segment and 1 whole-recording answer on 1 datapoint",
    );
    expect(usageText({ segments: 0, assignments: 5, datapoints: 4 })).toBe(
      "5 whole-recording answers on 4 datapoints",
    );
  });
  it("says whether anything uses it", () => {
    expect(inUse({ segments: 0, assignments: 0, datapoints: 0 })).toBe(false);
    expect(inUse({ segments: 0, assignments: 1, datapoints: 1 })).toBe(true);
  });
  it("finds a value's counts, zero when it has none", () => {
    const usage = {
      label_id: 1,
      segments: 2,
      assignments: 0,
      datapoints: 1,
      values: [{ value_id: 7, segments: 2, assignments: 0, datapoints: 1 }],
    };
    expect(valueUsage(usage, 7).segments).toBe(2);
    expect(valueUsage(usage, 8)).toEqual({ segments: 0, assignments: 0, datapoints: 0 });
  });
  it("plurals", () => {
    expect(plural(1, "datapoint")).toBe("1 datapoint");
    expect(plural(5, "datapoint")).toBe("5 datapoints");
    expect(plural(2, "entry", "entries")).toBe("2 entries");
  });
});
