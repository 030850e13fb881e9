// The annotator's assignment on this datapoint: review mark, complete, reopen, moving on.
import { useCallback, useEffect, useState } from "react";
import { useNavigate } from "react-router-dom";
import { api, ApiError, errorMessage, unwrap } from "../api/client";
import type { Loaded } from "./AnnotatePage";
import type { AssignmentPublic, Autosave } from "./autosave";

export function useAssignment(data: Loaded, autosave: Autosave, say: (text: string | null) => void) {
  const navigate = useNavigate();
  const { datapoint, project } = data;
  const mine = datapoint.my_assignment;
  const [status, setStatus] = useState<string | null>(mine?.status ?? null);
  const [marked, setMarked] = useState<boolean>(mine?.marked_for_review ?? datapoint.marked_for_review);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const path = { datapoint_id: datapoint.id };

  const took = useCallback(
    (row: AssignmentPublic) => {
      setStatus(row.status);
      setMarked(row.marked_for_review);
      autosave.setValuesVersion(row.version);
    },
    [autosave],
  );

  // The server moves a new item to "in progress" with its first saved change.
  useEffect(
    () =>
      autosave.subscribe((view) => {
        if (view.status === "saved") setStatus((s) => (s === "todo" ? "in_progress" : s));
      }),
    [autosave],
  );

  async function run(work: () => Promise<void>) {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (err) {
      setError(err instanceof ApiError && err.code === "missing_required" ? `Cannot complete yet. ${err.message}` : errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  /** Leaves for another datapoint once changes are saved (or safely queued on this device). */
  async function goTo(id: number | null, state?: unknown) {
    try {
      await autosave.whenSaved(3000);
    } catch {
      // Still queued locally and retried in the background: nothing is lost by leaving.
    }
    if (id !== null) navigate(`/datapoints/${id}`, { state });
  }

  const toggleReview = () => {
    const want = !marked;
    setMarked(want); // at once; put back if the server says no
    void run(async () => {
      try {
        const row = await unwrap(
          api.POST("/api/datapoints/{datapoint_id}/review", { params: { path }, body: { marked: want } }),
        );
        took(row);
        say(row.marked_for_review ? "Marked for review." : "Review mark removed.");
      } catch (err) {
        setMarked(!want);
        throw err;
      }
    });
  };

  const complete = () => {
    if (busy) return;
    void run(async () => {
      await autosave.whenSaved();
      const row = await unwrap(api.POST("/api/datapoints/{datapoint_id}/complete", { params: { path } }));
      took(row);
      const next = await unwrap(api.GET("/api/datapoints/{datapoint_id}/neighbours", { params: { path } }));
      if (next.next_in_queue !== null && next.next_in_queue !== datapoint.id) {
        navigate(`/datapoints/${next.next_in_queue}`);
      } else {
        navigate(`/projects/${project.id}`, {
          state: { message: "Completed. Nothing left in your queue for this project." },
        });
      }
    });
  };

  const reopen = () =>
    run(async () => {
      const row = await unwrap(api.POST("/api/datapoints/{datapoint_id}/reopen", { params: { path } }));
      took(row);
      say("Reopened.");
    });

  return { status, marked, busy, error, toggleReview, complete, reopen, goTo };
}
