// The analytics page's filters as the URL keeps them, the API's query, and each chart's rows
// (GET /api/projects/{id}/analytics) with the link that downloads them as CSV.

export const CHARTS = ["per_day", "per_annotator", "agreement", "labels", "review_outcomes", "gold"] as const;
export type ChartName = (typeof CHARTS)[number];

export interface PerDay {
  day: string;
  annotator: string;
  items: number;
  audio_hours: number;
  active_hours: number;
}

export interface PerAnnotator {
  annotator: string;
  items_completed: number;
  audio_hours: number;
  active_hours: number;
  accepted: number;
  rejected: number;
  audio_hours_per_active_hour: number | null;
}

export interface ReviewOutcome {
  day: string;
  accepted: number;
  rejected: number;
}

export interface LabelCount {
  label: string;
  value: string;
  segments: number;
}

export interface GoldRow {
  username: string;
  items: number;
  passed: number;
  accuracy: number | null;
  wer: number | null;
  alert: boolean;
}

export interface AgreementWeek {
  week: string;
  items: number;
  wer: number | null;
  boundary_f1: number | null;
  label_alpha: number | null;
}

export interface Analytics {
  per_day: PerDay[];
  per_annotator: PerAnnotator[];
  review_outcomes: ReviewOutcome[];
  labels: LabelCount[];
  gold: GoldRow[];
  agreement: AgreementWeek[];
}

export interface Filters {
  from: string;
  to: string;
  annotator: string;
  label: string;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The filters from the page's URL; a malformed date is left out rather than sent. */
export function readFilters(params: URLSearchParams): Filters {
  const day = (key: string) => {
    const v = params.get(key) ?? "";
    return DAY.test(v) ? v : "";
  };
  return { from: day("from"), to: day("to"), annotator: params.get("annotator") ?? "", label: params.get("label") ?? "" };
}

/** The API's query for these filters: empty ones left out. */
export function apiQuery(f: Filters): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of ["from", "to", "annotator", "label"] as const) if (f[key]) out[key] = f[key];
  return out;
}

/** Where one chart's rows download as CSV, with the same filters. */
export function csvUrl(projectId: number, chart: ChartName, f: Filters): string {
  const q = new URLSearchParams({ ...apiQuery(f), format: "csv", chart });
  return `/api/projects/${projectId}/analytics?${q.toString()}`;
}

/** What is wrong with the dates, said before asking the server. */
export function filtersProblem(f: Filters): string | null {
  return f.from && f.to && f.from > f.to ? "The start date is after the end date." : null;
}

/** Every UTC day from `first` to `last` (ISO dates), so days without work show as gaps. */
export function daysBetween(first: string, last: string, limit = 1000): string[] {
  if (!DAY.test(first) || !DAY.test(last) || first > last) return [];
  const out: string[] = [];
  const day = new Date(`${first}T00:00:00Z`);
  while (out.length < limit) {
    const iso = day.toISOString().slice(0, 10);
    out.push(iso);
    if (iso >= last) break;
    day.setUTCDate(day.getUTCDate() + 1);
  }
  return out;
}

/** Hours in the unit that reads best: "1.25 h", "12.5 min", "28 s". */
export function hoursText(hours: number): string {
  if (hours >= 1) return `${hours.toFixed(2)} h`;
  if (hours * 60 >= 1) return `${(hours * 60).toFixed(1)} min`;
  return `${Math.round(hours * 3600)} s`;
}
