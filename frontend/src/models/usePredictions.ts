// A model's predictions on the item: read, stepped through, accepted (as one's own segment)
// or rejected, one at a time or all above a confidence.
import { useCallback, useEffect, useMemo, useState } from "react";
import { api, errorMessage, unwrap, type Schemas } from "../api/client";
import type { Autosave } from "../annotate/state/autosave";
import { fromServer, type Segment } from "../annotate/state/segments";
import type { SegmentEditor } from "../annotate/useSegmentEditor";

export type Prediction = Schemas["PredictionOut"];

/** "vad-webrtc 93%" */
export function predictionLabel(p: Prediction): string {
  const sure = p.confidence === null || p.confidence === undefined ? "" : ` ${Math.round(p.confidence * 100)}%`;
  return `${p.model ?? "model"}${sure}`;
}

/** The undecided predictions, by start time (one left aside in the quick mode is still open here). */
export function undecided(list: Prediction[]): Prediction[] {
  return list.filter((p) => p.decision === null || p.decision === "ignored").sort((a, b) => a.start - b.start || a.end - b.end);
}

/** The undecided prediction after `current` in time (the first one after the end: wraps). */
export function nextAfter(list: Prediction[], current: string | null): Prediction | null {
  const open = undecided(list);
  if (open.length === 0) return null;
  const at = open.findIndex((p) => p.id === current);
  if (at >= 0) return open[(at + 1) % open.length];
  return open[0];
}

/** How many undecided predictions are at or above the confidence. */
export function countAbove(list: Prediction[], threshold: number): number {
  return undecided(list).filter((p) => (p.confidence ?? 0) >= threshold).length;
}

interface Options {
  datapointId: number;
  /** While reviewing: whose decisions and segments these are. */
  whose: number | null;
  editor: SegmentEditor;
  autosave: Autosave;
  readOnly: boolean;
  say(text: string): void;
  /** Plays the stretch of the recording (recording time). */
  play(start: number, end: number): void;
}

export function usePredictions(o: Options) {
  const { datapointId, whose, editor, autosave, say } = o;
  const [list, setList] = useState<Prediction[]>([]);
  const [currentId, setCurrentId] = useState<string | null>(null);
  const [show, setShow] = useState(true);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const path = useMemo(() => ({ datapoint_id: datapointId }), [datapointId]);
  const query = useMemo(() => (whose === null ? {} : { user_id: whose }), [whose]);
  const body = whose === null ? {} : { user_id: whose };

  const load = useCallback(async () => {
    try {
      const got = await unwrap(api.GET("/api/datapoints/{datapoint_id}/predictions", { params: { path, query } }));
      setList(got);
      setError(null);
    } catch (err) {
      setError(`Predictions are unavailable: ${errorMessage(err)}`);
    }
  }, [path, query]);
  useEffect(() => {
    void load();
  }, [load]);

  const current = list.find((p) => p.id === currentId) ?? null;
  const open = undecided(list);

  /** A segment the server made from a prediction joins the editor as saved. */
  function adopt(seg: Schemas["SegmentPublic"]): Segment {
    autosave.takeServer([seg]);
    const made = fromServer(seg);
    editor.replace(seg.id, made);
    return made;
  }

  function decided(id: string, decision: Prediction["decision"]) {
    setList((all) => all.map((p) => (p.id === id ? { ...p, decision } : p)));
  }

  function goNext(from: string | null = currentId) {
    const next = nextAfter(list.map((p) => (p.id === from ? { ...p, decision: p.decision } : p)), from);
    setCurrentId(next?.id ?? null);
    if (next) o.play(next.start, next.end);
    else say("No predictions left to decide.");
  }

  async function act(work: () => Promise<void>) {
    if (o.readOnly) return say("This work is handed in: reopen it to change it.");
    if (busy) return;
    setBusy(true);
    try {
      await work();
      setError(null);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  const accept = (id: string | null = currentId) =>
    act(async () => {
      const target = list.find((p) => p.id === id);
      if (!target) return say("Press J to go to a prediction first.");
      const seg = await unwrap(
        api.POST("/api/datapoints/{datapoint_id}/predictions/{segment_id}/accept", {
          params: { path: { ...path, segment_id: target.id } },
          body,
        }),
      );
      adopt(seg);
      decided(target.id, seg.decision);
      say(`Accepted: ${predictionLabel(target)} is now a segment of yours.`);
      const rest = nextAfter(list.map((p) => (p.id === target.id ? { ...p, decision: seg.decision } : p)), target.id);
      setCurrentId(rest?.id ?? null);
    });

  const reject = (id: string | null = currentId) =>
    act(async () => {
      const target = list.find((p) => p.id === id);
      if (!target) return say("Press J to go to a prediction first.");
      await unwrap(
        api.POST("/api/datapoints/{datapoint_id}/predictions/{segment_id}/reject", {
          params: { path: { ...path, segment_id: target.id } },
          body,
        }),
      );
      decided(target.id, "rejected");
      say("Rejected the prediction.");
      const rest = nextAfter(list.map((p) => (p.id === target.id ? { ...p, decision: "rejected" } : p)), target.id);
      setCurrentId(rest?.id ?? null);
    });

  const acceptAbove = (threshold: number) =>
    act(async () => {
      await autosave.whenSaved();
      const out = await unwrap(
        api.POST("/api/datapoints/{datapoint_id}/predictions/accept", {
          params: { path },
          body: { min_confidence: threshold, ...body },
        }),
      );
      for (const seg of out.segments) adopt(seg);
      await load();
      say(out.accepted ? `Accepted ${out.accepted} predictions at or above ${Math.round(threshold * 100)}%.` : "Nothing to accept at that confidence.");
    });

  return {
    list,
    open,
    current,
    show,
    setShow,
    busy,
    error,
    next: () => goNext(),
    select: (id: string) => {
      setCurrentId(id);
      const p = list.find((x) => x.id === id);
      if (p) o.play(p.start, p.end);
    },
    accept: () => void accept(),
    reject: () => void reject(),
    acceptAbove: (t: number) => void acceptAbove(t),
  };
}

export type Predictions = ReturnType<typeof usePredictions>;
