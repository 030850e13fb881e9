// The view's zoom and scroll as the page uses them: zoom to the selected segment and back to
// the whole file, and the view of each datapoint kept in
// sessionStorage so a reload comes back where the annotator was.
import { useCallback, useEffect } from "react";
import type WaveSurfer from "wavesurfer.js";
import { toPlayer, type TimeFrame } from "./engine/timeFrame";
import { readView, saveView, visibleRange, zoomToRange, type ZoomTarget } from "./engine/viewport";

/** The duration the drawing is laid out with (the peaks' one for a streamed file). */
function layoutDuration(ws: WaveSurfer): number {
  return ws.getDecodedData()?.duration || ws.getDuration();
}

/** The seconds shown now (player time). */
export function shownRange(ws: WaveSurfer): [number, number] {
  return visibleRange({
    scroll: ws.getScroll(),
    width: ws.getWidth(),
    scrollWidth: ws.getWrapper().scrollWidth,
    duration: layoutDuration(ws),
  });
}

/** Zooms and scrolls so that `target.start` is the first second shown. */
export function applyZoom(ws: WaveSurfer, target: ZoomTarget): void {
  if (!ws.getDecodedData()) return; // not drawn yet: wavesurfer cannot zoom
  ws.zoom(target.pxPerSec);
  const duration = layoutDuration(ws);
  const perSec = duration > 0 ? ws.getWrapper().scrollWidth / duration : 0;
  ws.setScroll(Math.round(target.start * perSec));
}

/** wavesurfer keeps the cursor in view: a cursor outside the new range moves to its start. */
function keepCursorInside(ws: WaveSurfer, start: number, end: number): void {
  const now = ws.getCurrentTime();
  if (now < start || now > end) ws.setTime(start);
}

interface Options {
  ws: WaveSurfer | null;
  ready: boolean;
  frame: TimeFrame;
  /** The deepest zoom, pixels per second. */
  maxZoom: number;
  /** The selected segment, in recording time. */
  selected: { start: number; end: number } | null;
  /** Where the view is remembered (the datapoint's id); null remembers nothing. */
  memoryKey: string | null;
  say(text: string): void;
}

export interface Viewport {
  zoomToSelection(): void;
  zoomToFit(): void;
}

export function useViewport({ ws, ready, frame, maxZoom, selected, memoryKey, say }: Options): Viewport {
  // Every zoom, scroll and seek is remembered (a moment later, once per burst).
  useEffect(() => {
    if (!ws || !ready || !memoryKey) return;
    const key = memoryKey;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const restored = readView(key);
    // Until the saved view is back, the view the page opened with must not overwrite it.
    let restoring = restored !== null;
    const remember = () => {
      timer = null;
      if (restoring || !ws.getDecodedData()) return;
      const [start] = shownRange(ws);
      const zoomed = ws.getWrapper().scrollWidth > ws.getWidth() + 1;
      const pxPerSec = zoomed ? ws.getWrapper().scrollWidth / layoutDuration(ws) : 0;
      saveView(key, { pxPerSec, start, time: ws.getCurrentTime() });
    };
    const changed = () => {
      if (!timer) timer = setTimeout(remember, 200);
    };
    const offs = (["zoom", "scroll", "timeupdate"] as const).map((e) => ws.on(e, changed));
    if (restored) {
      const restore = () => {
        if (restored.time > 0) ws.setTime(Math.min(restored.time, layoutDuration(ws)));
        applyZoom(ws, { pxPerSec: Math.min(restored.pxPerSec, maxZoom), start: restored.start });
        restoring = false;
      };
      if (ws.getDecodedData()) restore();
      else offs.push(ws.once("ready", restore));
    }
    window.addEventListener("pagehide", remember);
    return () => {
      offs.forEach((off) => off());
      window.removeEventListener("pagehide", remember);
      if (timer) clearTimeout(timer);
      remember();
    };
    // maxZoom only caps a restored zoom: a change of it must not restore again.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ws, ready, memoryKey]);

  const zoomToSelection = useCallback(() => {
    if (!ws || !ready) return;
    if (!selected) return say("Select a segment to zoom to it.");
    const start = toPlayer(frame, selected.start);
    const end = toPlayer(frame, selected.end);
    const target = zoomToRange(start, end, ws.getWidth(), layoutDuration(ws), maxZoom);
    keepCursorInside(ws, start, end);
    applyZoom(ws, target);
  }, [ws, ready, selected, frame, maxZoom, say]);

  const zoomToFit = useCallback(() => {
    if (!ws || !ready) return;
    applyZoom(ws, { pxPerSec: 0, start: 0 });
  }, [ws, ready]);

  return { zoomToSelection, zoomToFit };
}
