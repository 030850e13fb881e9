// What a grid card shows, worked out from the API's records (no React here, so it is tested).
import type { Schemas } from "../api/client";

type Datapoint = Schemas["DatapointPublic"];
type Label = Schemas["LabelPublic"];

export interface Chip {
  label: string;
  value: string;
  color: string | null;
  /** Who chose it (several annotators may disagree). */
  by: string;
}

/** The item-level label values on an item, one chip per label value per person. */
export function labelChips(item: Datapoint, labels: Label[]): Chip[] {
  const byId = new Map(labels.filter((l) => l.scope === "datapoint").map((l) => [String(l.id), l]));
  const chips: Chip[] = [];
  for (const a of item.assignments) {
    for (const [key, raw] of Object.entries(a.values ?? {})) {
      const label = byId.get(key);
      if (!label) continue;
      for (const shown of valueTexts(label, raw)) {
        chips.push({ label: label.name, value: shown.text, color: shown.color, by: a.username });
      }
    }
  }
  return chips;
}

function valueTexts(label: Label, raw: unknown): { text: string; color: string | null }[] {
  const named = (id: unknown) => {
    const v = label.values.find((x) => x.id === id);
    return { text: v ? v.value : String(id), color: v?.color ?? label.color ?? null };
  };
  if (label.kind === "single") return [named(raw)];
  if (label.kind === "multi") return Array.isArray(raw) ? raw.map(named) : [];
  if (label.kind === "boolean") return [{ text: raw ? "yes" : "no", color: label.color ?? null }];
  return [{ text: String(raw), color: label.color ?? null }];
}

/** A metadata value as one line of text (objects and lists as JSON). */
export function metadataText(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

export interface MetadataRow {
  key: string;
  text: string;
}

export function metadataRows(metadata: Record<string, unknown>): MetadataRow[] {
  return Object.entries(metadata).map(([key, value]) => ({ key, text: metadataText(value) }));
}

/**
 * Edited rows back into metadata. A value keeps its type where the text still reads as one
 * (a number stays a number, true/false a boolean, an object JSON); anything else is text.
 * Throws an Error with a sentence for empty or repeated field names.
 */
export function metadataFromRows(rows: MetadataRow[], before: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const row of rows) {
    const key = row.key.trim();
    if (!key && !row.text.trim()) continue;
    if (!key) throw new Error("Every field needs a name.");
    if (key in out) throw new Error(`The field “${key}” is there twice.`);
    out[key] = typed(row.text, before[key]);
  }
  return out;
}

function typed(text: string, previous: unknown): unknown {
  if (typeof previous === "number" && text.trim() !== "" && Number.isFinite(Number(text))) return Number(text);
  if (typeof previous === "boolean" && (text === "true" || text === "false")) return text === "true";
  if (previous === null && text === "null") return null;
  if (typeof previous === "object" && previous !== null) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed === "object" && parsed !== null) return parsed;
    } catch {
      // no longer JSON: kept as the text typed
    }
  }
  return text;
}

/** The filters the grid and list share, as URL parameters. */
export const FILTER_KEYS = [
  "assignee",
  "label",
  "value",
  "meta_key",
  "meta_value",
  "min_duration",
  "max_duration",
  "text",
  "ids",
] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];
export type Filters = Partial<Record<FilterKey, string>>;

export function filtersFrom(params: URLSearchParams): Filters {
  const out: Filters = {};
  for (const key of FILTER_KEYS) {
    const v = params.get(key);
    if (v) out[key] = v;
  }
  return out;
}

/** The filters as the list endpoint's query (durations as numbers). */
export function filterQuery(filters: Filters): Record<string, string | number | undefined> {
  const q: Record<string, string | number | undefined> = {};
  for (const key of FILTER_KEYS) {
    const v = filters[key];
    if (v === undefined || v === "") continue;
    q[key] = key.endsWith("_duration") ? Number(v) : v;
  }
  return q;
}
