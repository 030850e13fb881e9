// A colour per annotator, so other people's segments stand apart from the work under review.

const PALETTE = ["#c2410c", "#7c3aed", "#0f766e", "#be185d", "#4d7c0f", "#1d4ed8"];

/** The colour of the `index`-th other author on the item (the same on every render). */
export function authorColor(index: number): string {
  return PALETTE[((index % PALETTE.length) + PALETTE.length) % PALETTE.length];
}

/** Each author id (null: model or import) with its colour, in the order they first appear. */
export function authorColors(authorIds: (number | null)[]): Map<number | null, string> {
  const out = new Map<number | null, string>();
  for (const id of authorIds) if (!out.has(id)) out.set(id, authorColor(out.size));
  return out;
}
