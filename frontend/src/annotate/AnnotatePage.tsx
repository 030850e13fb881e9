// The annotation page: loads a datapoint with its project, labels, segments and values, puts
// changes not yet saved on top, and opens the editor.
import { Link, useParams } from "react-router-dom";
import { api, errorMessage, unwrap, type Schemas } from "../api/client";
import { useAuth } from "../auth/AuthContext";
import { ErrorMessage, Loading } from "../components/ui";
import { useLoad } from "../components/useLoad";
import { Autosave, autosaveFor, type Transport } from "./autosave";
import { loadQueue, mergeWithServer, storageKey } from "./saveQueue";
import { fromServer, type Label, type Segment, type Values } from "./segments";
import { windowOf } from "./timeFrame";
import { prefetchPeaks } from "./useStreamSource";
import { Workspace } from "./Workspace";
import "./annotate.css";

export interface Loaded {
  datapoint: Schemas["DatapointPublic"];
  project: Schemas["ProjectPublic"];
  labels: Label[];
  segments: Segment[];
  values: Values;
  valuesError: string | null;
  neighbours: Schemas["NeighboursOut"];
  /** A window's neighbours that are the windows before and after it in the same recording. */
  siblings: Siblings;
  autosave: Autosave;
}

export interface Siblings {
  previous: number | null;
  next: number | null;
}

/**
 * The list's neighbours (by id) are usually the recording's other windows, made one after
 * another: kept when they are the windows just before and after this one.
 */
async function siblingsOf(
  datapoint: Schemas["DatapointPublic"],
  neighbours: Schemas["NeighboursOut"],
): Promise<Siblings> {
  const me = windowOf(datapoint);
  if (!me) return { previous: null, next: null };
  const check = async (id: number | null, step: number) => {
    if (id === null) return null;
    const path = { datapoint_id: id };
    const other = await unwrap(api.GET("/api/datapoints/{datapoint_id}", { params: { path } })).catch(() => null);
    const w = other ? windowOf(other) : null;
    return w && w.parentId === me.parentId && w.index === me.index + step ? id : null;
  };
  const [previous, next] = await Promise.all([check(neighbours.previous, -1), check(neighbours.next, 1)]);
  return { previous, next };
}

function transportFor(datapointId: number): Transport {
  const path = { datapoint_id: datapointId };
  return {
    saveBatch: (body) =>
      unwrap(api.POST("/api/datapoints/{datapoint_id}/segments/batch", { params: { path }, body })),
    saveValues: (values, version) =>
      unwrap(
        api.PUT("/api/datapoints/{datapoint_id}/values", {
          params: { path },
          body: version ? { values, version } : { values },
        }),
      ),
  };
}

async function load(datapointId: number, userId: number | null | undefined): Promise<Loaded> {
  prefetchPeaks(datapointId);
  const path = { datapoint_id: datapointId };
  const [datapoint, serverSegments, neighbours, assignment] = await Promise.all([
    unwrap(api.GET("/api/datapoints/{datapoint_id}", { params: { path } })),
    unwrap(api.GET("/api/datapoints/{datapoint_id}/segments", { params: { path } })),
    unwrap(api.GET("/api/datapoints/{datapoint_id}/neighbours", { params: { path } })),
    unwrap(api.GET("/api/datapoints/{datapoint_id}/values", { params: { path } })).catch(
      (err: unknown) => new Error(errorMessage(err)),
    ),
  ]);
  const projectPath = { project_id: datapoint.project_id };
  const [project, labels, siblings] = await Promise.all([
    unwrap(api.GET("/api/projects/{project_id}", { params: { path: projectPath } })),
    unwrap(api.GET("/api/projects/{project_id}/labels", { params: { path: projectPath } })),
    siblingsOf(datapoint, neighbours),
  ]);
  const key = storageKey(userId, datapointId);
  const autosave = autosaveFor(key, () => new Autosave(key, loadQueue(key), transportFor(datapointId)));
  const queue = autosave.getState();
  const merged = mergeWithServer(serverSegments, queue, fromServer);
  const valuesVersion = assignment instanceof Error ? null : assignment.version;
  autosave.replaceState(
    { ...merged.state, valuesVersion: queue.values ? queue.valuesVersion ?? valuesVersion : valuesVersion },
    assignment instanceof Error ? null : assignment,
  );
  const serverValues = assignment instanceof Error ? {} : (assignment.values as Values);
  return {
    datapoint,
    project,
    labels: [...labels].sort((a, b) => a.position - b.position || a.id - b.id),
    segments: merged.segments,
    values: queue.values ? queue.values.values : serverValues,
    valuesError:
      assignment instanceof Error ? `Labels of the recording are unavailable: ${assignment.message}` : null,
    neighbours,
    siblings,
    autosave,
  };
}

export function AnnotatePage() {
  const datapointId = Number(useParams().datapointId);
  const { me } = useAuth();
  const userId = me?.id;
  const loaded = useLoad(() => load(datapointId, userId), [datapointId, userId]);

  if (loaded.error) {
    return (
      <div className="annotate-error">
        <ErrorMessage>{loaded.error}</ErrorMessage>
        <p>
          <button type="button" onClick={loaded.reload}>
            Try again
          </button>{" "}
          <Link to="/">Back to the projects</Link>
        </p>
      </div>
    );
  }
  if (!loaded.data || loaded.data.datapoint.id !== datapointId) {
    return <Loading what="Opening the recording" />;
  }
  return <Workspace key={datapointId} data={loaded.data} />;
}
