// Time–frequency boxes on the spectrogram lane as pure geometry: a box in seconds and Hz, its
// rectangle in the lane's pixels for a scale, and the drags that draw, move and resize it.
// Drags work on pixel rectangles (what the pointer moves), converted to seconds and Hz once.
import { hzToY, yToHz, type FrequencyScale } from "./frequencyScale";

/** A box: seconds (player time) and Hz. */
export interface Box {
  start: number;
  end: number;
  low: number;
  high: number;
}

/** A rectangle in lane pixels: x from the start of the whole file, y from the lane's top. */
export interface Rect {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

/** The lane a box is drawn on: the whole file's width in px, the lane's height in px. */
export interface Lane {
  duration: number;
  width: number;
  height: number;
  nyquist: number;
  scale: FrequencyScale;
}

/** What a pointer grabs: the box's inside (move), an edge or a corner (resize). */
export type Handle = "move" | "n" | "s" | "e" | "w" | "ne" | "nw" | "se" | "sw";

/** Smallest box side the pointer makes (px): less is a click, not a drawing. */
export const MIN_BOX_PX = 4;
/** How near an edge (px) a press grabs it rather than the inside. */
export const EDGE_PX = 6;

/** Seconds to the millisecond (as segments are), Hz to a tenth. */
export function roundBox(box: Box): Box {
  const ms = (t: number) => Math.round(t * 1000) / 1000;
  const tenth = (hz: number) => Math.round(hz * 10) / 10;
  return { start: ms(box.start), end: ms(box.end), low: tenth(box.low), high: tenth(box.high) };
}

export function boxToRect(box: Box, lane: Lane): Rect {
  const perSec = lane.width / Math.max(lane.duration, 1e-9);
  return {
    x0: box.start * perSec,
    x1: box.end * perSec,
    y0: hzToY(box.high, lane.nyquist, lane.scale, lane.height),
    y1: hzToY(box.low, lane.nyquist, lane.scale, lane.height),
  };
}

/** The box a rectangle covers (corners in any order), kept inside the lane and rounded. */
export function rectToBox(rect: Rect, lane: Lane): Box {
  const perSec = lane.width / Math.max(lane.duration, 1e-9);
  const x = (v: number) => Math.min(lane.width, Math.max(0, v));
  const y = (v: number) => Math.min(lane.height, Math.max(0, v));
  const [x0, x1] = [x(rect.x0), x(rect.x1)].sort((a, b) => a - b);
  const [y0, y1] = [y(rect.y0), y(rect.y1)].sort((a, b) => a - b);
  return roundBox({
    start: x0 / perSec,
    end: x1 / perSec,
    low: yToHz(y1, lane.nyquist, lane.scale, lane.height),
    high: yToHz(y0, lane.nyquist, lane.scale, lane.height),
  });
}

/** Whether a drawn rectangle is big enough to be a box (else it was a click). */
export function isBox(rect: Rect): boolean {
  return Math.abs(rect.x1 - rect.x0) >= MIN_BOX_PX && Math.abs(rect.y1 - rect.y0) >= MIN_BOX_PX;
}

/** Which part of `rect` a press at (x, y) grabs, or null when outside it. */
export function handleAt(rect: Rect, x: number, y: number, edge = EDGE_PX): Handle | null {
  if (x < rect.x0 - edge || x > rect.x1 + edge || y < rect.y0 - edge || y > rect.y1 + edge) return null;
  // A small box keeps its middle for moving: edges shrink to a third of its side.
  const ex = Math.min(edge, (rect.x1 - rect.x0) / 3);
  const ey = Math.min(edge, (rect.y1 - rect.y0) / 3);
  const v = y <= rect.y0 + ey ? "n" : y >= rect.y1 - ey ? "s" : "";
  const h = x <= rect.x0 + ex ? "w" : x >= rect.x1 - ex ? "e" : "";
  return ((v + h) || "move") as Handle;
}

/**
 * `rect` after the pointer moved by (dx, dy) holding `handle`, inside a lane of `width` ×
 * `height` px. A move keeps the size (stopping at the lane's edges); a resize stops
 * MIN_BOX_PX short of the opposite edge, so an edge never crosses it.
 */
export function dragRect(rect: Rect, handle: Handle, dx: number, dy: number, width: number, height: number): Rect {
  const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
  if (handle === "move") {
    const mx = clamp(dx, -rect.x0, width - rect.x1);
    const my = clamp(dy, -rect.y0, height - rect.y1);
    return { x0: rect.x0 + mx, x1: rect.x1 + mx, y0: rect.y0 + my, y1: rect.y1 + my };
  }
  const out = { ...rect };
  if (handle.includes("w")) out.x0 = clamp(rect.x0 + dx, 0, rect.x1 - MIN_BOX_PX);
  if (handle.includes("e")) out.x1 = clamp(rect.x1 + dx, rect.x0 + MIN_BOX_PX, width);
  if (handle.includes("n")) out.y0 = clamp(rect.y0 + dy, 0, rect.y1 - MIN_BOX_PX);
  if (handle.includes("s")) out.y1 = clamp(rect.y1 + dy, rect.y0 + MIN_BOX_PX, height);
  return out;
}

/** The CSS cursor for a handle. */
export function cursorFor(handle: Handle | null): string {
  if (handle === null) return "crosshair";
  if (handle === "move") return "move";
  return `${handle}-resize`;
}
