// The binary mode over predictions: the annotator's queue item by item, and in each item its
// open predictions one at a time. Every verdict is saved before the next region (retried
// until saved, the failure shown); an item whose predictions are all decided is completed.
// Everything lives on the server, so a reload continues with the next open prediction.
import { useCallback, useEffect, useRef, useState } from "react";
import { errorMessage } from "../api/client";
import { nextInQueue } from "../pages/queue";
import { complete, decide as save, loadPredictions, reopen, takeBack } from "./predictionApi";
import { openPredictions, type Prediction, type Taken, type Verdict } from "./predictionQueue";
import { decided, undone, type Progress } from "./progress";
import { loadItem, skip as skipItem, type Datapoint } from "./quickApi";
import { retryHooks, saveUntilSaved } from "./retry";
import { pushDecision } from "./undoStack";
import { useUndoStack } from "./useUndoStack";
import type { Phase } from "./useQuickQueue";

interface Current {
  item: Datapoint;
  open: Prediction[];
}

/** `undoAt`: where the undo stack is kept (undoStack.undoKey). */
export function usePredictionQueue(projectId: number, userId: number | null, start: Progress | null, undoAt: string) {
  const [current, setCurrent] = useState<Current | null>(null);
  const [phase, setPhase] = useState<Phase>("loading");
  const [progress, setProgress] = useState<Progress | null>(start);
  const [stack, setStack] = useUndoStack<Taken>(undoAt);
  const [problem, setProblem] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  // Items met without any prediction: skipped to the end of the queue, and the queue ends
  // when it comes back to one of them.
  const bare = useRef(new Set<number>());
  const alive = useRef(true);
  const busy = useRef(false);

  useEffect(() => setProgress(start), [start]);
  useEffect(() => {
    alive.current = true;
    return () => {
      alive.current = false;
    };
  }, []);

  const hooks = retryHooks(() => alive.current, setProblem);
  const saved = <T,>(work: () => Promise<T>) => saveUntilSaved(work, hooks);

  /** Shows item `id` at its first open prediction; items with none are dealt with first. */
  const show = useCallback(
    async (first: number | null, at?: string) => {
      let id = first;
      while (id !== null && alive.current) {
        if (bare.current.has(id)) break;
        const [item, list] = await Promise.all([loadItem(id), loadPredictions(id)]);
        const open = openPredictions(list);
        if (open.length) {
          const index = at ? Math.max(0, open.findIndex((p) => p.id === at)) : 0;
          setCurrent({ item, open: [...open.slice(index), ...open.slice(0, index)] });
          setPhase("ready");
          return;
        }
        if (list.length) {
          // Every prediction decided (in another tab, or before a reload): the item is done.
          await saved(() => complete(item.id));
          setProgress((p) => (p ? { ...p, done: p.done + 1, left: Math.max(0, p.left - 1) } : p));
          id = await saved(() => nextInQueue(projectId, item.id));
        } else {
          bare.current.add(item.id);
          id = await saved(() => skipItem(item.id));
        }
      }
      if (!alive.current) return;
      setCurrent(null);
      setPhase("finished");
      if (bare.current.size) {
        setNotice(
          `${bare.current.size} item${bare.current.size === 1 ? " has" : "s have"} no predictions yet: ` +
            "they stay in your queue for the full editor or a later model run.",
        );
      }
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [projectId],
  );

  useEffect(() => {
    let cancelled = false;
    nextInQueue(projectId)
      .then((id) => (cancelled ? undefined : show(id)))
      .catch((err) => setProblem(errorMessage(err)));
    return () => {
      cancelled = true;
    };
  }, [projectId, show]);

  const decide = useCallback(
    (verdict: Verdict) => {
      if (!current || userId === null || busy.current) return;
      busy.current = true;
      setPhase("saving");
      setNotice(null);
      const { item, open } = current;
      const prediction = open[0];
      void (async () => {
        try {
          const segment = await saved(() => save(item.id, prediction.id, verdict, userId));
          const rest = open.slice(1);
          const last = rest.length === 0;
          if (last) await saved(() => complete(item.id));
          setProblem(null);
          setProgress((p) => {
            if (!p) return p;
            const counted = { ...p.counts, [verdict]: (p.counts[verdict] ?? 0) + 1 };
            return last ? { ...decided({ ...p, counts: counted }, []), counts: counted } : { ...p, counts: counted };
          });
          const taken: Taken = { datapointId: item.id, predictionId: prediction.id, verdict, segment, completedItem: last };
          setStack((s) => pushDecision(s, taken));
          if (!last) {
            setCurrent({ item, open: rest });
            setPhase("ready");
          } else {
            await show(await saved(() => nextInQueue(projectId, item.id)));
          }
        } catch (err) {
          setProblem(`Not saved: ${errorMessage(err)}`);
          setPhase("ready");
        } finally {
          busy.current = false;
        }
      })();
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [current, userId, projectId, show],
  );

  const undo = useCallback(() => {
    if (busy.current) return;
    const last = stack[stack.length - 1];
    if (!last) {
      setNotice("Nothing to undo.");
      return;
    }
    busy.current = true;
    setPhase("saving");
    void (async () => {
      try {
        if (last.completedItem) await saved(() => reopen(last.datapointId));
        await saved(() => takeBack(last.datapointId, last.predictionId, last.segment));
        setProblem(null);
        setStack((s) => s.slice(0, -1));
        setProgress((p) => {
          if (!p) return p;
          const n = (p.counts[last.verdict] ?? 1) - 1;
          const counts = { ...p.counts, [last.verdict]: Math.max(0, n) };
          return last.completedItem ? { ...undone({ ...p, counts }, []), counts } : { ...p, counts };
        });
        setNotice("Undone: that region is back.");
        await show(last.datapointId, last.predictionId);
      } catch (err) {
        setProblem(`Not undone: ${errorMessage(err)}`);
        setPhase("ready");
      } finally {
        busy.current = false;
      }
    })();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [stack, show]);

  const skip = useCallback(() => {
    if (!current || busy.current) return;
    busy.current = true;
    setPhase("saving");
    const { item } = current;
    void (async () => {
      try {
        const id = await skipItem(item.id);
        setNotice("Skipped: the item comes back at the end of your queue.");
        await show(id);
      } catch (err) {
        setProblem(errorMessage(err));
        setPhase("ready");
      } finally {
        busy.current = false;
      }
    })();
  }, [current, show]);

  return {
    item: current?.item ?? null,
    prediction: current?.open[0] ?? null,
    leftInItem: current?.open.length ?? 0,
    phase,
    progress,
    problem,
    notice,
    canUndo: stack.length > 0,
    decide,
    undo,
    skip,
  };
}
