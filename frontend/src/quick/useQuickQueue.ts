// The annotator's queue, one item at a time: the item on screen, the next one fetched ahead
// (its audio too), saving each decision before moving on (retried until saved, the failure
// shown), and undo. Everything lives on the server, so a reload continues where it was.
import { useCallback, useEffect, useRef, useState } from "react";
import { errorMessage } from "../api/client";
import { nextInQueue } from "../pages/queue";
import { decided, undone, type Progress } from "./progress";
import { loadItem, skip as skipItem, undoValues, type Datapoint, type Values } from "./quickApi";
import { retryHooks, saveUntilSaved } from "./retry";
import { popDecision, pushDecision, type Decision } from "./undoStack";
import { useUndoStack } from "./useUndoStack";

interface Ahead {
  id: number;
  item: Promise<Datapoint>;
  /** Warms the browser's cache with the next clip; emptied once used or dropped. */
  audio: HTMLAudioElement | null;
}

export type Phase = "loading" | "ready" | "saving" | "finished";

function release(ahead: Ahead | null) {
  if (!ahead?.audio) return;
  ahead.audio.removeAttribute("src");
  ahead.audio.load(); // lets the browser drop the buffered audio
  ahead.audio = null;
}

/** `undoAt`: where the undo stack is kept (undoStack.undoKey). */
export function useQuickQueue(projectId: number, start: Progress | null, undoAt: string) {
  const [item, setItem] = useState<Datapoint | null>(null);
  const [phase, setPhase] = useState<Phase>("loading");
  const [progress, setProgress] = useState<Progress | null>(start);
  const [stack, setStack] = useUndoStack<Decision>(undoAt);
  const [problem, setProblem] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const ahead = useRef<Ahead | null>(null);
  const alive = useRef(true);
  const busy = useRef(false);
  // Set when a decision could not be saved and will not be retried by itself.
  const [stuck, setStuck] = useState<(() => void) | null>(null);

  useEffect(() => setProgress(start), [start]);
  useEffect(() => {
    alive.current = true;
    return () => {
      alive.current = false;
      release(ahead.current);
      ahead.current = null;
    };
  }, []);

  const hooks = retryHooks(() => alive.current, setProblem);

  const prefetch = useCallback(
    (after: number) => {
      release(ahead.current);
      ahead.current = null;
      void nextInQueue(projectId, after)
        .then((id) => {
          if (id === null || id === after || !alive.current) return;
          const item = loadItem(id);
          const next: Ahead = { id, item, audio: null };
          item
            .then((dp) => {
              if (ahead.current !== next) return;
              const audio = new Audio();
              audio.preload = "auto";
              audio.src = dp.audio_url;
              next.audio = audio;
            })
            .catch(() => undefined); // loaded again when it is its turn
          ahead.current = next;
        })
        .catch(() => undefined);
    },
    [projectId],
  );

  /** Shows item `id` (the prefetched copy when it is that one), or the end of the queue. */
  const show = useCallback(
    async (id: number | null) => {
      if (id === null) {
        release(ahead.current);
        ahead.current = null;
        setItem(null);
        setPhase("finished");
        return;
      }
      const cached = ahead.current?.id === id ? ahead.current.item : null;
      release(ahead.current);
      ahead.current = null;
      let dp: Datapoint;
      try {
        dp = cached ? await cached : await loadItem(id);
      } catch {
        dp = await loadItem(id);
      }
      if (!alive.current) return;
      setItem(dp);
      setPhase("ready");
      prefetch(dp.id);
    },
    [prefetch],
  );

  // The first item: the queue as the server has it (in progress first, then to do).
  useEffect(() => {
    let cancelled = false;
    nextInQueue(projectId)
      .then((id) => (cancelled ? undefined : show(id)))
      .catch((err) => setProblem(errorMessage(err)));
    return () => {
      cancelled = true;
    };
  }, [projectId, show]);

  /** Saves with `save`, counts it, and moves on; a failure stays on screen and is retried. */
  const decide = useCallback(
    (save: () => Promise<void>, counted: string[], before: Values) => {
      if (!item || busy.current) return;
      busy.current = true;
      const current = item;
      setPhase("saving");
      setNotice(null);
      const attempt = async () => {
        setStuck(null);
        try {
          await saveUntilSaved(save, hooks);
        } catch {
          busy.current = false;
          setPhase("ready");
          setStuck(() => () => {
            busy.current = true;
            setPhase("saving");
            void attempt();
          });
          return;
        }
        setProblem(null);
        setProgress((p) => (p ? decided(p, counted) : p));
        setStack((s) => pushDecision(s, { datapointId: current.id, before, counted }));
        try {
          const id = await saveUntilSaved(() => nextInQueue(projectId, current.id), hooks);
          setProblem(null);
          await show(id === current.id ? null : id);
        } catch (err) {
          setProblem(errorMessage(err));
        } finally {
          busy.current = false;
        }
      };
      void attempt();
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [item, projectId, show],
  );

  const undo = useCallback(() => {
    if (busy.current) return;
    const { last, rest } = popDecision(stack);
    if (!last) {
      setNotice("Nothing to undo.");
      return;
    }
    busy.current = true;
    setPhase("saving");
    void (async () => {
      try {
        await saveUntilSaved(() => undoValues(last.datapointId, last.before), hooks);
        setProblem(null);
        setStack(rest);
        setProgress((p) => (p ? undone(p, last.counted) : p));
        setNotice("Undone: the item is back.");
        await show(last.datapointId);
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
    if (!item || busy.current) return;
    busy.current = true;
    setPhase("saving");
    const current = item;
    void (async () => {
      try {
        const id = await skipItem(current.id);
        setNotice("Skipped: it comes back at the end of your queue.");
        await show(id === current.id ? current.id : id);
      } catch (err) {
        setProblem(errorMessage(err));
        setPhase("ready");
      } finally {
        busy.current = false;
      }
    })();
  }, [item, show]);

  return { item, phase, progress, problem, notice, canUndo: stack.length > 0, decide, undo, skip, retry: stuck };
}
