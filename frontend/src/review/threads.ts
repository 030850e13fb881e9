// An item's comments as threads: a first comment and its replies, open ones first.
import type { Schemas } from "../api/client";

export type Comment = Schemas["CommentOut"];

export interface Thread {
  root: Comment;
  replies: Comment[];
}

/** Threads in the order they were started; replies in time order under their first comment. */
export function threadsOf(comments: Comment[]): Thread[] {
  const byId = new Map<number, Thread>();
  const threads: Thread[] = [];
  for (const c of comments) {
    if (c.parent_id === null || !byId.has(c.parent_id)) {
      const thread = { root: c, replies: [] };
      byId.set(c.id, thread);
      threads.push(thread);
    } else byId.get(c.parent_id)?.replies.push(c);
  }
  return threads;
}

/** Open rejections first (what to fix), then other open threads, oldest first; resolved last. */
export function openFirst(threads: Thread[]): Thread[] {
  const open = threads.filter((t) => !t.root.resolved);
  return [
    ...open.filter((t) => t.root.kind === "rejection"),
    ...open.filter((t) => t.root.kind !== "rejection"),
    ...threads.filter((t) => t.root.resolved),
  ];
}

export function openCount(threads: Thread[]): number {
  return threads.filter((t) => !t.root.resolved).length;
}

/** Open threads per segment, for the segment list's comment counts. */
export function openBySegment(threads: Thread[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const t of threads) {
    const id = t.root.segment_id;
    if (id && !t.root.resolved) out.set(id, (out.get(id) ?? 0) + 1);
  }
  return out;
}

/** The newest rejection of `userId`'s work: what the reviewer asked them to fix. */
export function latestRejection(comments: Comment[], userId: number | null | undefined): Comment | null {
  let found: Comment | null = null;
  for (const c of comments) {
    if (c.kind === "rejection" && c.about_user_id === userId) found = c;
  }
  return found;
}

/** Who may resolve a thread: reviewers and managers, its author, the annotator it is about. */
export function mayResolve(root: Comment, me: number | null | undefined, reviews: boolean): boolean {
  return reviews || (me != null && (root.author_id === me || root.about_user_id === me));
}
