// The editor's segments with undo/redo; every change that takes effect is queued for saving.
import { useCallback, useMemo, useRef, useState } from "react";
import type { Autosave } from "./autosave";
import {
  commit,
  emptyDoc,
  redo as redoDoc,
  replaceSilently,
  undo as undoDoc,
  type Change,
  type SegmentDoc,
} from "./history";
import { sortByTime, type Segment } from "./segments";

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
}

export function useSegmentEditor(initial: Segment[], autosave: Autosave): SegmentEditor {
  const [doc, setDoc] = useState<SegmentDoc>(() => emptyDoc(initial));
  const ref = useRef(doc);

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
      const result = commit(ref.current, label, build(ref.current), { key });
      if (result.changes.length) apply(result.doc, result.changes);
      return result.changes;
    },
    [apply],
  );

  const undo = useCallback(() => {
    const result = undoDoc(ref.current);
    if (result.changes.length) apply(result.doc, result.changes);
    return result.changes;
  }, [apply]);

  const redo = useCallback(() => {
    const result = redoDoc(ref.current);
    if (result.changes.length) apply(result.doc, result.changes);
    return result.changes;
  }, [apply]);

  const replace = useCallback((id: string, seg: Segment | null) => {
    const next = replaceSilently(ref.current, id, seg);
    ref.current = next;
    setDoc(next);
  }, []);

  const current = useCallback(() => ref.current, []);
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
  };
}
