// The feature explorer of one item: pick a feature (each explained), see it on the item's
// time axis under its waveform, compare other items side by side with one shared cursor,
// play any of them, download the values.
import { useEffect, useState } from "react";
import { Link, useParams, useSearchParams } from "react-router-dom";
import { api, errorMessage, unwrap, type Schemas } from "../api/client";
import { describeDatapoint } from "../annotate/engine/timeFrame";
import { ErrorMessage, Loading, Notice, PageTitle } from "../components/ui";
import { useLoad } from "../components/useLoad";
import { percent } from "../jobs/api";
import { useJob } from "../jobs/useJob";
import { useSharedPlayer } from "../grid/useSharedPlayer";
import { FeaturePanel } from "./FeaturePanel";
import "./explore.css";

type Datapoint = Schemas["DatapointPublic"];

export function FeatureExplorerPage() {
  const datapointId = Number(useParams().datapointId);
  const [params, setParams] = useSearchParams();
  const compared = (params.get("with") ?? "")
    .split(",")
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0 && n !== datapointId);
  const item = useLoad(
    () => unwrap(api.GET("/api/datapoints/{datapoint_id}", { params: { path: { datapoint_id: datapointId } } })),
    [datapointId],
  );
  const catalogue = useLoad(
    () =>
      unwrap(api.GET("/api/datapoints/{datapoint_id}/features", { params: { path: { datapoint_id: datapointId } } })),
    [datapointId],
  );
  const others = useLoad(
    () =>
      Promise.all(
        compared.map((id) =>
          unwrap(api.GET("/api/datapoints/{datapoint_id}", { params: { path: { datapoint_id: id } } })),
        ),
      ),
    [compared.join(",")],
  );
  const project = useLoad(
    async () =>
      item.data
        ? unwrap(api.GET("/api/projects/{project_id}", { params: { path: { project_id: item.data.project_id } } }))
        : null,
    [item.data?.project_id],
  );
  const [cursor, setCursor] = useState<number | null>(null);
  const player = useSharedPlayer();
  const [jobId, setJobId] = useState<number | null>(null);
  const job = useJob(jobId ?? catalogue.data?.job_id ?? null);
  const [error, setError] = useState<string | null>(null);

  const features = catalogue.data?.features ?? [];
  const chosen = features.find((f) => f.name === params.get("f")) ?? features[0];
  const manages = project.data?.role === "manager" || project.data?.role === "admin";

  // When the job computing this item ends, read the catalogue again.
  const jobStatus = job.job?.status;
  useEffect(() => {
    if (jobStatus === "done") catalogue.reload();
  }, [jobStatus]); // eslint-disable-line react-hooks/exhaustive-deps

  function set(changes: Record<string, string | null>) {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    setParams(next, { replace: true });
  }

  async function compute() {
    if (!item.data) return;
    try {
      const started = await unwrap(
        api.POST("/api/projects/{project_id}/features", {
          params: { path: { project_id: item.data.project_id } },
          body: { datapoint_ids: [datapointId, ...compared] },
        }),
      );
      setJobId(started.id);
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  const all: Datapoint[] = item.data ? [item.data, ...(others.data ?? [])] : [];
  const running = job.job && (job.job.status === "queued" || job.job.status === "running");

  return (
    <>
      <PageTitle
        actions={
          item.data ? (
            <>
              <Link className="button" to={`/projects/${item.data.project_id}?view=grid`}>
                Back to the grid
              </Link>
              <Link className="button" to={`/datapoints/${datapointId}`}>
                Open in the editor
              </Link>
            </>
          ) : null
        }
      >
        Features of {item.data ? describeDatapoint(item.data) : "…"}
      </PageTitle>
      <ErrorMessage>{item.error ?? catalogue.error ?? others.error ?? error ?? job.error}</ErrorMessage>
      {catalogue.loading && !catalogue.data ? <Loading what="Loading features" /> : null}
      {catalogue.data && !catalogue.data.computed ? (
        <Notice>
          {catalogue.data.unavailable ? (
            catalogue.data.unavailable
          ) : running ? (
            <>Computing the audio features… {percent(job.job?.progress ?? 0)}</>
          ) : manages ? (
            <>
              This item's audio features have not been computed yet.{" "}
              <button type="button" className="primary" onClick={compute}>
                Compute features
              </button>
            </>
          ) : (
            "This item's audio features have not been computed yet; a project manager can compute them."
          )}
        </Notice>
      ) : null}
      {catalogue.data?.computed && chosen ? (
        <div className="explorer">
          <nav className="feature-list" aria-label="Features">
            {features.map((f) => (
              <button
                key={f.name}
                type="button"
                aria-pressed={f.name === chosen.name}
                className={f.name === chosen.name ? "feature-choice active" : "feature-choice"}
                onClick={() => set({ f: f.name })}
              >
                {f.title}
              </button>
            ))}
          </nav>
          <div className="feature-main">
            <div className="feature-about" data-testid="feature-about">
              <h2>{chosen.title}</h2>
              <p>{chosen.explanation}</p>
              <p className="muted small">
                Rows: {chosen.axis}. Values: {chosen.unit}.{" "}
                <a href={chosen.link} target="_blank" rel="noreferrer noopener">
                  Read more
                </a>
              </p>
            </div>
            {all.map((d, i) => (
              <FeaturePanel
                key={d.id}
                item={d}
                feature={chosen}
                cursor={cursor}
                playing={player.playing === d.id}
                onCursor={setCursor}
                onPlay={() => player.toggle(d.id, d.audio_url)}
                onRemove={
                  i === 0 ? undefined : () => set({ with: compared.filter((c) => c !== d.id).join(",") || null })
                }
              />
            ))}
            {item.data ? (
              <CompareWith
                projectId={item.data.project_id}
                exclude={[datapointId, ...compared]}
                onPick={(id) => set({ with: [...compared, id].join(",") })}
              />
            ) : null}
          </div>
        </div>
      ) : null}
    </>
  );
}

/** Find another item of the project by name and add it to the comparison. */
function CompareWith(props: { projectId: number; exclude: number[]; onPick(id: number): void }) {
  const { projectId, exclude, onPick } = props;
  const [query, setQuery] = useState("");
  const [sent, setSent] = useState<string | null>(null);
  const found = useLoad(
    async () =>
      sent === null
        ? null
        : unwrap(
            api.GET("/api/projects/{project_id}/datapoints", {
              params: { path: { project_id: projectId }, query: { filename: sent || undefined, limit: 10 } },
            }),
          ),
    [projectId, sent],
  );
  const items = (found.data?.items ?? []).filter((d) => !exclude.includes(d.id));
  return (
    <div className="compare-with">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setSent(query.trim());
        }}
      >
        <label className="inline">
          Compare with
          <input
            type="search"
            aria-label="Find an item to compare"
            placeholder="file name"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
          />
        </label>
        <button type="submit">Find</button>
      </form>
      {sent !== null ? (
        <ul className="compare-results" aria-label="Items to compare">
          {items.map((d) => (
            <li key={d.id}>
              <button type="button" className="link" onClick={() => onPick(d.id)}>
                {describeDatapoint(d)}
              </button>
            </li>
          ))}
          {found.data && items.length === 0 ? <li className="muted">No other item matches.</li> : null}
        </ul>
      ) : null}
      <ErrorMessage>{found.error}</ErrorMessage>
    </div>
  );
}
