import { describe, expect, it } from "vitest";
import { apiQuery, csvUrl, daysBetween, filtersProblem, hoursText, readFilters, type Analytics } from "./analyticsQuery";
import { agreementOverTime, goldAccuracy, hoursPerDay, labelDistribution, perAnnotator, reviewOutcomes } from "./charts";

const NONE = { from: "", to: "", annotator: "", label: "" };

const data: Analytics = {
  per_day: [
    { day: "2026-03-01", annotator: "bob", items: 1, audio_hours: 0.5, active_hours: 0.1 },
    { day: "2026-03-01", annotator: "ann", items: 2, audio_hours: 1, active_hours: 0.2 },
    { day: "2026-03-03", annotator: "ann", items: 1, audio_hours: 0.25, active_hours: 0.05 },
  ],
  per_annotator: [
    {
      annotator: "ann",
      items_completed: 3,
      audio_hours: 1.25,
      active_hours: 0.25,
      accepted: 2,
      rejected: 1,
      audio_hours_per_active_hour: 5,
    },
  ],
  review_outcomes: [{ day: "2026-03-02", accepted: 2, rejected: 1 }],
  labels: [
    { label: "emotion", value: "calm", segments: 3 },
    { label: "speaker", value: "A", segments: 5 },
  ],
  gold: [
    { username: "ann", items: 3, passed: 3, accuracy: 1, wer: 0, alert: false },
    { username: "bob", items: 3, passed: 1, accuracy: 1 / 3, wer: 0.4, alert: true },
  ],
  agreement: [{ week: "2026-02-23", items: 4, wer: 0.25, boundary_f1: 0.9, label_alpha: null }],
};

describe("filters", () => {
  it("reads the URL, leaving out malformed dates", () => {
    const f = readFilters(new URLSearchParams("from=2026-03-01&to=yesterday&annotator=ann"));
    expect(f).toEqual({ from: "2026-03-01", to: "", annotator: "ann", label: "" });
    expect(apiQuery(f)).toEqual({ from: "2026-03-01", annotator: "ann" });
  });

  it("links each chart's CSV with the same filters", () => {
    expect(csvUrl(7, "labels", { ...NONE, label: "emotion" })).toBe(
      "/api/projects/7/analytics?label=emotion&format=csv&chart=labels",
    );
  });

  it("says when the dates are the wrong way round", () => {
    expect(filtersProblem({ ...NONE, from: "2026-03-02", to: "2026-03-01" })).toBe("The start date is after the end date.");
    expect(filtersProblem({ ...NONE, from: "2026-03-01", to: "2026-03-01" })).toBeNull();
  });

  it("lists every day between two, across a month's end", () => {
    expect(daysBetween("2026-02-27", "2026-03-02")).toEqual(["2026-02-27", "2026-02-28", "2026-03-01", "2026-03-02"]);
    expect(daysBetween("2026-03-02", "2026-03-01")).toEqual([]);
    expect(daysBetween("2026-01-01", "2026-12-31", 10)).toHaveLength(10);
  });
});

describe("totals", () => {
  it("shows hours in the unit that reads best", () => {
    expect(hoursText(1.254)).toBe("1.25 h");
    expect(hoursText(0.25)).toBe("15.0 min");
    expect(hoursText(0.008)).toBe("29 s");
    expect(hoursText(0)).toBe("0 s");
  });
});

describe("chart configurations", () => {
  it("stacks hours per day per annotator, with empty days as zero", () => {
    const c = hoursPerDay(data, NONE);
    expect(c.data.labels).toEqual(["2026-03-01", "2026-03-02", "2026-03-03"]);
    expect(c.data.datasets.map((d) => [d.label, d.data])).toEqual([
      ["ann", [1, 0, 0.25]],
      ["bob", [0.5, 0, 0]],
    ]);
  });

  it("spans the filter's dates when they are set", () => {
    const c = hoursPerDay(data, { ...NONE, from: "2026-02-28", to: "2026-03-03" });
    expect(c.data.labels?.[0]).toBe("2026-02-28");
    expect(c.data.labels).toHaveLength(4);
  });

  it("shows throughput and active time per annotator on two axes", () => {
    const c = perAnnotator(data);
    expect(c.data.datasets.map((d) => [d.label, d.data, d.yAxisID])).toEqual([
      ["Audio hours", [1.25], "hours"],
      ["Active hours", [0.25], "hours"],
      ["Items completed", [3], "items"],
    ]);
  });

  it("draws agreement per week, with gaps where a figure is undefined", () => {
    const c = agreementOverTime(data);
    expect(c.data.labels).toEqual(["week of 2026-02-23"]);
    expect(c.data.datasets.map((d) => d.data)).toEqual([[0.9], [null], [0.25]]);
  });

  it("names label and value when several labels are shown", () => {
    const c = labelDistribution(data);
    expect(c.data.labels).toEqual(["emotion: calm", "speaker: A"]);
    expect(c.data.datasets[0].data).toEqual([3, 5]);
    const one = labelDistribution({ ...data, labels: data.labels.slice(0, 1) });
    expect(one.data.labels).toEqual(["calm"]);
  });

  it("stacks accepted over rejected per day", () => {
    const c = reviewOutcomes(data, NONE);
    expect(c.data.datasets.map((d) => [d.label, d.data])).toEqual([
      ["Accepted", [2]],
      ["Rejected", [1]],
    ]);
  });

  it("colours annotators under the gold alert threshold", () => {
    const c = goldAccuracy(data, 0.7);
    expect(c.data.datasets[0].data).toEqual([100, 33.3]);
    expect(c.data.datasets[0].backgroundColor).toEqual(["#107c41", "#b42318"]);
    expect(c.options?.plugins?.threshold).toEqual({ value: 70, label: "alert below 70%", color: "#b42318" });
    expect(goldAccuracy(data, null).options?.plugins?.threshold).toBeUndefined();
  });
});
