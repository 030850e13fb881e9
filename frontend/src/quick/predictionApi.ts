// The server calls of the binary mode over predictions: existing prediction and assignment
// routes, each safe to repeat (a retried save after a lost answer changes nothing twice).
import { api, ApiError, unwrap } from "../api/client";
import type { Prediction, Verdict } from "./predictionQueue";

export async function loadPredictions(datapointId: number): Promise<Prediction[]> {
  return unwrap(
    api.GET("/api/datapoints/{datapoint_id}/predictions", { params: { path: { datapoint_id: datapointId } } }),
  );
}

/** The segment an acceptance made: answered by the accept, or found when it was made before. */
async function accept(datapointId: number, predictionId: string, userId: number) {
  const path = { datapoint_id: datapointId, segment_id: predictionId };
  try {
    const made = await unwrap(api.POST("/api/datapoints/{datapoint_id}/predictions/{segment_id}/accept", { params: { path } }));
    return { id: made.id, version: made.version };
  } catch (err) {
    if (!(err instanceof ApiError && err.code === "already_accepted")) throw err;
    const mine = await unwrap(
      api.GET("/api/datapoints/{datapoint_id}/segments", {
        params: { path: { datapoint_id: datapointId }, query: { author_id: userId } },
      }),
    );
    const made = mine.find((s) => (s.attributes as { prediction_id?: string } | null)?.prediction_id === predictionId);
    if (!made) throw err;
    return { id: made.id, version: made.version };
  }
}

/** Saves the verdict; an acceptance answers the segment it made. */
export async function decide(
  datapointId: number,
  predictionId: string,
  verdict: Verdict,
  userId: number,
): Promise<{ id: string; version: number } | null> {
  if (verdict === "accept") return accept(datapointId, predictionId, userId);
  const path = { datapoint_id: datapointId, segment_id: predictionId };
  if (verdict === "reject") {
    await unwrap(api.POST("/api/datapoints/{datapoint_id}/predictions/{segment_id}/reject", { params: { path } }));
  } else {
    await unwrap(api.POST("/api/datapoints/{datapoint_id}/predictions/{segment_id}/ignore", { params: { path } }));
  }
  return null;
}

/** Takes a verdict back: the accepted segment deleted, or the rejection / ignore removed. */
export async function takeBack(
  datapointId: number,
  predictionId: string,
  segment: { id: string; version: number } | null,
): Promise<void> {
  if (segment) {
    try {
      await unwrap(
        api.DELETE("/api/segments/{segment_id}", {
          params: { path: { segment_id: segment.id }, query: { version: segment.version } },
        }),
      );
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 404)) throw err; // deleted already
    }
    return;
  }
  await unwrap(
    api.DELETE("/api/datapoints/{datapoint_id}/predictions/{segment_id}/decision", {
      params: { path: { datapoint_id: datapointId, segment_id: predictionId } },
    }),
  );
}

export async function complete(datapointId: number): Promise<void> {
  await unwrap(api.POST("/api/datapoints/{datapoint_id}/complete", { params: { path: { datapoint_id: datapointId } } }));
}

export async function reopen(datapointId: number): Promise<void> {
  await unwrap(api.POST("/api/datapoints/{datapoint_id}/reopen", { params: { path: { datapoint_id: datapointId } } }));
}
