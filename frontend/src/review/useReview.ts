// A reviewer's verdict on the work on screen, then on to the next work waiting for review.
import { useState } from "react";
import { useNavigate } from "react-router-dom";
import { api, errorMessage, unwrap } from "../api/client";
import type { AssignmentPublic, Autosave } from "../annotate/state/autosave";
import type { Loaded } from "../annotate/loadEditor";
import { reviewUrl } from "./reviewTarget";

/** The next work waiting for a verdict in the project, other than the one just judged. */
export async function nextWaiting(
  projectId: number,
  skip: { datapointId: number; userId: number } | null,
): Promise<{ datapointId: number; userId: number } | null> {
  const page = await unwrap(
    api.GET("/api/projects/{project_id}/review-queue", {
      params: { path: { project_id: projectId }, query: { show: "waiting", limit: 5 } },
    }),
  );
  const next = page.items.find((i) => !(skip && i.datapoint_id === skip.datapointId && i.user_id === skip.userId));
  return next ? { datapointId: next.datapoint_id, userId: next.user_id } : null;
}

export function useReview(data: Loaded, autosave: Autosave, took: (row: AssignmentPublic) => void) {
  const navigate = useNavigate();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const { datapoint, project, review } = data;
  const path = { datapoint_id: datapoint.id };

  async function moveOn(text: string) {
    const skip = review ? { datapointId: datapoint.id, userId: review.user.id } : null;
    const next = await nextWaiting(project.id, skip).catch(() => null);
    if (next) navigate(reviewUrl(next.datapointId, next.userId), { state: { message: text } });
    else navigate(`/projects/${project.id}/review`, { state: { message: `${text} Nothing else is waiting for review.` } });
  }

  /** Saves the reviewer's corrections first: the verdict is on the work as it now is. */
  async function verdict(work: (userId: number) => Promise<AssignmentPublic>, done: string): Promise<void> {
    if (!review) return;
    setBusy(true);
    setError(null);
    try {
      try {
        await autosave.whenSaved();
      } catch (err) {
        throw new Error(`Your corrections are not saved yet. ${errorMessage(err)}`);
      }
      const row = await autosave.exclusive(() => work(review.user.id));
      took(row);
      await moveOn(done);
    } catch (err) {
      setError(errorMessage(err));
      throw err;
    } finally {
      setBusy(false);
    }
  }

  const name = review?.user.name ?? "";
  const accept = () =>
    verdict(
      (user_id) => unwrap(api.POST("/api/datapoints/{datapoint_id}/accept", { params: { path }, body: { user_id } })),
      `Accepted ${name}’s work on ${datapoint.original_name}.`,
    ).catch(() => undefined);

  /** Rejects with a comment; rejects the promise (the dialog stays open) when it fails. */
  const reject = (comment: string) =>
    verdict(
      async (user_id) => {
        const out = await unwrap(
          api.POST("/api/datapoints/{datapoint_id}/reject", { params: { path }, body: { user_id, comment } }),
        );
        return out.assignment;
      },
      `Sent ${datapoint.original_name} back to ${name}.`,
    );

  return { busy, error, clearError: () => setError(null), accept, reject };
}
