// The dataset map: every item with audio features as a point, placed by how its audio sounds
// (PCA or UMAP of MFCC and Mel statistics), coloured by a label or metadata field. A lasso
// picks points for the grid or a bulk label; a click plays one; outliers are listed.
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { Link, useParams, useSearchParams } from "react-router-dom";
import { api, errorMessage, unwrap, type Schemas } from "../api/client";
import { useAuth } from "../auth/AuthContext";
import { ErrorMessage, Loading, Notice, PageTitle } from "../components/ui";
import { fullTime, timeAgo } from "../components/timeAgo";
import { useLoad } from "../components/useLoad";
import { useSharedPlayer } from "../grid/useSharedPlayer";
import { percent, type Job } from "../jobs/api";
import { ProgressBar } from "../jobs/ProcessingPanel";
import { useJob } from "../jobs/useJob";
import { reviews } from "../review/reviewTarget";
import { colourScheme, pointsOf, valueOf, type ColourOption, type MapPoint } from "./colours";
import { MapChart } from "./MapChart";
import { Legend, Outliers, Picked } from "./MapPanels";
import { useMap, type MapOut } from "./useMap";
import "./map.css";

const NONE = "none";
const audioUrl = (id: number) => `/api/datapoints/${id}/audio`;

/** The option shown first: the first label anyone has used, else the first option. */
export function defaultOption(options: ColourOption[]): ColourOption | null {
  return options.find((o) => o.kind === "label" && o.values.some((v) => v.count > 0)) ?? options[0] ?? null;
}

export function DatasetMapPage() {
  const projectId = Number(useParams().projectId);
  const [params, setParams] = useSearchParams();
  const { me } = useAuth();
  const project = useLoad(
    () => unwrap(api.GET("/api/projects/{project_id}", { params: { path: { project_id: projectId } } })),
    [projectId],
  );
  const role = project.data?.role;
  const manages = role === "manager" || role === "admin";
  const seesEveryone = manages || reviews(role);
  const labels = useLoad(
    () => unwrap(api.GET("/api/projects/{project_id}/labels", { params: { path: { project_id: projectId } } })),
    [projectId],
  );
  const members = useLoad(
    async () =>
      seesEveryone
        ? unwrap(api.GET("/api/projects/{project_id}/members", { params: { path: { project_id: projectId } } }))
        : [],
    [projectId, seesEveryone],
  );
  const { state, reload } = useMap(projectId);
  const [jobId, setJobId] = useState<number | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  // The job to follow: one this page started, else one the server says is under way.
  const serverJob = state.status === "ready" ? state.map.job_id : state.status === "missing" ? state.jobId : null;
  const watched = jobId ?? serverJob ?? null;
  const { job, error: jobError, retry } = useJob(watched);
  const running = job !== null && job.id === watched && (job.status === "queued" || job.status === "running");

  useEffect(() => {
    if (job?.status === "done") reload();
  }, [job?.id, job?.status, reload]);

  const start = useCallback(
    async (features: boolean) => {
      setError(null);
      try {
        const out = await unwrap(
          api.POST("/api/projects/{project_id}/map", {
            params: { path: { project_id: projectId } },
            body: { method: "auto", features },
          }),
        );
        setJobId(out.id);
      } catch (err) {
        setError(errorMessage(err));
      }
    },
    [projectId],
  );

  // Items got features since the map was made: a manager's visit lays it out again.
  const updated = useRef(false);
  useEffect(() => {
    if (state.status !== "ready" || !manages || updated.current) return;
    if (state.map.stale && state.map.job_id === null && !running) {
      updated.current = true;
      void start(false);
    }
  }, [state, manages, running, start]);

  return (
    <div className="dataset-map">
      <PageTitle
        actions={
          <Link className="button" to={`/projects/${projectId}`}>
            ← Data list
          </Link>
        }
      >
        <span className="muted">Dataset map</span> {project.data?.name ?? ""}
      </PageTitle>
      <ErrorMessage>{project.error ?? error ?? jobError}</ErrorMessage>
      {message ? <Notice>{message}</Notice> : null}
      {watched !== null && job && job.id === watched ? (
        <JobProgress job={job} manages={manages} onRetry={retry} />
      ) : null}
      {state.status === "loading" ? <Loading what="Loading the map" /> : null}
      {state.status === "error" ? <ErrorMessage>{state.detail}</ErrorMessage> : null}
      {state.status === "missing" ? (
        <NoMap detail={state.detail} code={state.code} manages={manages} busy={running} onCompute={() => start(true)} />
      ) : null}
      {state.status === "ready" ? (
        <MapView
          key={state.map.computed_at}
          projectId={projectId}
          map={state.map}
          manages={manages}
          busy={running}
          labels={labels.data ?? []}
          members={members.data ?? []}
          me={me?.id ?? null}
          colour={params.get("colour")}
          onColour={(key) => {
            const next = new URLSearchParams(params);
            next.set("colour", key);
            setParams(next, { replace: true });
          }}
          onCompute={() => start(true)}
          onLabelled={(text) => {
            setMessage(text);
            reload();
          }}
        />
      ) : null}
    </div>
  );
}

function JobProgress(props: {
  job: Job;
  manages: boolean;
  onRetry(): void;
}) {
  const { job, manages, onRetry } = props;
  if (job.status === "done") return null;
  if (job.status === "failed") {
    return (
      <div className="message error" role="alert">
        Making the map failed: {job.error}{" "}
        {manages ? (
          <button type="button" onClick={onRetry}>
            Try again
          </button>
        ) : null}
      </div>
    );
  }
  return (
    <div className="map-job" role="status">
      <p>
        <strong>Making the map… {percent(job.progress)}</strong> <span className="muted">{job.message}</span>
      </p>
      <ProgressBar value={job.progress} label="Making the map" />
    </div>
  );
}

function NoMap(props: { detail: string; code: string; manages: boolean; busy: boolean; onCompute(): void }) {
  const { detail, code, manages, busy, onCompute } = props;
  const computing = code === "map_computing" || code === "features_computing";
  return (
    <div className="card empty map-empty">
      <h2>No map yet</h2>
      <p>{detail}</p>
      {manages && !computing ? (
        <button type="button" className="primary" disabled={busy} onClick={onCompute}>
          Compute features and map
        </button>
      ) : null}
      {!manages && !computing ? <p className="muted">Ask a project manager to make it.</p> : null}
    </div>
  );
}

function MapView(props: {
  projectId: number;
  map: MapOut;
  manages: boolean;
  busy: boolean;
  labels: Schemas["LabelPublic"][];
  members: Schemas["MemberPublic"][];
  me: number | null;
  colour: string | null;
  onColour(key: string): void;
  onCompute(): void;
  onLabelled(message: string): void;
}) {
  const { projectId, map, manages, busy, labels, members, me, colour, onColour, onCompute, onLabelled } = props;
  const points = map.points;
  const option =
    colour === NONE ? null : (map.colour_options.find((o) => o.key === colour) ?? defaultOption(map.colour_options));
  const scheme = useMemo(() => colourScheme(points, option), [points, option]);
  const [picked, setPicked] = useState<Set<number>>(new Set());
  const [marked, setMarked] = useState<number | null>(null);
  const player = useSharedPlayer();
  const byId = useMemo(() => new Map(points.map((p) => [p.datapoint_id, p])), [points]);
  const axis = map.method === "umap" ? "UMAP" : "PCA";

  const describe = useCallback(
    (p: MapPoint) => {
      const value = option ? valueOf(p, option) : undefined;
      return option ? `${p.name} · ${option.name}: ${value ?? "not set"}` : p.name;
    },
    [option],
  );
  const play = (id: number) => player.toggle(id, audioUrl(id));
  const pickedPoints = useMemo(() => points.filter((p) => picked.has(p.datapoint_id)), [points, picked]);

  return (
    <>
      <p className="muted map-summary">
        {points.length.toLocaleString("en")} items, placed by {axis} of their MFCC and Mel statistics · made{" "}
        <span title={fullTime(map.computed_at)}>{timeAgo(map.computed_at)}</span>
        {map.stale ? ` · ${map.stale_items.toLocaleString("en")} items got features since` : ""}
      </p>
      {map.missing_features > 0 ? (
        <div className="message notice" role="status">
          {map.missing_features.toLocaleString("en")} item{map.missing_features === 1 ? " has" : "s have"} no audio
          features yet, so {map.missing_features === 1 ? "it is" : "they are"} not on the map.{" "}
          {manages ? (
            <button type="button" disabled={busy} onClick={onCompute}>
              Compute their features and update the map
            </button>
          ) : null}
        </div>
      ) : null}
      <div className="map-layout">
        <div className="map-main" data-finished={player.finished ?? undefined}>
          <div className="map-controls">
            <label>
              Colour by{" "}
              <select value={option?.key ?? NONE} onChange={(e) => onColour(e.target.value)}>
                <option value={NONE}>nothing</option>
                {map.colour_options.some((o) => o.kind === "label") ? (
                  <optgroup label="Labels">
                    {map.colour_options
                      .filter((o) => o.kind === "label")
                      .map((o) => (
                        <option key={o.key} value={o.key}>
                          {o.name}
                        </option>
                      ))}
                  </optgroup>
                ) : null}
                {map.colour_options.some((o) => o.kind === "metadata") ? (
                  <optgroup label="Metadata">
                    {map.colour_options
                      .filter((o) => o.kind === "metadata")
                      .map((o) => (
                        <option key={o.key} value={o.key}>
                          {o.name}
                        </option>
                      ))}
                  </optgroup>
                ) : null}
              </select>
            </label>
            <Legend
              scheme={scheme}
              option={option}
              onPick={(value) => {
                if (!option) return;
                setPicked(new Set(pointsOf(points, option, value).map((i) => points[i].datapoint_id)));
              }}
            />
          </div>
          <MapChart
            points={points}
            colours={scheme.colours}
            picked={picked}
            marked={marked}
            playing={player.playing}
            axis={axis}
            describe={describe}
            onLasso={(indexes, add) => {
              const ids = indexes.map((i) => points[i].datapoint_id);
              setPicked((before) => new Set(add ? [...before, ...ids] : ids));
            }}
            onPoint={(index) => play(points[index].datapoint_id)}
          />
          {player.playing !== null ? (
            <p className="map-now-playing" role="status">
              Playing {byId.get(player.playing)?.name ?? `item ${player.playing}`}{" "}
              <button type="button" className="link" onClick={() => play(player.playing as number)}>
                Stop
              </button>
            </p>
          ) : null}
        </div>
        <aside className="map-side">
          <Picked
            projectId={projectId}
            points={pickedPoints}
            manages={manages}
            labels={labels}
            members={members}
            me={me}
            onClear={() => setPicked(new Set())}
            onLabelled={onLabelled}
          />
          <Outliers
            outliers={map.outliers}
            playing={player.playing}
            onPlay={play}
            onMark={setMarked}
            onPickAll={() => setPicked(new Set(map.outliers.map((o) => o.datapoint_id)))}
          />
        </aside>
      </div>
    </>
  );
}
