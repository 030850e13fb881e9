import { describe, expect, it } from "vitest";
import { readBand } from "./BoxFields";

const band = { low: 500, high: 4000 };

describe("readBand", () => {
  it("takes a frequency inside the band's rules, to a tenth of a Hz", () => {
    expect(readBand(" 1200.04 ", "low", band, 8000)).toEqual({ ok: true, value: 1200 });
    expect(readBand("8000", "high", band, 8000)).toEqual({ ok: true, value: 8000 });
  });

  it("says why a frequency cannot be", () => {
    expect(readBand("", "low", band, 8000)).toMatchObject({ ok: false, problem: "Type a frequency in Hz." });
    expect(readBand("-1", "low", band, 8000)).toMatchObject({ problem: "A frequency cannot be negative." });
    expect(readBand("9000", "high", band, 8000)).toMatchObject({ problem: "The top is 8000 Hz (half the sample rate)." });
    expect(readBand("4000", "low", band, 8000)).toMatchObject({ problem: "Low must be under high (4000 Hz)." });
    expect(readBand("400", "high", band, 8000)).toMatchObject({ problem: "High must be above low (500 Hz)." });
  });
});
