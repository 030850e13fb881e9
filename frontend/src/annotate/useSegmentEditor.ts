// The editor's segments with undo/redo; every change that takes effect is queued for saving.
import { useCallback, useMemo, useRef, useState } from "react";
import type { Autosave } from "./state/autosave";
import {
  commit,
  emptyDoc,
  redo as redoDoc,
  replaceSilently,
  undo as undoDoc,
  type Change,
  type SegmentDoc,
} from "./state/history";
import { sortByTime, type Segment } from "./state/segments";

export interface SegmentEditor {
  /** Segments in time order. */
  segments: Segment[];
  canUndo: boolean;
  canRedo: boolean;
  /** The current doc, for event handlers that must not wait for a render. */
  current(): SegmentDoc;
  /** Applies an edit built from the current doc; returns the changes that took effect. */
  edit(label: string, build: (doc: SegmentDoc) => Change[], key?: string): Change[];
  undo(): Change[];
  redo(): Change[];
  /** Shows the server's copy of a segment (after a conflict) without an undo step or save. */
  replace(id: string, seg: Segment | null): void;
  /** While `reason` is set (a Done item) edits, undo and redo do nothing and `tell` says why. */
  setLock(reason: string | null, tell: (text: string) => void): void;
  isLocked(): boolean;
}

export function useSegmentEditor(initial: Segment[], autosave: Autosave): SegmentEditor {
  const [doc, setDoc] = useState<SegmentDoc>(() => emptyDoc(initial));
  const ref = useRef(doc);
  const lock = useRef<{ reason: string; tell: (text: string) => void } | null>(null);
  /** True (and says why) when the item may not be changed now. */
  const locked = useCallback(() => {
    if (!lock.current) return false;
    lock.current.tell(lock.current.reason);
    return true;
  }, []);

  const apply = useCallback(
    (next: SegmentDoc, changes: Change[]) => {
      ref.current = next;
      setDoc(next);
      for (const c of changes) autosave.change(c.id, c.after);
    },
    [autosave],
  );

  const edit = useCallback(
    (label: string, build: (d: SegmentDoc) => Change[], key?: string) => {
      if (locked()) return [];
      const result = commit(ref.current, label, build(ref.current), { key });
      if (result.changes.length) apply(result.doc, result.changes);
      return result.changes;
    },
    [apply, locked],
  );

  const undo = useCallback(() => {
    if (locked()) return [];
    const result = undoDoc(ref.current);
    if (result.changes.length) apply(result.doc, result.changes);
    return result.changes;
  }, [apply, locked]);

  const redo = useCallback(() => {
    if (locked()) return [];
    const result = redoDoc(ref.current);
    if (result.changes.length) apply(result.doc, result.changes);
    return result.changes;
  }, [apply, locked]);

  const replace = useCallback((id: string, seg: Segment | null) => {
    const next = replaceSilently(ref.current, id, seg);
    ref.current = next;
    setDoc(next);
  }, []);

  const current = useCallback(() => ref.current, []);
  const isLocked = useCallback(() => lock.current !== null, []);
  const setLock = useCallback((reason: string | null, tell: (text: string) => void) => {
    lock.current = reason ? { reason, tell } : null;
  }, []);
  const segments = useMemo(() => sortByTime(Object.values(doc.segments)), [doc.segments]);

  return {
    segments,
    canUndo: doc.past.length > 0,
    canRedo: doc.future.length > 0,
    current,
    edit,
    undo,
    redo,
    replace,
    setLock,
    isLocked,
  };
}
