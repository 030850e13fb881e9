// An item's comments, loaded once and kept up to date by this page's own writes.
import { useCallback, useEffect, useMemo, useState } from "react";
import { api, errorMessage, unwrap } from "../api/client";
import { openBySegment, openCount, threadsOf, type Comment, type Thread } from "./threads";

export interface Comments {
  comments: Comment[];
  threads: Thread[];
  open: number;
  bySegment: Map<string, number>;
  loaded: boolean;
  error: string | null;
  reload(): void;
  add(body: string, where: { segmentId?: string | null; parentId?: number | null }): Promise<Comment>;
  setResolved(id: number, resolved: boolean): Promise<void>;
  remove(id: number): Promise<void>;
}

export function useComments(datapointId: number): Comments {
  const [comments, setComments] = useState<Comment[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const path = useMemo(() => ({ datapoint_id: datapointId }), [datapointId]);

  useEffect(() => {
    let live = true;
    unwrap(api.GET("/api/datapoints/{datapoint_id}/comments", { params: { path } })).then(
      (found) => {
        if (!live) return;
        setComments(found);
        setLoaded(true);
        setError(null);
      },
      (err: unknown) => live && setError(errorMessage(err)),
    );
    return () => {
      live = false;
    };
  }, [path, tick]);

  const reload = useCallback(() => setTick((t) => t + 1), []);

  const add = useCallback(
    async (body: string, where: { segmentId?: string | null; parentId?: number | null }) => {
      const made = await unwrap(
        api.POST("/api/datapoints/{datapoint_id}/comments", {
          params: { path },
          body: { body, segment_id: where.segmentId ?? undefined, parent_id: where.parentId ?? undefined },
        }),
      );
      setComments((list) => [...list, made]);
      return made;
    },
    [path],
  );

  const setResolved = useCallback(async (id: number, resolved: boolean) => {
    const row = await unwrap(
      api.PATCH("/api/comments/{comment_id}", { params: { path: { comment_id: id } }, body: { resolved } }),
    );
    setComments((list) => list.map((c) => (c.id === id ? row : c)));
  }, []);

  const remove = useCallback(async (id: number) => {
    await unwrap(api.DELETE("/api/comments/{comment_id}", { params: { path: { comment_id: id } } }));
    // Its replies go with it.
    setComments((list) => list.filter((c) => c.id !== id && c.parent_id !== id));
  }, []);

  const threads = useMemo(() => threadsOf(comments), [comments]);
  const bySegment = useMemo(() => openBySegment(threads), [threads]);
  return {
    comments,
    threads,
    open: openCount(threads),
    bySegment,
    loaded,
    error,
    reload,
    add,
    setResolved,
    remove,
  };
}
