import { describe, expect, it } from "vitest";
import { openPredictions, playSpan, spanText, type Prediction } from "./predictionQueue";

const p = (id: string, start: number, end: number, decision: Prediction["decision"] = null) =>
  ({ id, start, end, decision }) as Prediction;

describe("open predictions", () => {
  it("are the undecided ones by start time; ignored ones are not offered again", () => {
    const list = [p("c", 5, 6), p("a", 1, 2, "rejected"), p("b", 2, 3), p("d", 0, 1, "ignored"), p("e", 2, 2.5)];
    expect(openPredictions(list).map((x) => x.id)).toEqual(["e", "b", "c"]);
  });
});

describe("the span played", () => {
  it("has a little context on each side, inside the recording", () => {
    expect(playSpan({ start: 0.1, end: 2 }, 10)).toEqual({ from: 0, to: 2.25 });
    expect(playSpan({ start: 9, end: 9.9 }, 10)).toEqual({ from: 8.75, to: 10 });
  });
  it("reads as minutes and seconds", () => {
    expect(spanText({ start: 3.24, end: 65.9 })).toBe("0:03.2–1:05.9");
  });
});
