import { describe, expect, it } from "vitest";
import {
  matchedWords,
  reasonWords,
  showBoundaries,
  showCoefficient,
  showRate,
  strength,
  type Pair,
} from "./agreementWords";

describe("agreement in words", () => {
  it("names the annotators in the server's reasons", () => {
    expect(reasonWords("no transcript from B", "ann", "bob")).toBe("no transcript from bob");
    expect(reasonWords("A named no speaker", "ann", "bob")).toBe("ann named no speaker");
    expect(reasonWords("no speech from A", "ann", "bob")).toBe("no speech from ann");
    // A category that happens to be called A is not an annotator.
    expect(reasonWords("only one category (A)", "ann", "bob")).toBe("only one category (A)");
    expect(reasonWords("no units")).toBe("no units");
  });

  it("shows rates as percentages, and a dash with the reason when there is none", () => {
    expect(showRate(0.25, null)).toMatchObject({ text: "25.0%", reason: null });
    expect(showRate(null, "no transcript on either side")).toEqual({
      text: "—",
      reason: "no transcript on either side",
      reading: null,
      value: null,
    });
    expect(showRate(null, null).reason).toBe("not computed");
  });

  it("reads coefficients on the Landis and Koch scale", () => {
    expect(strength(-0.1)).toBe("worse than chance");
    expect(strength(0.1)).toBe("slight");
    expect(strength(0.5)).toBe("moderate");
    expect(strength(0.79)).toBe("substantial");
    expect(strength(1)).toBe("almost perfect");
    expect(showCoefficient({ value: 0.8123, units: 12, reason: null }, "segment")).toEqual({
      text: "0.81",
      reason: null,
      reading: "almost perfect, on 12 segments",
      value: 0.8123,
    });
    expect(showCoefficient({ value: 0.5, units: 1, reason: null }, "frame").reading).toBe("moderate, on 1 frame");
    expect(showCoefficient({ value: null, units: 2, reason: "only one category (calm)" }, "segment")).toMatchObject({
      text: "—",
      reason: "only one category (calm)",
    });
  });

  it("gives boundary F1 with its tolerance and the mean offset", () => {
    const b = { tolerance: 0.2, precision: 1, recall: 1, f1: 1, mean_offset: 0.05, reason: null };
    expect(showBoundaries(b)).toMatchObject({ text: "1.00", reading: "within 200 ms, 50 ms apart on average" });
    expect(showBoundaries({ ...b, f1: null, mean_offset: null, reason: "no segments from B" }, "ann", "bob").reason).toBe(
      "no segments from bob",
    );
  });

  it("says how many segments matched", () => {
    const pair = { annotator_a: "ann", annotator_b: "bob", segments_a: 3, segments_b: 2, matched: 2 } as Pair;
    expect(matchedWords(pair)).toBe("2 matched of ann’s 3 and bob’s 2 segments");
  });
});
