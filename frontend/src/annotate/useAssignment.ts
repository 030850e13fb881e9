// The assignment on screen: the annotator's own (review mark, complete, reopen, moving on),
// or, while reviewing, the reviewed person's, whose state the verdict changes.
import { useCallback, useEffect, useState } from "react";
import { useNavigate } from "react-router-dom";
import { api, ApiError, errorMessage, unwrap } from "../api/client";
import type { Loaded } from "./AnnotatePage";
import type { AssignmentPublic, Autosave } from "./state/autosave";

/** A message for the annotator; `untilSaved` ones go once everything is saved. */
interface Problem {
  text: string;
  untilSaved: boolean;
}

/** `refused` sees each failed write: a Complete the project's rules refused carries findings. */
export function useAssignment(
  data: Loaded,
  autosave: Autosave,
  say: (text: string | null) => void,
  refused?: (err: unknown) => boolean,
) {
  const navigate = useNavigate();
  const { datapoint, project } = data;
  const first = data.assignment ?? datapoint.my_assignment;
  const [status, setStatus] = useState<string | null>(first?.status ?? null);
  // To do, in progress, submitted, accepted or rejected: what the header says.
  const [state, setState] = useState<string | null>(first?.state ?? null);
  const [marked, setMarked] = useState<boolean>(first?.marked_for_review ?? datapoint.marked_for_review);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const path = { datapoint_id: datapoint.id };

  const took = useCallback(
    (row: AssignmentPublic) => {
      setStatus(row.status);
      setState(row.state);
      setMarked(row.marked_for_review);
      autosave.adopt(row);
    },
    [autosave],
  );

  // Saves answer with the assignment: its status follows the work (to do, in progress).
  useEffect(
    () =>
      autosave.subscribe((view) => {
        if (view.assignment) {
          setStatus(view.assignment.status);
          setState(view.assignment.state);
        }
        if (view.status === "saved") setProblem((p) => (p?.untilSaved ? null : p));
      }),
    [autosave],
  );

  async function run(work: () => Promise<void>) {
    setBusy(true);
    setProblem((p) => (p?.untilSaved ? p : null)); // "resolve the conflict first" stays until it is
    try {
      await work();
    } catch (err) {
      refused?.(err);
      const text =
        err instanceof ApiError && err.code === "missing_required" ? `Cannot complete yet. ${err.message}` : errorMessage(err);
      setProblem({ text, untilSaved: false });
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
        const row = await autosave.exclusive(() =>
          unwrap(api.POST("/api/datapoints/{datapoint_id}/review", { params: { path }, body: { marked: want } })),
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
    if (data.review) {
      say(`This is ${data.review.user.name}’s work: Accept it, or Reject it with a comment.`);
      return;
    }
    if (status === "done") {
      setProblem({ text: "This item is done already. Reopen it to change it.", untilSaved: false });
      return;
    }
    void run(async () => {
      try {
        await autosave.whenSaved();
      } catch (err) {
        // Said next to the conflict or refused change, and gone once that is settled.
        setProblem({ text: `Not completed yet. ${errorMessage(err)}`, untilSaved: true });
        document.querySelector(".save-problem")?.scrollIntoView({ block: "nearest" });
        return;
      }
      const row = await autosave.exclusive(() =>
        unwrap(api.POST("/api/datapoints/{datapoint_id}/complete", { params: { path } })),
      );
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
      const row = await autosave.exclusive(() =>
        unwrap(api.POST("/api/datapoints/{datapoint_id}/reopen", { params: { path } })),
      );
      took(row);
      say("Reopened: you can change this item again.");
    });

  /** Runs a verdict or another write on the assignment with the busy flag and errors shown. */
  const act = (work: () => Promise<void>) => run(work);

  return { status, state, marked, busy, error: problem?.text ?? null, toggleReview, complete, reopen, goTo, took, act };
}
