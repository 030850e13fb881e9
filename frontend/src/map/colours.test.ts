import { describe, expect, it } from "vitest";
import { categoryColours, colourScheme, NOT_SET, PALETTE, PLAIN, pointsOf, scaleColour, type ColourOption, type MapPoint } from "./colours";

function point(id: number, labels: Record<string, string>, metadata: Record<string, string | number> = {}): MapPoint {
  return { datapoint_id: id, name: `${id}.wav`, x: 0, y: 0, duration: 1, labels, metadata };
}

const sound: ColourOption = {
  key: "label:7",
  kind: "label",
  name: "sound",
  field: "7",
  color: null,
  values: [
    { value: "tone", color: "#123456", count: 2 },
    { value: "noise", color: null, count: 1 },
    { value: "hum", color: null, count: 0 },
  ],
  numeric: null,
};
const gain: ColourOption = {
  key: "meta:gain",
  kind: "metadata",
  name: "gain",
  field: "gain",
  color: null,
  values: [],
  numeric: { min: 0, max: 10 },
};
const points = [point(1, { "7": "tone" }, { gain: 0 }), point(2, { "7": "noise" }, { gain: 10 }), point(3, {}, { gain: 5 }), point(4, { "7": "tone" })];

describe("categories", () => {
  it("uses a value's own colour, else the palette in turn", () => {
    const colours = categoryColours(sound.values);
    expect([...colours]).toEqual([
      ["tone", "#123456"],
      ["noise", PALETTE[0]],
      ["hum", PALETTE[1]],
    ]);
  });

  it("colours each point by its value, unlabelled ones grey, with counts in the legend", () => {
    const scheme = colourScheme(points, sound);
    expect(scheme.colours).toEqual(["#123456", PALETTE[0], NOT_SET, "#123456"]);
    expect(scheme.legend).toEqual([
      { value: "tone", color: "#123456", count: 2 },
      { value: "noise", color: PALETTE[0], count: 1 },
      { value: "hum", color: PALETTE[1], count: 0 },
      { value: "not set", color: NOT_SET, count: 1 },
    ]);
    expect(scheme.range).toBeNull();
  });

  it("gives a value the option did not list a colour of its own", () => {
    const scheme = colourScheme([point(1, { "7": "bark" })], sound);
    expect(scheme.colours).toEqual([PALETTE[2]]);
    expect(scheme.legend.at(-1)).toEqual({ value: "bark", color: PALETTE[2], count: 1 });
  });

  it("cycles the palette when there are more categories than colours", () => {
    const many = Array.from({ length: PALETTE.length + 2 }, (_, i) => ({ value: `v${i}`, color: null, count: 1 }));
    const colours = categoryColours(many);
    expect(colours.get(`v${PALETTE.length}`)).toBe(PALETTE[0]);
  });

  it("finds the points of a legend entry", () => {
    expect(pointsOf(points, sound, "tone")).toEqual([0, 3]);
    expect(pointsOf(points, sound, "not set")).toEqual([2]);
  });
});

describe("scales", () => {
  it("runs from dark blue to yellow", () => {
    expect(scaleColour(0)).toBe("#440154");
    expect(scaleColour(1)).toBe("#fde725");
    expect(scaleColour(0.5)).toBe("#21918c");
    expect(scaleColour(-3)).toBe("#440154");
    expect(scaleColour(Number.NaN)).toBe("#440154");
  });

  it("colours numbers along the range, the rest grey", () => {
    const scheme = colourScheme(points, gain);
    expect(scheme.colours).toEqual(["#440154", "#fde725", "#21918c", NOT_SET]);
    expect(scheme.range).toEqual({ min: 0, max: 10 });
    expect(scheme.legend).toEqual([{ value: "not set", color: NOT_SET, count: 1 }]);
  });
});

describe("no colouring", () => {
  it("paints every point alike", () => {
    const scheme = colourScheme(points, null);
    expect(new Set(scheme.colours)).toEqual(new Set([PLAIN]));
    expect(scheme.legend).toEqual([{ value: "every item", color: PLAIN, count: 4 }]);
  });
});
