// The decisions one can take back, newest last; bounded so 1,000 items keep memory flat, and
// kept in the tab's session storage so a reload mid-queue can still undo.

export interface Decision {
  datapointId: number;
  /** The assignment's values before the decision (what undo puts back). */
  before: Record<string, unknown>;
  /** The value names the decision counted under (for the progress counts). */
  counted: string[];
}

export const UNDO_LIMIT = 50;

export function pushDecision<T>(stack: T[], d: T, limit = UNDO_LIMIT): T[] {
  const next = [...stack, d];
  return next.length > limit ? next.slice(next.length - limit) : next;
}

export function popDecision<T>(stack: T[]): { last: T | null; rest: T[] } {
  if (stack.length === 0) return { last: null, rest: stack };
  return { last: stack[stack.length - 1], rest: stack.slice(0, -1) };
}

/** Where a queue keeps its undo stack in this tab (per project, mode and user). */
export function undoKey(projectId: number, mode: string, userId: number | null): string {
  return `audino:quick-undo:${projectId}:${mode}:${userId ?? "-"}`;
}

export function loadStack<T>(key: string, storage: Storage | null = sessionStore()): T[] {
  try {
    const raw = storage?.getItem(key);
    const parsed: unknown = raw ? JSON.parse(raw) : [];
    return Array.isArray(parsed) ? (parsed.slice(-UNDO_LIMIT) as T[]) : [];
  } catch {
    return []; // unreadable: nothing to undo, never a broken page
  }
}

export function saveStack<T>(key: string, stack: T[], storage: Storage | null = sessionStore()): void {
  try {
    if (stack.length) storage?.setItem(key, JSON.stringify(stack));
    else storage?.removeItem(key);
  } catch {
    // Storage full or refused (private mode): undo still works until the page is left.
  }
}

function sessionStore(): Storage | null {
  try {
    return typeof window === "undefined" ? null : window.sessionStorage;
  } catch {
    return null;
  }
}
