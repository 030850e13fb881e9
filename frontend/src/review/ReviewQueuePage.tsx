// A project's review queue: everyone's submitted or marked work, oldest first, filtered by
// outcome and annotator, a page at a time; a row opens the work in the review editor.
import { useEffect, useState } from "react";
import { Link, useLocation, useNavigate, useParams, useSearchParams } from "react-router-dom";
import { api, errorMessage, unwrap, type Schemas } from "../api/client";
import { REVIEW_SHOWS, type ReviewShow } from "../components/status";
import { CommentCount, ReviewBadge, StatusBadge } from "../components/StatusBadge";
import { fullTime, timeAgo } from "../components/timeAgo";
import { ErrorMessage, Loading, Notice, PageTitle, formatDuration } from "../components/ui";
import { useLoad } from "../components/useLoad";
import { reviewUrl } from "./reviewTarget";
import "./review.css";

type Item = Schemas["QueueItemOut"];

const PAGE = 50;
const EMPTY: Record<ReviewShow, string> = {
  waiting: "Nothing is waiting for review.",
  accepted: "No accepted work yet.",
  rejected: "No rejected work.",
  all: "No submitted work yet.",
};

function showOf(raw: string | null): ReviewShow {
  return REVIEW_SHOWS.some((s) => s.key === raw) ? (raw as ReviewShow) : "waiting";
}

export function ReviewQueuePage() {
  const projectId = Number(useParams().projectId);
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const show = showOf(params.get("show"));
  const annotator = params.get("annotator") ?? "";
  const arrival = (useLocation().state as { message?: string } | null)?.message ?? null;
  const [items, setItems] = useState<Item[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [waiting, setWaiting] = useState<number | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);

  const project = useLoad(
    () => unwrap(api.GET("/api/projects/{project_id}", { params: { path: { project_id: projectId } } })),
    [projectId],
  );
  const members = useLoad(
    () => unwrap(api.GET("/api/projects/{project_id}/members", { params: { path: { project_id: projectId } } })),
    [projectId],
  );

  async function fetchPage(cursor: string | null) {
    return unwrap(
      api.GET("/api/projects/{project_id}/review-queue", {
        params: {
          path: { project_id: projectId },
          query: { show, annotator: annotator || undefined, cursor: cursor ?? undefined, limit: PAGE },
        },
      }),
    );
  }

  useEffect(() => {
    let live = true;
    setLoading(true);
    setItems([]);
    fetchPage(null).then(
      (page) => {
        if (!live) return;
        setItems(page.items);
        setNext(page.next_cursor);
        setWaiting(page.waiting);
        setError(null);
        setLoading(false);
      },
      (err: unknown) => {
        if (!live) return;
        setError(errorMessage(err));
        setLoading(false);
      },
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- fetchPage reads exactly these
  }, [projectId, show, annotator]);

  async function more() {
    if (!next) return;
    setLoading(true);
    try {
      const page = await fetchPage(next);
      setItems((list) => [...list, ...page.items]);
      setNext(page.next_cursor);
      setWaiting(page.waiting);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setLoading(false);
    }
  }

  function update(key: string, value: string) {
    const nextParams = new URLSearchParams(params);
    if (value) nextParams.set(key, value);
    else nextParams.delete(key);
    setParams(nextParams);
  }

  const open = (i: Item) => navigate(reviewUrl(i.datapoint_id, i.user_id));
  const firstWaiting = show === "waiting" ? items[0] : undefined;
  const people = (members.data ?? []).filter((m) => m.role === "annotator" || m.role === "manager" || m.role === "reviewer");

  return (
    <div className="review-queue">
      <PageTitle
        actions={
          <>
            {firstWaiting ? (
              <button type="button" className="primary" onClick={() => open(firstWaiting)}>
                Review the oldest
              </button>
            ) : null}
            <Link className="button" to={`/projects/${projectId}`}>
              Data list
            </Link>
          </>
        }
      >
        Review queue <span className="muted">· {project.data?.name ?? "Project"}</span>
      </PageTitle>
      {arrival ? <Notice>{arrival}</Notice> : null}
      <ErrorMessage>{error ?? project.error}</ErrorMessage>
      <div className="tabs" role="tablist" aria-label="Show">
        {REVIEW_SHOWS.map((s) => (
          <button
            key={s.key}
            type="button"
            role="tab"
            aria-selected={show === s.key}
            className={show === s.key ? "tab active" : "tab"}
            onClick={() => update("show", s.key === "waiting" ? "" : s.key)}
          >
            {s.label}
            {s.key === "waiting" ? <span className="badge"> {waiting ?? "…"}</span> : null}
          </button>
        ))}
      </div>
      <div className="toolbar">
        <label className="inline">
          Annotator
          <select value={annotator} onChange={(e) => update("annotator", e.target.value)}>
            <option value="">Everyone</option>
            {people.map((m) => (
              <option key={m.user_id} value={m.username}>
                {m.username}
              </option>
            ))}
          </select>
        </label>
        <span className="muted small">Oldest first. Your own work is reviewed by someone else.</span>
      </div>
      <table className="queue-list">
        <thead>
          <tr>
            <th>File</th>
            <th>Annotator</th>
            <th>Status</th>
            <th>Submitted</th>
            {show !== "waiting" ? <th>Reviewed</th> : null}
            <th>Comments</th>
            <th>
              <span className="visually-hidden">Open</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {items.map((i) => (
            <tr
              key={`${i.datapoint_id}:${i.user_id}`}
              className="clickable"
              data-testid="queue-row"
              onClick={() => open(i)}
            >
              <td>
                <Link to={reviewUrl(i.datapoint_id, i.user_id)} onClick={(e) => e.stopPropagation()}>
                  {i.name}
                </Link>{" "}
                {i.duration != null ? <span className="muted small">{formatDuration(i.duration)}</span> : null}
              </td>
              <td>{i.username ?? `user ${i.user_id}`}</td>
              <td>
                <StatusBadge status={i.state} />
                {i.marked_for_review ? <ReviewBadge /> : null}
              </td>
              <td className="when" title={fullTime(i.submitted_at)}>
                {i.submitted_at ? timeAgo(i.submitted_at) : "–"}
              </td>
              {show !== "waiting" ? (
                <td className="when" title={fullTime(i.reviewed_at)}>
                  {i.reviewed_at ? timeAgo(i.reviewed_at) : "–"}
                </td>
              ) : null}
              <td>
                {i.unresolved_comments ? <CommentCount count={i.unresolved_comments} /> : <span className="muted">–</span>}
              </td>
              <td className="act">
                <button
                  type="button"
                  aria-label={`Review ${i.username ?? "their"}’s work on ${i.name}`}
                  onClick={(e) => {
                    e.stopPropagation();
                    open(i);
                  }}
                >
                  Review
                </button>
              </td>
            </tr>
          ))}
          {!loading && items.length === 0 && !error ? (
            <tr>
              <td colSpan={7} className="empty">
                {EMPTY[show]}
              </td>
            </tr>
          ) : null}
        </tbody>
      </table>
      {loading ? <Loading what="Loading the queue" /> : null}
      {next ? (
        <div className="more">
          <button type="button" onClick={() => void more()} disabled={loading}>
            More
          </button>
        </div>
      ) : null}
    </div>
  );
}
