// The running round as the editor shows it (progress), and skip & next for the item on screen:
// inside a round it comes back at the end of the round, elsewhere at the end of the queue.
import { useState } from "react";
import { api, errorMessage, unwrap } from "../api/client";
import type { Loaded } from "../annotate/AnnotatePage";
import { readQueue } from "./queueSettings";
import { useRound } from "./useRound";

interface Options {
  data: Loaded;
  /** The caller's assignment status now (done items cannot be skipped). */
  status: string | null;
  goTo(id: number | null): Promise<void>;
  say(text: string | null): void;
}

export function useEditorRound({ data, status, goTo, say }: Options) {
  const { project, datapoint, review } = data;
  const ordered = readQueue(project.settings).order !== "id" && !review;
  const { round } = useRound(project.id, ordered);
  const [busy, setBusy] = useState(false);
  const inRound = round !== null && round.my_items.includes(datapoint.id);
  const canSkip = !review && status !== null && status !== "done";

  async function skip() {
    if (busy) return;
    if (!canSkip) {
      say(review ? "You are reviewing someone's work: there is nothing of yours to skip." : "Only your open items can be skipped.");
      return;
    }
    setBusy(true);
    try {
      const next = await unwrap(
        api.POST("/api/datapoints/{datapoint_id}/skip", { params: { path: { datapoint_id: datapoint.id } } }),
      );
      if (next.datapoint_id !== null && next.datapoint_id !== datapoint.id) await goTo(next.datapoint_id);
      else say("Skipped; nothing else of yours is left, so this item stays.");
    } catch (err) {
      say(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return { round: ordered ? round : null, inRound: ordered && inRound, canSkip, busy, skip };
}
