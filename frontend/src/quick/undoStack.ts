// The decisions one can take back, newest last; bounded so 1,000 items keep memory flat.

export interface Decision {
  datapointId: number;
  /** The assignment's values before the decision (what undo puts back). */
  before: Record<string, unknown>;
  /** The value names the decision counted under (for the progress counts). */
  counted: string[];
}

export const UNDO_LIMIT = 50;

export function pushDecision(stack: Decision[], d: Decision, limit = UNDO_LIMIT): Decision[] {
  const next = [...stack, d];
  return next.length > limit ? next.slice(next.length - limit) : next;
}

export function popDecision(stack: Decision[]): { last: Decision | null; rest: Decision[] } {
  if (stack.length === 0) return { last: null, rest: stack };
  return { last: stack[stack.length - 1], rest: stack.slice(0, -1) };
}
