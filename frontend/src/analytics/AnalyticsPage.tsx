// A project's analytics for reviewers and managers: charts of work per day and per annotator,
// agreement over time, labels, review outcomes and gold accuracy, filtered by date, annotator
// and label, each downloadable as CSV. Loaded on first visit, with Chart.js in its own chunk.
import { useMemo } from "react";
import { Link, useParams, useSearchParams } from "react-router-dom";
import { api, unwrap } from "../api/client";
import { ErrorMessage, Loading, PageTitle } from "../components/ui";
import { useLoad } from "../components/useLoad";
import { reviews } from "../review/reviewTarget";
import { apiQuery, csvUrl, filtersProblem, hoursText, readFilters, type Analytics, type ChartName, type Filters } from "./analyticsQuery";
import { ChartCanvas } from "./ChartCanvas";
import {
  agreementOverTime,
  goldAccuracy,
  hoursPerDay,
  labelDistribution,
  perAnnotator,
  reviewOutcomes,
  type Config,
} from "./charts";
import "./analytics.css";
import { ModelEvaluation } from "../models/ModelEvaluation";

interface Card {
  name: ChartName;
  title: string;
  about: string;
  rows: Record<string, unknown>[];
  config: Config;
  empty: string;
}

/** The rows as a plain table, for reading the exact numbers (and screen readers). */
function Numbers({ rows }: { rows: Record<string, unknown>[] }) {
  const keys = Object.keys(rows[0] ?? {});
  return (
    <details className="chart-numbers">
      <summary>Show the numbers</summary>
      <div className="table-scroll">
        <table>
          <thead>
            <tr>
              {keys.map((k) => (
                <th key={k}>{k.replaceAll("_", " ")}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => (
              <tr key={i}>
                {keys.map((k) => (
                  <td key={k} className={typeof r[k] === "number" ? "num" : undefined}>
                    {r[k] === null ? "—" : String(r[k])}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}

function ChartCard({ card, projectId, filters }: { card: Card; projectId: number; filters: Filters }) {
  return (
    <section className="panel chart-card" aria-label={card.title} data-testid="chart-card" data-chart={card.name}>
      <div className="chart-head">
        <h2>{card.title}</h2>
        <a className="button small-button" href={csvUrl(projectId, card.name, filters)} download={`${card.name}.csv`}>
          Download CSV
        </a>
      </div>
      <p className="muted small chart-about">{card.about}</p>
      {card.rows.length === 0 ? (
        <p className="chart-empty muted" data-testid="chart-empty">
          {card.empty}
        </p>
      ) : (
        <>
          <ChartCanvas config={card.config} label={`${card.title} chart`} name={card.name} />
          <Numbers rows={card.rows} />
        </>
      )}
    </section>
  );
}

function FilterBar(props: { filters: Filters; annotators: string[]; labels: string[]; onChange(f: Filters): void }) {
  const { filters, annotators, labels, onChange } = props;
  const set = (key: keyof Filters) => (e: { target: { value: string } }) => onChange({ ...filters, [key]: e.target.value });
  const any = Object.values(filters).some(Boolean);
  return (
    <form className="analytics-filters" aria-label="Filters" onSubmit={(e) => e.preventDefault()}>
      <label>
        From
        <input type="date" aria-label="From" value={filters.from} onChange={set("from")} />
      </label>
      <label>
        To
        <input type="date" aria-label="To" value={filters.to} onChange={set("to")} />
      </label>
      <label>
        Annotator
        <select aria-label="Annotator" value={filters.annotator} onChange={set("annotator")}>
          <option value="">Everyone</option>
          {annotators.map((a) => (
            <option key={a} value={a}>
              {a}
            </option>
          ))}
        </select>
      </label>
      <label title="Narrows the label distribution to one label">
        Label
        <select aria-label="Label" value={filters.label} onChange={set("label")}>
          <option value="">All labels</option>
          {labels.map((l) => (
            <option key={l} value={l}>
              {l}
            </option>
          ))}
        </select>
      </label>
      {any ? (
        <button type="button" className="link" onClick={() => onChange({ from: "", to: "", annotator: "", label: "" })}>
          Clear filters
        </button>
      ) : null}
    </form>
  );
}

function Totals({ data }: { data: Analytics }) {
  const sum = (pick: (r: Analytics["per_annotator"][number]) => number) => data.per_annotator.reduce((n, r) => n + pick(r), 0);
  const tiles = [
    ["Items completed", String(sum((r) => r.items_completed))],
    ["Audio annotated", hoursText(sum((r) => r.audio_hours))],
    ["Time spent", hoursText(sum((r) => r.active_hours))],
    ["Accepted", String(sum((r) => r.accepted))],
    ["Rejected", String(sum((r) => r.rejected))],
  ];
  return (
    <dl className="analytics-totals">
      {tiles.map(([name, value]) => (
        <div key={name} className="panel total">
          <dt className="muted small">{name}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function GoldAlerts({ rows, alertBelow }: { rows: Analytics["gold"]; alertBelow: number | null }) {
  const alerts = rows.filter((r) => r.alert);
  if (alerts.length === 0) return null;
  const threshold = alertBelow === null ? "" : ` (below ${Math.round(alertBelow * 100)}%)`;
  return (
    <ul className="gold-alerts" data-testid="gold-alerts" aria-label="Gold accuracy alerts">
      {alerts.map((r) => (
        <li key={r.username}>
          ⚠ <strong>{r.username}</strong> passed {r.passed} of {r.items} gold item{r.items === 1 ? "" : "s"}:{" "}
          {r.accuracy === null ? "—" : `${Math.round(r.accuracy * 100)}%`}
          {threshold}.
        </li>
      ))}
    </ul>
  );
}

export function AnalyticsPage() {
  const projectId = Number(useParams().projectId);
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => readFilters(params), [params]);
  const problem = filtersProblem(filters);
  const path = { project_id: projectId };

  const project = useLoad(() => unwrap(api.GET("/api/projects/{project_id}", { params: { path } })), [projectId]);
  const allowed = reviews(project.data?.role);
  const choices = useLoad(async () => {
    if (!allowed) return { annotators: [], labels: [], alertBelow: null };
    const [members, labels, gold] = await Promise.all([
      unwrap(api.GET("/api/projects/{project_id}/members", { params: { path } })),
      unwrap(api.GET("/api/projects/{project_id}/labels", { params: { path } })),
      unwrap(api.GET("/api/projects/{project_id}/gold-report", { params: { path } })).catch(() => null),
    ]);
    const categorical = labels.filter((l) => l.scope === "segment" && l.kind !== "text" && l.kind !== "number");
    return {
      annotators: members.map((m) => m.username).sort(),
      labels: categorical.map((l) => l.name),
      alertBelow: typeof gold?.alert_below === "number" ? gold.alert_below : null,
    };
  }, [projectId, allowed]);
  const { from, to, annotator, label } = filters;
  const loaded = useLoad(async () => {
    if (!allowed || problem) return null;
    const query = apiQuery({ from, to, annotator, label });
    const out = await unwrap(api.GET("/api/projects/{project_id}/analytics", { params: { path, query } }));
    return out as unknown as Analytics;
  }, [projectId, allowed, from, to, annotator, label, problem]);

  const data = loaded.data ?? null;
  const alertBelow = choices.data?.alertBelow ?? null;
  const cards = useMemo<Card[]>(() => {
    if (!data) return [];
    const some = filters.label ? ` for ${filters.label}` : "";
    return [
      {
        name: "per_day",
        title: "Hours annotated per day",
        about: "Audio hours of the items completed each day (UTC), stacked per annotator.",
        rows: data.per_day as unknown as Record<string, unknown>[],
        config: hoursPerDay(data, filters),
        empty: "No item was completed in this range.",
      },
      {
        name: "per_annotator",
        title: "Throughput and active time per annotator",
        about: "Audio hours completed and hours actually spent in the editor (idle time left out), with items completed.",
        rows: data.per_annotator as unknown as Record<string, unknown>[],
        config: perAnnotator(data),
        empty: "Nobody has work here yet.",
      },
      {
        name: "agreement",
        title: "Agreement over time",
        about: "Overlap items pooled by the week their last annotator completed them: boundary F1 (±200 ms), label α and WER.",
        rows: data.agreement as unknown as Record<string, unknown>[],
        config: agreementOverTime(data),
        empty: "No item has two annotators with completed work in this range.",
      },
      {
        name: "labels",
        title: "Label distribution",
        about: `Segments per label value${some}.`,
        rows: data.labels as unknown as Record<string, unknown>[],
        config: labelDistribution(data),
        empty: "No labelled segments in this range.",
      },
      {
        name: "review_outcomes",
        title: "Review outcomes",
        about: "Work accepted and rejected by reviewers each day.",
        rows: data.review_outcomes as unknown as Record<string, unknown>[],
        config: reviewOutcomes(data, filters),
        empty: "No verdicts in this range.",
      },
      {
        name: "gold",
        title: "Gold accuracy",
        about: "Share of completed gold items each annotator passed (segments matched at IoU ≥ 0.4, WER and CER under 30%, labels right).",
        rows: data.gold as unknown as Record<string, unknown>[],
        config: goldAccuracy(data, alertBelow),
        empty: "No gold item has been completed yet.",
      },
    ];
  }, [data, filters, alertBelow]);

  return (
    <div className="analytics">
      <PageTitle
        actions={
          <Link className="button" to={`/projects/${projectId}`}>
            ← Data list
          </Link>
        }
      >
        <span className="muted">Analytics</span> {project.data?.name ?? ""}
      </PageTitle>
      <ErrorMessage>{project.error}</ErrorMessage>
      {project.data && !allowed ? <ErrorMessage>Only the project’s reviewers and managers see its analytics.</ErrorMessage> : null}
      {allowed ? (
        <>
          <FilterBar
            filters={filters}
            annotators={choices.data?.annotators ?? []}
            labels={choices.data?.labels ?? []}
            onChange={(f) => {
              const next = new URLSearchParams();
              for (const [k, v] of Object.entries(f)) if (v) next.set(k, v);
              setParams(next, { replace: true });
            }}
          />
          <ErrorMessage>{problem ?? loaded.error}</ErrorMessage>
          {loaded.loading && !data ? <Loading what="Counting" /> : null}
          {data ? (
            <>
              <Totals data={data} />
              <GoldAlerts rows={data.gold} alertBelow={alertBelow} />
              <div className="chart-grid" aria-busy={loaded.loading}>
                {cards.map((card) => (
                  <ChartCard key={card.name} card={card} projectId={projectId} filters={filters} />
                ))}
              </div>
              <ModelEvaluation projectId={projectId} />
            </>
          ) : null}
        </>
      ) : null}
    </div>
  );
}
