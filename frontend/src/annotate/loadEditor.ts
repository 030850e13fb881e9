// Loads what the editor needs for one datapoint: the item, its project and labels, the
// segments and values of the person whose work is on screen, with changes not yet saved on
// top. A reviewer opening an item decides here whose work they see (see review/reviewTarget).
import { api, errorMessage, unwrap, type Schemas } from "../api/client";
import { reviews, reviewTarget } from "../review/reviewTarget";
import { Autosave, autosaveFor, type AssignmentPublic, type Transport } from "./state/autosave";
import { loadQueue, mergeWithServer, storageKey } from "./state/saveQueue";
import { fromServer, type Label, type Segment, type SegmentPublic, type Values } from "./state/segments";
import { windowOf } from "./engine/timeFrame";
import { prefetchPeaks } from "./useStreamSource";

export interface Siblings {
  previous: number | null;
  next: number | null;
}

/** Someone assigned to the item, as a reviewer picks whose work to see. */
export interface Author {
  id: number;
  name: string;
  state: string;
  marked: boolean;
}

/** Someone else's segment, drawn apart and read-only while reviewing. */
export interface OtherSegment {
  segment: Segment;
  authorId: number | null;
  author: string;
}

export interface ReviewMode {
  /** Whose work is on screen. */
  user: Author;
  /** Everyone assigned, for switching between them. */
  authors: Author[];
  others: OtherSegment[];
}

export interface Loaded {
  datapoint: Schemas["DatapointPublic"];
  project: Schemas["ProjectPublic"];
  labels: Label[];
  segments: Segment[];
  /** Who made each segment on screen (a reviewer's corrections are theirs). */
  editorOf: ReadonlyMap<string, string>;
  values: Values;
  valuesError: string | null;
  /** The assignment on screen as last read: the caller's own, or the reviewed person's. */
  assignment: AssignmentPublic | null;
  /** Set when a reviewer looks at someone else's work. */
  review: ReviewMode | null;
  me: { id: number; username: string } | null;
  neighbours: Schemas["NeighboursOut"];
  /** A window's neighbours that are the windows before and after it in the same recording. */
  siblings: Siblings;
  autosave: Autosave;
}

/** The editor, or the URL to open instead: a reviewer sent on to the work waiting there. */
export type Opened = { kind: "editor"; data: Loaded } | { kind: "redirect"; review: number | null };

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

/** Saves to the server; while reviewing, values go to the reviewed person's assignment. */
function transportFor(datapointId: number, reviewing: number | null): Transport {
  const path = { datapoint_id: datapointId };
  const whose = reviewing === null ? {} : { user_id: reviewing };
  return {
    saveBatch: async (body) => {
      // While reviewing, new segments are the reviewed person's work, corrected by the caller.
      const out = await unwrap(
        api.POST("/api/datapoints/{datapoint_id}/segments/batch", { params: { path }, body: { ...body, ...whose } }),
      );
      // The answer carries the caller's own assignment, which is not the one on screen.
      return reviewing === null ? out : { ...out, assignment: null };
    },
    saveValues: (values, version) =>
      unwrap(
        api.PUT("/api/datapoints/{datapoint_id}/values", {
          params: { path },
          body: version ? { values, version, ...whose } : { values, ...whose },
        }),
      ),
  };
}

function authorsOf(datapoint: Schemas["DatapointPublic"]): Author[] {
  return datapoint.assignments.map((a) => ({
    id: a.user_id,
    name: a.username,
    state: a.state,
    marked: a.marked_for_review,
  }));
}

/**
 * Which segments are the work on screen. Reviewing: the reviewed person's, and the
 * reviewer's corrections unless the reviewer has work of their own here. A reviewer's own
 * work: theirs only. Anyone else gets what the server gave them (annotators: their own).
 */
function onScreen(
  all: SegmentPublic[],
  me: number | null,
  reviewing: number | null,
  sees: boolean,
  assigned: boolean,
): { mine: SegmentPublic[]; others: SegmentPublic[] } {
  // A model's predictions are nobody's work: they come on their own (usePredictions).
  all = all.filter((s) => s.source !== "model");
  let keep: (s: SegmentPublic) => boolean = () => true;
  if (reviewing !== null) keep = (s) => s.author_id === reviewing || (!assigned && s.author_id === me && me !== null);
  else if (sees && assigned) keep = (s) => s.author_id === me;
  return { mine: all.filter(keep), others: reviewing === null ? [] : all.filter((s) => !keep(s)) };
}

export async function loadEditor(
  datapointId: number,
  me: { id: number; username: string } | null,
  reviewing: number | null,
): Promise<Opened> {
  prefetchPeaks(datapointId);
  const path = { datapoint_id: datapointId };
  const query = reviewing === null ? {} : { user_id: reviewing };
  const [datapoint, serverSegments, neighbours, assignment] = await Promise.all([
    unwrap(api.GET("/api/datapoints/{datapoint_id}", { params: { path } })),
    unwrap(api.GET("/api/datapoints/{datapoint_id}/segments", { params: { path } })),
    unwrap(api.GET("/api/datapoints/{datapoint_id}/neighbours", { params: { path } })),
    unwrap(api.GET("/api/datapoints/{datapoint_id}/values", { params: { path, query } })).catch(
      (err: unknown) => new Error(errorMessage(err)),
    ),
  ]);
  const projectPath = { project_id: datapoint.project_id };
  const [project, labels, siblings] = await Promise.all([
    unwrap(api.GET("/api/projects/{project_id}", { params: { path: projectPath } })),
    unwrap(api.GET("/api/projects/{project_id}/labels", { params: { path: projectPath } })),
    siblingsOf(datapoint, neighbours),
  ]);
  const sees = reviews(project.role);
  const myId = me?.id ?? null;
  const assigned = datapoint.my_assignment != null;
  if (reviewing !== null && (!sees || reviewing === myId)) return { kind: "redirect", review: null };
  if (reviewing === null && sees && !assigned) {
    const pick = reviewTarget(datapoint.assignments, myId);
    if (pick !== null) return { kind: "redirect", review: pick };
  }
  const authors = authorsOf(datapoint);
  const user = reviewing === null ? null : authors.find((a) => a.id === reviewing);
  if (reviewing !== null && !user) return { kind: "redirect", review: null }; // not assigned (any more)

  const { mine, others } = onScreen(serverSegments, myId, reviewing, sees, assigned);
  const key = storageKey(myId, datapointId, reviewing);
  const autosave = autosaveFor(key, () => new Autosave(key, loadQueue(key), transportFor(datapointId, reviewing)));
  const queue = autosave.getState();
  const merged = mergeWithServer(mine, queue, fromServer);
  const read = assignment instanceof Error ? null : assignment;
  const valuesVersion = read?.version ?? null;
  autosave.replaceState(
    { ...merged.state, valuesVersion: queue.values ? queue.valuesVersion ?? valuesVersion : valuesVersion },
    read,
  );
  // Who last put a hand on each segment: a reviewer's correction, else its author.
  const byId = new Map<string, string>();
  for (const s of mine) byId.set(s.id, s.edited_by ?? s.author ?? "");
  return {
    kind: "editor",
    data: {
      datapoint,
      project,
      labels: [...labels].sort((a, b) => a.position - b.position || a.id - b.id),
      segments: merged.segments,
      editorOf: byId,
      values: queue.values ? queue.values.values : ((read?.values ?? {}) as Values),
      valuesError:
        assignment instanceof Error ? `Labels of the recording are unavailable: ${assignment.message}` : null,
      assignment: read,
      review: user
        ? {
            user,
            authors,
            others: others.map((s) => ({
              segment: fromServer(s),
              authorId: s.author_id,
              author: s.author ?? (s.source === "human" ? "someone" : s.source),
            })),
          }
        : null,
      me,
      neighbours,
      siblings,
      autosave,
    },
  };
}
