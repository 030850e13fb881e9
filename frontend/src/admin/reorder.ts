// Moving one item of an ordered list, for drag and drop and the up/down buttons.

/** The list with the item at `from` moved to index `to` (clamped); the input is not changed. */
export function move<T>(list: readonly T[], from: number, to: number): T[] {
  const out = [...list];
  if (from < 0 || from >= out.length) return out;
  const target = Math.max(0, Math.min(out.length - 1, to));
  const [item] = out.splice(from, 1);
  out.splice(target, 0, item);
  return out;
}

/** Ids in their new order after dragging `dragged` onto `target`, or null when nothing moves. */
export function dropOrder(
  ids: readonly number[],
  dragged: number,
  target: number,
): number[] | null {
  const from = ids.indexOf(dragged);
  const to = ids.indexOf(target);
  if (from < 0 || to < 0 || from === to) return null;
  return move(ids, from, to);
}
