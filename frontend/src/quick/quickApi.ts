// The server calls of the quick modes; all existing routes except the progress counts.
import { api, unwrap, type Schemas } from "../api/client";

export type Datapoint = Schemas["DatapointPublic"];
export type Label = Schemas["LabelPublic"];
export type Values = Record<string, unknown>;

export async function loadSetup(projectId: number) {
  const path = { project_id: projectId };
  const [project, labels, progress] = await Promise.all([
    unwrap(api.GET("/api/projects/{project_id}", { params: { path } })),
    unwrap(api.GET("/api/projects/{project_id}/labels", { params: { path } })),
    unwrap(api.GET("/api/projects/{project_id}/quick", { params: { path } })),
  ]);
  return { project, labels, progress };
}

export function loadItem(id: number): Promise<Datapoint> {
  return unwrap(api.GET("/api/datapoints/{datapoint_id}", { params: { path: { datapoint_id: id } } }));
}

/** Sets the item's values (all of them, as the editor does) and completes it. Safe to repeat. */
export async function saveValues(id: number, values: Values): Promise<void> {
  const path = { datapoint_id: id };
  await unwrap(api.PUT("/api/datapoints/{datapoint_id}/values", { params: { path }, body: { values } }));
  await unwrap(api.POST("/api/datapoints/{datapoint_id}/complete", { params: { path } }));
}

/** Takes a decision back: the item is reopened (back in the queue) with its earlier values. */
export async function undoValues(id: number, before: Values): Promise<void> {
  const path = { datapoint_id: id };
  await unwrap(api.POST("/api/datapoints/{datapoint_id}/reopen", { params: { path } }));
  await unwrap(api.PUT("/api/datapoints/{datapoint_id}/values", { params: { path }, body: { values: before } }));
}

export type Segment = Schemas["SegmentPublic"];

/** The caller's segment that spans the clip (where a transcript goes), if any. */
export async function mySpanningSegment(id: number, userId: number): Promise<Segment | null> {
  const all = await unwrap(
    api.GET("/api/datapoints/{datapoint_id}/segments", {
      params: { path: { datapoint_id: id }, query: { author_id: userId } },
    }),
  );
  return all.find((s) => s.start <= 0.001) ?? all[0] ?? null;
}

/**
 * What a save must send again so that nothing else of the segment is lost (a save replaces
 * it whole): its span, channel, band, values and attributes — without word timings once the
 * text changed, as they no longer say when its words are spoken.
 */
function kept(s: Segment, text: string) {
  const attributes = { ...((s.attributes ?? {}) as Record<string, unknown>) };
  if (text !== s.transcript) delete attributes.words;
  return { start: s.start, end: s.end, channel: s.channel ?? null, low_hz: s.low_hz ?? null, high_hz: s.high_hz ?? null, values: s.values, attributes };
}

/**
 * Stores the transcript as one segment spanning the clip (as the editor stores transcripts,
 * so exports carry it) and completes the item. `newId` is kept by the caller per item, so a
 * repeated create after a lost answer is the same segment, not a second one.
 */
export async function saveTranscript(dp: Datapoint, userId: number, text: string, newId: string): Promise<void> {
  const path = { datapoint_id: dp.id };
  const mine = await mySpanningSegment(dp.id, userId);
  const upsert = mine ? { ...kept(mine, text), id: mine.id, version: mine.version, transcript: text } : { id: newId, start: 0, end: dp.duration, transcript: text };
  await unwrap(api.POST("/api/datapoints/{datapoint_id}/segments/batch", { params: { path }, body: { upserts: [upsert] } }));
  await unwrap(api.POST("/api/datapoints/{datapoint_id}/complete", { params: { path } }));
}

/** Skips the item (it comes back at the end of the queue); the next item's id. */
export async function skip(id: number): Promise<number | null> {
  const out = await unwrap(api.POST("/api/datapoints/{datapoint_id}/skip", { params: { path: { datapoint_id: id } } }));
  return out.datapoint_id ?? null;
}
