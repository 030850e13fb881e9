// What the grid is asked to show for the points picked on the map.
import type { MapPoint } from "./colours";

/** The grid's `ids` filter takes at most these many items. */
export const MAX_GRID_IDS = 2000;

/** The items the lists show for these points: a recording shown as windows is its windows. */
export function gridIds(points: Iterable<MapPoint>): number[] {
  const out = new Set<number>();
  for (const p of points) {
    if (p.window_ids?.length) for (const id of p.window_ids) out.add(id);
    else out.add(p.datapoint_id);
  }
  return [...out].sort((a, b) => a - b);
}

/** The grid showing only these items (every status, so none is hidden by the default tab). */
export function gridUrl(projectId: number, ids: readonly number[]): string {
  return `/projects/${projectId}?tab=all&view=grid&ids=${ids.join(",")}`;
}
