// The visible part of the recording: which time range the view shows, the zoom and scroll that
// make a range (a segment) fill it, and the view remembered per datapoint across a reload.
// Times here are player times (see timeFrame): 0 … the frame's duration.

/** The view's geometry, as wavesurfer reports it. */
export interface ViewGeometry {
  /** Pixels scrolled from the start. */
  scroll: number;
  /** Visible width in pixels. */
  width: number;
  /** Width of the whole drawing in pixels (the width when it fits). */
  scrollWidth: number;
  duration: number;
}

/** The seconds shown, [start, end). */
export function visibleRange({ scroll, width, scrollWidth, duration }: ViewGeometry): [number, number] {
  if (!(duration > 0) || !(scrollWidth > 0)) return [0, Math.max(0, duration || 0)];
  const pxPerSec = scrollWidth / duration;
  const start = Math.max(0, Math.min(duration, scroll / pxPerSec));
  return [start, Math.min(duration, start + width / pxPerSec)];
}

export interface ZoomTarget {
  /** For wavesurfer's zoom(): 0 means "fit the whole recording". */
  pxPerSec: number;
  /** The first second shown. */
  start: number;
}

/** Share of the view left free on each side of a zoomed-to range. */
export const ZOOM_MARGIN = 0.05;

/**
 * The zoom and scroll that show [start, end) with `margin` of the view free on either side,
 * never deeper than `maxPxPerSec` (a short range then sits centred) nor wider than the file.
 */
export function zoomToRange(
  start: number,
  end: number,
  width: number,
  duration: number,
  maxPxPerSec: number,
  margin = ZOOM_MARGIN,
): ZoomTarget {
  const a = Math.max(0, Math.min(start, end));
  const b = Math.min(duration, Math.max(start, end));
  const fit = width / Math.max(duration, 1e-6);
  const span = Math.max(b - a, 1e-6) / Math.max(1e-6, 1 - 2 * margin);
  const pxPerSec = Math.min(maxPxPerSec, width / span);
  if (pxPerSec <= fit * 1.0001) return { pxPerSec: 0, start: 0 };
  const shown = width / pxPerSec;
  const first = (a + b) / 2 - shown / 2;
  return { pxPerSec, start: Math.max(0, Math.min(duration - shown, first)) };
}

/** What a reload brings back: the zoom, the first second shown and the cursor. */
export interface SavedView {
  pxPerSec: number;
  start: number;
  time: number;
}

const PREFIX = "audino.view.";

function finite(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value) && value >= 0;
}

/** The view saved for `key` (a datapoint), or null when none or unreadable. */
export function readView(key: string, storage: Pick<Storage, "getItem"> = sessionStorage): SavedView | null {
  try {
    const raw = JSON.parse(storage.getItem(PREFIX + key) ?? "null") as Partial<SavedView> | null;
    if (!raw || !finite(raw.pxPerSec) || !finite(raw.start) || !finite(raw.time)) return null;
    return { pxPerSec: raw.pxPerSec, start: raw.start, time: raw.time };
  } catch {
    return null;
  }
}

export function saveView(key: string, view: SavedView, storage: Pick<Storage, "setItem"> = sessionStorage): void {
  try {
    storage.setItem(PREFIX + key, JSON.stringify(view));
  } catch {
    // Private mode or a full quota: the view just is not remembered.
  }
}
