// The lasso on the dataset map: the path the pointer draws, and which points lie inside it.
// Plain geometry in screen pixels, no DOM here, so it is tested on its own.

export interface Pt {
  x: number;
  y: number;
}

/** A lasso needs at least this many corners and this much area (px²) to pick anything. */
export const MIN_CORNERS = 3;
export const MIN_AREA = 16;
/** A pointer that moved less than this (px) between press and release clicked. */
export const CLICK_SLOP = 4;

/**
 * Whether `p` lies inside `polygon` (even–odd rule: a ray to the right crosses the edges an
 * odd number of times). The polygon closes itself from its last corner to its first; points
 * exactly on an edge may fall either way.
 */
export function insidePolygon(p: Pt, polygon: readonly Pt[]): boolean {
  let inside = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const a = polygon[i];
    const b = polygon[j];
    if (a.y > p.y !== b.y > p.y && p.x < ((b.x - a.x) * (p.y - a.y)) / (b.y - a.y) + a.x) {
      inside = !inside;
    }
  }
  return inside;
}

/** The area the polygon encloses (shoelace formula; self-crossing parts may cancel out). */
export function polygonArea(polygon: readonly Pt[]): number {
  let twice = 0;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    twice += (polygon[j].x + polygon[i].x) * (polygon[j].y - polygon[i].y);
  }
  return Math.abs(twice) / 2;
}

/** The indexes of the points inside the lasso (none for a lasso too small to mean one). */
export function pointsInside(points: readonly Pt[], polygon: readonly Pt[]): number[] {
  if (polygon.length < MIN_CORNERS || polygonArea(polygon) < MIN_AREA) return [];
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const c of polygon) {
    minX = Math.min(minX, c.x);
    maxX = Math.max(maxX, c.x);
    minY = Math.min(minY, c.y);
    maxY = Math.max(maxY, c.y);
  }
  const out: number[] = [];
  points.forEach((p, i) => {
    // The bounding box first: most of 10,000 points are rejected without the edge walk.
    if (p.x < minX || p.x > maxX || p.y < minY || p.y > maxY) return;
    if (insidePolygon(p, polygon)) out.push(i);
  });
  return out;
}

/** Adds the pointer's position to the path unless it barely moved (keeps paths short). */
export function extend(path: Pt[], p: Pt, minStep = 3): Pt[] {
  const last = path[path.length - 1];
  if (last && Math.hypot(p.x - last.x, p.y - last.y) < minStep) return path;
  return [...path, p];
}

/** The index of the point nearest `p` within `radius` px, or null. */
export function nearest(points: readonly Pt[], p: Pt, radius: number): number | null {
  let best: number | null = null;
  let bestDistance = radius * radius;
  points.forEach((q, i) => {
    const d = (q.x - p.x) ** 2 + (q.y - p.y) ** 2;
    if (d <= bestDistance) {
      best = i;
      bestDistance = d;
    }
  });
  return best;
}
