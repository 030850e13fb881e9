// Whose work a reviewer sees on opening an item without saying whose.
import { awaitsVerdict } from "../components/status";

export interface Assignee {
  user_id: number;
  username: string;
  state: string;
  marked_for_review: boolean;
}

/** Roles that review: they read everyone's work and give verdicts on it. */
export function reviews(role: string | null | undefined): boolean {
  return role === "reviewer" || role === "manager" || role === "admin";
}

/**
 * The first assignee whose work waits for a verdict, else the first one with any work, else
 * the first one; never the reviewer themself. Null when nobody else is assigned.
 */
export function reviewTarget(assignees: Assignee[], me: number | null | undefined): number | null {
  const others = assignees.filter((a) => a.user_id !== me);
  const waiting = others.find((a) => awaitsVerdict(a.state, a.marked_for_review));
  const started = others.find((a) => a.state !== "todo");
  return (waiting ?? started ?? others[0])?.user_id ?? null;
}

/** The ?review= of an editor URL: a user id, or null for one's own work. */
export function reviewParam(raw: string | null): number | null {
  if (raw === null || !/^\d{1,10}$/.test(raw)) return null;
  const id = Number(raw);
  return id >= 1 && id <= 2 ** 31 - 1 ? id : null;
}

/** The editor's URL for reviewing `userId`'s work on an item. */
export function reviewUrl(datapointId: number, userId: number): string {
  return `/datapoints/${datapointId}?review=${userId}`;
}

/** Whether Accept and Reject apply to work in this state (a rejection can follow acceptance). */
export function verdicts(state: string | null, marked: boolean): { accept: boolean; reject: boolean } {
  const waiting = state !== null && awaitsVerdict(state, marked);
  return { accept: waiting, reject: waiting || state === "accepted" };
}
