// A project's datapoints as a list or a grid of cards: status tabs with counts, filters
// (file name, state, item label, metadata, duration, transcript text), sort, keyset pages.
import { useEffect, useState } from "react";
import { Link, useLocation, useNavigate, useParams, useSearchParams } from "react-router-dom";
import { api, errorMessage, unwrap, type Schemas } from "../api/client";
import { describeDatapoint } from "../annotate/engine/timeFrame";
import { ErrorMessage, Loading, Notice, PageTitle, formatDuration } from "../components/ui";
import { itemState, MARKED_FOR_REVIEW, statusText, type WorkState } from "../components/status";
import { CommentCount, ReviewBadge, StatusBadge } from "../components/StatusBadge";
import { reviews } from "../review/reviewTarget";
import { useLoad } from "../components/useLoad";
import { ingestOf, percent, type Job } from "../jobs/api";
import { useIngestProgress } from "../jobs/useIngestProgress";
import "../jobs/jobs.css";
import { MergeWindows, recordingsOf } from "./MergeWindows";
import { useAuth } from "../auth/AuthContext";
import { filterQuery, filtersFrom, type FilterKey } from "../grid/cards";
import { GridFilters } from "../grid/GridFilters";
import { GridView } from "../grid/GridView";
import { SelectionActions } from "../grid/SelectionActions";
import { nextInQueue } from "./queue";
import { readQuick } from "../quick/quickSettings";

type Datapoint = Schemas["DatapointPublic"];
type Counts = Schemas["StatusCounts"];

const TABS = [
  { key: "todo", label: statusText("todo"), count: (c: Counts) => c.todo },
  { key: "in_progress", label: statusText("in_progress"), count: (c: Counts) => c.in_progress },
  { key: "done", label: statusText("done"), count: (c: Counts) => c.done },
  { key: "review", label: MARKED_FOR_REVIEW, count: (c: Counts) => c.marked_for_review },
  { key: "all", label: "All", count: (c: Counts) => c.total },
] as const;

const SORTS = [
  { key: "id", label: "Oldest first" },
  { key: "-id", label: "Newest first" },
  { key: "name", label: "Name A–Z" },
  { key: "-name", label: "Name Z–A" },
];

const PAGE = 50;

/** Work states the list filters by: of one's own work, or (reviewers) anyone's on the item. */
const STATES: WorkState[] = ["todo", "in_progress", "submitted", "accepted", "rejected"];

export function DataListPage() {
  const projectId = Number(useParams().projectId);
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const tab = params.get("tab") ?? "todo";
  const sort = params.get("sort") ?? "id";
  const filename = params.get("q") ?? "";
  const state = params.get("state") ?? "";
  const cursor = params.get("cursor");
  const view = params.get("view") === "grid" ? "grid" : "list";
  const filters = filtersFrom(params);
  const filterKey = JSON.stringify(filters);
  const { me } = useAuth();
  // Cursors of the pages before this one, so "Previous" works with keyset paging.
  const [history, setHistory] = useState<string[]>([]);
  const [search, setSearch] = useState(filename);
  const [selected, setSelected] = useState<Set<number>>(new Set());
  // The annotation page says why it sent the user here (e.g. "nothing left in your queue").
  const arrival = (useLocation().state as { message?: string } | null)?.message ?? null;
  const [message, setMessage] = useState<string | null>(arrival);
  const [error, setError] = useState<string | null>(null);

  const project = useLoad(
    () => unwrap(api.GET("/api/projects/{project_id}", { params: { path: { project_id: projectId } } })),
    [projectId],
  );
  const page = useLoad(
    () =>
      unwrap(
        api.GET("/api/projects/{project_id}/datapoints", {
          params: {
            path: { project_id: projectId },
            query: {
              status: tab === "all" || tab === "review" ? undefined : tab,
              review: tab === "review" ? true : undefined,
              filename: filename || undefined,
              state: state || undefined,
              sort,
              limit: PAGE,
              cursor: cursor ?? undefined,
              ...filterQuery(filters),
            },
          },
        }),
      ),
    [projectId, tab, sort, filename, state, cursor, filterKey],
  );
  const labels = useLoad(
    () => unwrap(api.GET("/api/projects/{project_id}/labels", { params: { path: { project_id: projectId } } })),
    [projectId],
  );

  useEffect(() => setSearch(filename), [filename]);

  function update(changes: Record<string, string | null>, keepHistory = false) {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value === null || value === "") next.delete(key);
      else next.set(key, value);
    }
    if (!keepHistory) {
      next.delete("cursor");
      setHistory([]);
    }
    setSelected(new Set());
    setParams(next);
  }

  const manages = project.data?.role === "manager" || project.data?.role === "admin";
  const seesEveryone = manages || reviews(project.data?.role);
  const members = useLoad(
    async () =>
      seesEveryone
        ? unwrap(api.GET("/api/projects/{project_id}/members", { params: { path: { project_id: projectId } } }))
        : [],
    [projectId, seesEveryone],
  );
  const select = (id: number, on: boolean) => {
    const next = new Set(selected);
    if (on) next.add(id);
    else next.delete(id);
    setSelected(next);
  };
  const reviewer = reviews(project.data?.role);
  const waiting = useLoad(
    async () =>
      reviewer
        ? (
            await unwrap(
              api.GET("/api/projects/{project_id}/review-queue", {
                params: { path: { project_id: projectId }, query: { limit: 1 } },
              }),
            )
          ).waiting
        : null,
    [projectId, reviewer],
  );
  const counts = page.data?.counts;
  const items = page.data?.items ?? [];
  const processing = items.filter((d) => ingestOf(d).status === "processing").map((d) => d.id);
  const ingestJobs = useIngestProgress(projectId, processing, page.reload);

  const quick = readQuick(project.data?.settings);

  async function start() {
    if (quick) {
      navigate(`/projects/${projectId}/quick`);
      return;
    }
    try {
      const id = await nextInQueue(projectId);
      if (id === null) setMessage("Nothing left in your queue.");
      else navigate(`/datapoints/${id}`);
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  async function startEditor() {
    try {
      const id = await nextInQueue(projectId);
      if (id === null) setMessage("Nothing left in your queue.");
      else navigate(`/datapoints/${id}`);
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  return (
    <>
      <PageTitle
        actions={
          <>
            <button
              type="button"
              className="primary"
              onClick={start}
              title={quick ? "Quick mode: one clip at a time, one key per decision" : undefined}
            >
              {quick ? "Start annotating (quick mode)" : "Start annotating"}
            </button>
            {quick ? (
              <button type="button" onClick={() => void startEditor()}>
                Full editor
              </button>
            ) : null}
            {reviewer ? (
              <>
                <Link className="button" to={`/projects/${projectId}/review`}>
                  Review queue <span className="badge">{waiting.data ?? "…"}</span>
                </Link>
                <Link className="button" to={`/projects/${projectId}/analytics`}>
                  Analytics
                </Link>
              </>
            ) : null}
            <Link className="button" to={`/projects/${projectId}/map`}>
              Dataset map
            </Link>
            {manages ? (
              <Link className="button" to={`/projects/${projectId}/manage`}>
                Manage project
              </Link>
            ) : null}
          </>
        }
      >
        {project.data?.name ?? "Project"}
      </PageTitle>
      <ErrorMessage>{project.error ?? page.error ?? labels.error ?? error}</ErrorMessage>
      {message ? <Notice>{message}</Notice> : null}
      <div className="tabs" role="tablist">
        {TABS.map((t) => (
          <button
            key={t.key}
            type="button"
            role="tab"
            aria-selected={tab === t.key}
            className={tab === t.key ? "tab active" : "tab"}
            onClick={() => update({ tab: t.key })}
          >
            {t.label} <span className="badge">{counts ? t.count(counts) : "…"}</span>
          </button>
        ))}
      </div>
      <div className="toolbar">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            update({ q: search.trim() });
          }}
        >
          <input
            type="search"
            placeholder="Search file names"
            aria-label="Search file names"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
          />
        </form>
        <label className="inline">
          State
          <select value={state} onChange={(e) => update({ state: e.target.value })}>
            <option value="">Any</option>
            {STATES.map((s) => (
              <option key={s} value={s}>
                {statusText(s)}
              </option>
            ))}
          </select>
        </label>
        <div className="view-switch" role="group" aria-label="View">
          <button type="button" aria-pressed={view === "list"} onClick={() => update({ view: null }, true)}>
            List
          </button>
          <button type="button" aria-pressed={view === "grid"} onClick={() => update({ view: "grid" }, true)}>
            Grid
          </button>
        </div>
        <label className="inline">
          Sort
          <select value={sort} onChange={(e) => update({ sort: e.target.value })}>
            {SORTS.map((s) => (
              <option key={s.key} value={s.key}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
        {manages && view === "grid" ? (
          <label className="inline">
            <input
              type="checkbox"
              aria-label="Select all on this page"
              checked={items.length > 0 && items.every((d) => selected.has(d.id))}
              onChange={(e) => setSelected(e.target.checked ? new Set(items.map((d) => d.id)) : new Set())}
            />
            All on this page
          </label>
        ) : null}
        {manages && selected.size > 0 ? (
          <>
            <SelectionActions
              projectId={projectId}
              ids={[...selected]}
              labels={labels.data ?? []}
              members={members.data ?? []}
              me={me?.id ?? null}
              onDone={(text) => {
                setMessage(text);
                setSelected(new Set());
                page.reload();
              }}
            />
            <AssignSelected
              projectId={projectId}
              ids={[...selected]}
              onDone={(text) => {
                setMessage(text);
                setSelected(new Set());
                page.reload();
              }}
            />
            <MergeWindows
              recordings={recordingsOf(items.filter((d) => selected.has(d.id)))}
              onDone={(text) => {
                setMessage(text);
                setSelected(new Set());
                page.reload();
              }}
            />
          </>
        ) : null}
      </div>
      <GridFilters
        labels={labels.data ?? []}
        members={members.data ?? []}
        filters={filters}
        onChange={(changes: Partial<Record<FilterKey, string | null>>) => update(changes)}
      />
      {page.loading && !page.data ? <Loading what="Loading datapoints" /> : null}
      {view === "grid" ? (
        <GridView
          items={items}
          labels={labels.data ?? []}
          manages={manages}
          selected={selected}
          onSelect={select}
          onChanged={page.reload}
        />
      ) : (
      <table className="data-list">
        <thead>
          <tr>
            {manages ? (
              <th className="check">
                <input
                  type="checkbox"
                  aria-label="Select all on this page"
                  checked={items.length > 0 && items.every((d) => selected.has(d.id))}
                  onChange={(e) =>
                    setSelected(e.target.checked ? new Set(items.map((d) => d.id)) : new Set())
                  }
                />
              </th>
            ) : null}
            <th>File</th>
            <th>Duration</th>
            <th>Status</th>
            <th>Assigned to</th>
            <th>Comments</th>
          </tr>
        </thead>
        <tbody>
          {items.map((d) => (
            <Row
              key={d.id}
              datapoint={d}
              job={ingestJobs.get(d.id)}
              manages={manages}
              selected={selected.has(d.id)}
              onSelect={(on) => select(d.id, on)}
            />
          ))}
          {page.data && items.length === 0 ? (
            <tr>
              <td colSpan={6} className="empty">
                Nothing here.
              </td>
            </tr>
          ) : null}
        </tbody>
      </table>
      )}
      <div className="pager">
        <button
          type="button"
          disabled={!cursor}
          onClick={() => {
            const previous = history.slice(0, -1);
            const back = history[history.length - 1] ?? null;
            setHistory(previous);
            update({ cursor: back }, true);
          }}
        >
          ← Previous
        </button>
        <button
          type="button"
          disabled={!page.data?.next_cursor}
          onClick={() => {
            setHistory([...history, cursor ?? ""]);
            update({ cursor: page.data?.next_cursor ?? null }, true);
          }}
        >
          Next →
        </button>
      </div>
    </>
  );
}

/** "processing NN%" or "failed" (with the reason on hover) while a recording is not ready. */
function IngestBadge({ datapoint, job }: { datapoint: Datapoint; job?: Job }) {
  const ingest = ingestOf(datapoint);
  if (ingest.status === "ready") return null;
  if (ingest.status === "failed") {
    return (
      <span className="status failed" title={ingest.error ?? undefined} data-testid="ingest-badge">
        failed
      </span>
    );
  }
  const running = job?.status === "running";
  return (
    <span className="status processing" title={job?.message || undefined} data-testid="ingest-badge">
      processing{running ? ` ${percent(job.progress)}` : ""}
    </span>
  );
}

function Row(props: {
  datapoint: Datapoint;
  job?: Job;
  manages: boolean;
  selected: boolean;
  onSelect(on: boolean): void;
}) {
  const { datapoint: d, job, manages, selected, onSelect } = props;
  const navigate = useNavigate();
  // A window of a long recording: "interview.wav · 1:00:00–1:01:00 (window 61 of 180)".
  const name = describeDatapoint(d);
  return (
    <tr className="clickable" onClick={() => navigate(`/datapoints/${d.id}`)}>
      {manages ? (
        <td className="check" onClick={(e) => e.stopPropagation()}>
          <input
            type="checkbox"
            aria-label={`Select ${name}`}
            checked={selected}
            onChange={(e) => onSelect(e.target.checked)}
          />
        </td>
      ) : null}
      <td>
        <Link to={`/datapoints/${d.id}`} onClick={(e) => e.stopPropagation()}>
          {name}
        </Link>
      </td>
      <td>{formatDuration(d.duration)}</td>
      <td>
        {/* One's own work as its state says; a reviewer sees the item's state over everyone's. */}
        <StatusBadge status={d.my_assignment?.state ?? itemState(d.assignments.map((a) => a.state), d.status)} />
        {d.marked_for_review ? <ReviewBadge /> : null}
        {/* Annotators are never told (gold is null for them). */}
        {d.gold ? (
          <span className="status gold" data-testid="gold-badge" title="A gold item: annotators are scored on it">
            gold
          </span>
        ) : null}
        <IngestBadge datapoint={d} job={job} />
      </td>
      <td className="assignees">
        {d.assignments.length
          ? d.assignments.map((a, i) => (
              <span key={a.user_id} className="assignee">
                {i > 0 ? ", " : null}
                {a.username} <span className="muted small">({statusText(a.state).toLowerCase()})</span>
              </span>
            ))
          : "–"}
      </td>
      <td>
        <CommentCount count={d.unresolved_comments ?? 0} />
      </td>
    </tr>
  );
}

function AssignSelected(props: { projectId: number; ids: number[]; onDone(text: string): void }) {
  const { projectId, ids, onDone } = props;
  const members = useLoad(
    () =>
      unwrap(
        api.GET("/api/projects/{project_id}/members", { params: { path: { project_id: projectId } } }),
      ),
    [projectId],
  );
  const [user, setUser] = useState("");
  const [error, setError] = useState<string | null>(null);

  async function assign() {
    if (!user) return;
    try {
      const out = await unwrap(
        api.POST("/api/projects/{project_id}/assignments", {
          params: { path: { project_id: projectId } },
          body: { users: [Number(user)], datapoint_ids: ids },
        }),
      );
      const n = out.assignments;
      onDone(n === 0 ? "Nothing new: that user already has these datapoints." : `Assigned ${n} datapoint${n === 1 ? "" : "s"}.`);
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  return (
    <div className="assign-selected">
      <span>{ids.length} selected</span>
      <select aria-label="Assign to" value={user} onChange={(e) => setUser(e.target.value)}>
        <option value="">Assign to…</option>
        {members.data?.map((m) => (
          <option key={m.user_id} value={m.user_id}>
            {m.username} ({m.role})
          </option>
        ))}
      </select>
      <button type="button" disabled={!user} onClick={assign}>
        Assign
      </button>
      <ErrorMessage>{error}</ErrorMessage>
    </div>
  );
}
