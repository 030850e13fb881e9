// The counts under the progress bar: done by value, and left; kept up to date as decisions
// are saved and undone, starting from the server's figures.

export interface Progress {
  done: number;
  left: number;
  /** Done items by the value they were given (value names). */
  counts: Record<string, number>;
}

export function decided(p: Progress, values: string[]): Progress {
  const counts = { ...p.counts };
  for (const v of values.length ? values : [""]) counts[v] = (counts[v] ?? 0) + 1;
  return { done: p.done + 1, left: Math.max(0, p.left - 1), counts };
}

export function undone(p: Progress, values: string[]): Progress {
  const counts = { ...p.counts };
  for (const v of values.length ? values : [""]) {
    const n = (counts[v] ?? 0) - 1;
    if (n > 0) counts[v] = n;
    else delete counts[v];
  }
  return { done: Math.max(0, p.done - 1), left: p.left + 1, counts };
}

/** The share done, 0–1. */
export function share(p: Progress): number {
  const total = p.done + p.left;
  return total === 0 ? 0 : p.done / total;
}
