// Each analytics chart as a Chart.js configuration built from its rows (pure: no canvas here).
import type { ChartConfiguration } from "chart.js";
import { authorColor } from "../review/authorColor";
import { daysBetween, type Analytics, type Filters } from "./analyticsQuery";

export type Config = ChartConfiguration<"bar" | "line", (number | null)[], string>;

const ACCEPTED = "#107c41";
const REJECTED = "#b42318";
const ALERT = "#b42318";
const BLUE = "#2457c5";
const TEAL = "#0f766e";
const PURPLE = "#7c3aed";

const round = (v: number, places = 2) => Math.round(v * 10 ** places) / 10 ** places;

/** Days on the x axis: every day from the first to the last (or the filter's range). */
function dayAxis(days: string[], filters: Filters): string[] {
  if (days.length === 0) return [];
  const sorted = [...days].sort();
  const first = filters.from || sorted[0];
  const last = filters.to || sorted[sorted.length - 1];
  const all = daysBetween(first, last, 400);
  return all.length ? all : sorted;
}

const axisTitle = (text: string) => ({ display: true, text });

function base(title: string): Config["options"] {
  return {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    interaction: { mode: "index", intersect: false },
    plugins: { legend: { position: "bottom" }, title: { display: false, text: title } },
  };
}

/** Audio hours completed per day, stacked per annotator. */
export function hoursPerDay(data: Analytics, filters: Filters): Config {
  const days = dayAxis([...new Set(data.per_day.map((r) => r.day))], filters);
  const people = [...new Set(data.per_day.map((r) => r.annotator))].sort();
  const at = new Map(data.per_day.map((r) => [`${r.day}|${r.annotator}`, r.audio_hours]));
  return {
    type: "bar",
    data: {
      labels: days,
      datasets: people.map((name, i) => ({
        label: name,
        data: days.map((d) => round(at.get(`${d}|${name}`) ?? 0, 3)),
        backgroundColor: authorColor(i),
        stack: "hours",
      })),
    },
    options: {
      ...base("Hours annotated per day"),
      scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, title: axisTitle("audio hours") } },
    },
  };
}

/** Per annotator: audio and active hours (bars), items completed (points, right axis). */
export function perAnnotator(data: Analytics): Config {
  const rows = data.per_annotator;
  return {
    type: "bar",
    data: {
      labels: rows.map((r) => r.annotator),
      datasets: [
        { label: "Audio hours", data: rows.map((r) => round(r.audio_hours, 3)), backgroundColor: BLUE, yAxisID: "hours" },
        { label: "Active hours", data: rows.map((r) => round(r.active_hours, 3)), backgroundColor: TEAL, yAxisID: "hours" },
        {
          type: "line",
          label: "Items completed",
          data: rows.map((r) => r.items_completed),
          borderColor: PURPLE,
          backgroundColor: PURPLE,
          showLine: false,
          pointRadius: 6,
          pointStyle: "rectRot",
          yAxisID: "items",
        },
      ],
    },
    options: {
      ...base("Throughput and active time per annotator"),
      scales: {
        hours: { position: "left", beginAtZero: true, title: axisTitle("hours") },
        items: { position: "right", beginAtZero: true, grid: { drawOnChartArea: false }, title: axisTitle("items"), ticks: { precision: 0 } },
      },
    },
  };
}

/** Per week of completed overlap items: WER, boundary F1 and label α, all on 0–1. */
export function agreementOverTime(data: Analytics): Config {
  const rows = data.agreement;
  const line = (label: string, color: string, pick: (r: Analytics["agreement"][number]) => number | null) => ({
    type: "line" as const,
    label,
    data: rows.map((r) => (pick(r) === null ? null : round(pick(r) as number, 3))),
    borderColor: color,
    backgroundColor: color,
    spanGaps: true,
    pointRadius: 4,
    tension: 0.2,
  });
  return {
    type: "line",
    data: {
      labels: rows.map((r) => `week of ${r.week}`),
      datasets: [
        line("Boundary F1 (higher is better)", BLUE, (r) => r.boundary_f1),
        line("Label α (higher is better)", TEAL, (r) => r.label_alpha),
        line("WER (lower is better)", REJECTED, (r) => r.wer),
      ],
    },
    options: { ...base("Agreement over time"), scales: { x: { offset: true }, y: { min: 0, suggestedMax: 1 } } },
  };
}

/** Segments per label value, one colour per label. */
export function labelDistribution(data: Analytics): Config {
  const rows = data.labels;
  const labels = [...new Set(rows.map((r) => r.label))];
  return {
    type: "bar",
    data: {
      labels: rows.map((r) => (labels.length > 1 ? `${r.label}: ${r.value}` : r.value)),
      datasets: [
        {
          label: "Segments",
          data: rows.map((r) => r.segments),
          backgroundColor: rows.map((r) => authorColor(labels.indexOf(r.label))),
        },
      ],
    },
    options: {
      ...base("Label distribution"),
      indexAxis: "y",
      plugins: { legend: { display: false } },
      scales: { x: { beginAtZero: true, ticks: { precision: 0 }, title: axisTitle("segments") } },
    },
  };
}

/** Accepted and rejected work per day. */
export function reviewOutcomes(data: Analytics, filters: Filters): Config {
  const days = dayAxis(data.review_outcomes.map((r) => r.day), filters);
  const by = new Map(data.review_outcomes.map((r) => [r.day, r]));
  return {
    type: "bar",
    data: {
      labels: days,
      datasets: [
        { label: "Accepted", data: days.map((d) => by.get(d)?.accepted ?? 0), backgroundColor: ACCEPTED, stack: "r" },
        { label: "Rejected", data: days.map((d) => by.get(d)?.rejected ?? 0), backgroundColor: REJECTED, stack: "r" },
      ],
    },
    options: {
      ...base("Review outcomes"),
      scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 }, title: axisTitle("items") } },
    },
  };
}

/** Accuracy on gold items per annotator; alerts in red, the alert threshold as a line. */
export function goldAccuracy(data: Analytics, alertBelow: number | null): Config {
  const rows = data.gold;
  const options: Config["options"] = {
    ...base("Gold accuracy"),
    scales: { y: { min: 0, max: 100, title: axisTitle("% passed") } },
  };
  if (alertBelow !== null) {
    const value = round(alertBelow * 100, 1);
    options.plugins = { ...options.plugins, threshold: { value, label: `alert below ${value}%`, color: ALERT } };
  }
  return {
    type: "bar",
    data: {
      labels: rows.map((r) => r.username),
      datasets: [
        {
          label: "% of gold items passed (red: below the alert line)",
          data: rows.map((r) => (r.accuracy === null ? null : round(r.accuracy * 100, 1))),
          backgroundColor: rows.map((r) => (r.alert ? ALERT : ACCEPTED)),
          minBarLength: 3, // a 0% is still seen, in red
        },
      ],
    },
    options,
  };
}
