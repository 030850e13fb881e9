// What a finished export job says its format could not carry (the job result's `report`),
// as the lines the export dialog shows: "12 segments skipped: no transcript", "3 values
// left out: gender neither female (f, woman) nor male (m, man)", "30 CTM words with …".
import { plural } from "./plural";

export interface ExportReport {
  /** The format that could not carry it ("this format" when the job does not say). */
  format: string;
  lines: string[];
  /** Where the download holds the report too (export-report.json in the zip), or null. */
  file: string | null;
}

function counts(value: unknown): [string, number][] {
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value as Record<string, unknown>)
    .filter((entry): entry is [string, number] => typeof entry[1] === "number" && entry[1] > 0)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The report of a finished export job; null while it runs, when the export lost nothing,
 * or when the job predates reports. */
export function exportReport(job: { status: string; result?: unknown }): ExportReport | null {
  if (job.status !== "done") return null;
  const result = job.result;
  if (result === null || typeof result !== "object") return null;
  const report = (result as { report?: unknown }).report;
  if (report === null || typeof report !== "object") return null;
  const { format, segments_skipped, values_left_out, lines_estimated, file } = report as Record<string, unknown>;
  const lines = [
    ...counts(segments_skipped).map(([reason, n]) => `${plural(n, "segment")} skipped: ${reason}`),
    ...counts(values_left_out).map(([reason, n]) => `${plural(n, "value")} left out: ${reason}`),
    ...counts(lines_estimated).map(([what, n]) => `${n} ${what}`),
  ];
  if (lines.length === 0) return null;
  return {
    format: typeof format === "string" && format ? format : "this format",
    lines,
    file: typeof file === "string" ? file : null,
  };
}
