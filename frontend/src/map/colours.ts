// Which colour each point of the dataset map gets for the chosen label or metadata field,
// and the legend that explains them. No React here, so it is tested on its own.
import type { Schemas } from "../api/client";

export type MapPoint = Schemas["MapPoint"];
export type ColourOption = Schemas["ColourOption"];

/** Colour-blind-safe categories (Okabe–Ito, then Tableau's), used in turn. */
export const PALETTE = [
  "#0072b2",
  "#e69f00",
  "#009e73",
  "#cc79a7",
  "#d55e00",
  "#56b4e9",
  "#8c6d31",
  "#7f7f7f",
  "#bcbd22",
  "#17becf",
  "#9467bd",
  "#f0e442",
];
export const NOT_SET = "#c3c9d3";
export const PLAIN = "#2457c5";
export const NOT_SET_TEXT = "not set";
/** Viridis at five stops: dark blue (low) to yellow (high). */
const SCALE = ["#440154", "#3b528b", "#21918c", "#5ec962", "#fde725"];

export interface LegendEntry {
  value: string;
  color: string;
  count: number;
}

export interface Scheme {
  /** One colour per point, in the points' order. */
  colours: string[];
  legend: LegendEntry[];
  /** For a scale: its ends, shown beside the gradient. */
  range: { min: number; max: number } | null;
}

/** The point's value of the option: text for a category, a number for a scale. */
export function valueOf(point: MapPoint, option: ColourOption): string | number | undefined {
  if (option.kind === "label") return point.labels[option.field];
  return point.metadata[option.field];
}

function hex(color: string): [number, number, number] {
  const n = Number.parseInt(color.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** The scale's colour at `t` in [0, 1] (clamped), as #rrggbb. */
export function scaleColour(t: number): string {
  const at = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (SCALE.length - 1);
  const i = Math.min(SCALE.length - 2, Math.floor(at));
  const f = at - i;
  const [a, b] = [hex(SCALE[i]), hex(SCALE[i + 1])];
  const mixed = a.map((v, k) => Math.round(v + (b[k] - v) * f));
  return `#${mixed.map((v) => v.toString(16).padStart(2, "0")).join("")}`;
}

/** Each category's colour: its own (a label value's colour) or the next of the palette. */
export function categoryColours(values: readonly { value: string; color: string | null }[]): Map<string, string> {
  const out = new Map<string, string>();
  let next = 0;
  for (const v of values) {
    if (out.has(v.value)) continue;
    out.set(v.value, v.color ?? PALETTE[next++ % PALETTE.length]);
  }
  return out;
}

export function colourScheme(points: readonly MapPoint[], option: ColourOption | null): Scheme {
  if (!option) {
    return { colours: points.map(() => PLAIN), legend: [{ value: "every item", color: PLAIN, count: points.length }], range: null };
  }
  if (option.numeric) {
    const { min, max } = option.numeric;
    const span = max - min || 1;
    let unset = 0;
    const colours = points.map((p) => {
      const v = valueOf(p, option);
      if (typeof v !== "number") {
        unset++;
        return NOT_SET;
      }
      return scaleColour((v - min) / span);
    });
    const legend = unset ? [{ value: NOT_SET_TEXT, color: NOT_SET, count: unset }] : [];
    return { colours, legend, range: { min, max } };
  }
  const named = categoryColours(option.values);
  let next = new Set(option.values.filter((v) => !v.color).map((v) => v.value)).size;
  const counts = new Map<string, number>();
  const colours = points.map((p) => {
    const v = valueOf(p, option);
    const key = v === undefined ? NOT_SET_TEXT : String(v);
    counts.set(key, (counts.get(key) ?? 0) + 1);
    if (v === undefined) return NOT_SET;
    let colour = named.get(key);
    if (!colour) {
      colour = PALETTE[next++ % PALETTE.length];
      named.set(key, colour);
    }
    return colour;
  });
  const legend: LegendEntry[] = [...named].map(([value, color]) => ({ value, color, count: counts.get(value) ?? 0 }));
  const unset = counts.get(NOT_SET_TEXT) ?? 0;
  if (unset && !named.has(NOT_SET_TEXT)) legend.push({ value: NOT_SET_TEXT, color: NOT_SET, count: unset });
  return { colours, legend, range: null };
}

/** The indexes of the points in a legend entry (a click on it picks them). */
export function pointsOf(points: readonly MapPoint[], option: ColourOption, value: string): number[] {
  const out: number[] = [];
  points.forEach((p, i) => {
    const v = valueOf(p, option);
    if ((v === undefined ? NOT_SET_TEXT : String(v)) === value) out.push(i);
  });
  return out;
}
