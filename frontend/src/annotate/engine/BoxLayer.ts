// The box layer: time–frequency boxes drawn over the spectrogram lane inside wavesurfer's
// scrolling wrapper, and the pointer drags that draw, move and resize them. It knows no React:
// it draws what it is given and reports finished gestures; the editor decides what they mean.
// Boxes sit in percent of the file's width, so a zoom or a scroll needs no redrawing.
import { boxToRect, cursorFor, dragRect, handleAt, isBox, rectToBox, type Box, type Handle, type Lane, type Rect } from "./boxes";
import type { FrequencyScale } from "./frequencyScale";

export interface BoxItem {
  id: string;
  /** In the player's time. */
  box: Box;
  color: string;
  label: string;
  selected: boolean;
}

export interface BoxLayerEvents {
  /** A box drawn on an empty part of the lane. */
  onDraw(box: Box): void;
  /** A box dropped after a move or a resize. */
  onChange(id: string, box: Box, handle: Handle): void;
  onSelect(id: string): void;
  onPlay(id: string): void;
}

export interface BoxLaneOptions {
  /** Where the spectrogram lane starts in the wrapper (px) and how tall it is (0: hidden). */
  top: number;
  height: number;
  scale: FrequencyScale;
  nyquist: number;
  /** Drawing new boxes on empty parts of the lane (else presses there go to the waveform). */
  canDraw: boolean;
  /** Nothing drawn, moved or resized: boxes only select and play. */
  readOnly: boolean;
}

type Gesture =
  | { kind: "draw"; x: number; y: number; rect: Rect }
  | { kind: "drag"; id: string; handle: Handle; x: number; y: number; from: Rect; rect: Rect; moved: boolean };

/** Pointer travel (px) under which a press on a box is a click. */
const CLICK_PX = 3;

export class BoxLayer {
  readonly element: HTMLDivElement;
  private readonly preview: HTMLDivElement;
  private readonly drawn = new Map<string, HTMLDivElement>();
  private items: BoxItem[] = [];
  private gesture: Gesture | null = null;
  /** The click that ends a gesture must not reach the waveform (it would seek). */
  private swallowClick = false;

  constructor(
    wrapper: HTMLElement,
    private readonly duration: () => number,
    private lane: BoxLaneOptions,
    private readonly events: BoxLayerEvents,
  ) {
    this.element = document.createElement("div");
    this.element.dataset.testid = "box-layer";
    this.element.setAttribute("aria-label", "Boxes on the spectrogram");
    // Above the regions (z-index 5) so a press on the lane reaches the boxes first.
    Object.assign(this.element.style, { position: "absolute", left: "0", width: "100%", zIndex: "6", touchAction: "none" });
    this.preview = document.createElement("div");
    this.preview.dataset.testid = "box-preview";
    Object.assign(this.preview.style, {
      position: "absolute",
      display: "none",
      border: "2px dashed #fff",
      background: "rgba(255, 255, 255, 0.12)",
      pointerEvents: "none",
      boxSizing: "border-box",
    });
    this.element.append(this.preview);
    this.element.addEventListener("pointerdown", this.down);
    this.element.addEventListener("pointermove", this.move);
    this.element.addEventListener("pointerup", this.up);
    this.element.addEventListener("pointercancel", this.cancel);
    this.element.addEventListener("click", this.click);
    this.element.addEventListener("dblclick", this.dblclick);
    wrapper.append(this.element);
    this.layout();
  }

  /** Where the lane starts in the wrapper (px), or null while it is hidden. */
  get laneTop(): number | null {
    return this.lane.height > 0 ? this.lane.top : null;
  }

  setLane(lane: BoxLaneOptions): void {
    this.lane = lane;
    this.layout();
    this.render();
  }

  setBoxes(items: BoxItem[]): void {
    this.items = items;
    this.render();
  }

  destroy(): void {
    this.element.remove();
  }

  private layout(): void {
    const { top, height, canDraw, readOnly } = this.lane;
    Object.assign(this.element.style, {
      top: `${top}px`,
      height: `${height}px`,
      display: height > 0 ? "block" : "none",
      // Without drawing, the empty lane lets presses through (segments are drawn there).
      pointerEvents: canDraw && !readOnly ? "auto" : "none",
      cursor: "crosshair",
    });
  }

  private geometry(): Lane {
    return {
      duration: this.duration(),
      width: this.element.getBoundingClientRect().width,
      height: this.lane.height,
      nyquist: this.lane.nyquist,
      scale: this.lane.scale,
    };
  }

  private render(): void {
    const lane = this.geometry();
    const seen = new Set<string>();
    for (const item of this.items) {
      seen.add(item.id);
      let el = this.drawn.get(item.id);
      if (!el) {
        el = document.createElement("div");
        el.dataset.boxId = item.id;
        el.dataset.testid = "box";
        Object.assign(el.style, { position: "absolute", boxSizing: "border-box", pointerEvents: "auto" });
        el.append(document.createElement("span"));
        this.element.append(el);
        this.drawn.set(item.id, el);
      }
      const dragging = this.gesture?.kind === "drag" && this.gesture.id === item.id;
      if (!dragging) this.place(el, item.box, lane);
      Object.assign(el.style, {
        border: `${item.selected ? 3 : 2}px solid ${item.color}`,
        background: item.selected ? "rgba(255, 255, 255, 0.16)" : "rgba(255, 255, 255, 0.06)",
        zIndex: item.selected ? "2" : "1",
        cursor: this.lane.readOnly ? "pointer" : "move",
      });
      el.dataset.selected = String(item.selected);
      el.dataset.start = String(item.box.start);
      el.dataset.end = String(item.box.end);
      el.dataset.lowHz = String(item.box.low);
      el.dataset.highHz = String(item.box.high);
      const tag = el.firstElementChild as HTMLSpanElement;
      if (tag.textContent !== item.label) tag.textContent = item.label;
      Object.assign(tag.style, {
        position: "absolute",
        left: "0",
        bottom: "100%",
        font: "600 10px/1.2 system-ui, sans-serif",
        color: "#fff",
        background: item.color,
        padding: "0 3px",
        whiteSpace: "nowrap",
        pointerEvents: "none",
        display: item.label ? "block" : "none",
      });
    }
    for (const [id, el] of this.drawn) {
      if (!seen.has(id)) {
        el.remove();
        this.drawn.delete(id);
      }
    }
  }

  /** Percent of the file across (zoom-proof), pixels down the lane. */
  private place(el: HTMLElement, box: Box, lane: Lane): void {
    const d = Math.max(lane.duration, 1e-9);
    const rect = boxToRect(box, { ...lane, width: 100, duration: d });
    Object.assign(el.style, {
      left: `${rect.x0}%`,
      width: `${rect.x1 - rect.x0}%`,
      top: `${rect.y0}px`,
      height: `${rect.y1 - rect.y0}px`,
    });
  }

  private placePx(el: HTMLElement, rect: Rect): void {
    Object.assign(el.style, {
      left: `${Math.min(rect.x0, rect.x1)}px`,
      width: `${Math.abs(rect.x1 - rect.x0)}px`,
      top: `${Math.min(rect.y0, rect.y1)}px`,
      height: `${Math.abs(rect.y1 - rect.y0)}px`,
    });
  }

  private point(e: PointerEvent): { x: number; y: number } {
    const r = this.element.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  }

  /** The box under a point and the part grabbed: the selected one first, then the top one. */
  private hit(x: number, y: number): { id: string; handle: Handle; rect: Rect } | null {
    const lane = this.geometry();
    // Later boxes are drawn on top; the selected one is above them all.
    const order = [...this.items].reverse().sort((a, b) => Number(b.selected) - Number(a.selected));
    for (const item of order) {
      const rect = boxToRect(item.box, lane);
      const handle = handleAt(rect, x, y);
      if (handle) return { id: item.id, handle, rect };
    }
    return null;
  }

  private readonly down = (e: PointerEvent) => {
    this.swallowClick = false;
    if (e.button !== 0) return;
    const { x, y } = this.point(e);
    const hit = this.hit(x, y);
    if (!hit && !(this.lane.canDraw && !this.lane.readOnly)) return;
    // Neither wavesurfer's seek nor the regions' drawing sees a press meant for a box.
    e.stopPropagation();
    e.preventDefault();
    // On the element pressed: the layer itself lets presses through when it does not draw.
    (e.target as Element).setPointerCapture?.(e.pointerId);
    if (hit) {
      const handle: Handle = this.lane.readOnly ? "move" : hit.handle;
      this.gesture = { kind: "drag", id: hit.id, handle, x, y, from: hit.rect, rect: hit.rect, moved: false };
    } else {
      this.gesture = { kind: "draw", x, y, rect: { x0: x, x1: x, y0: y, y1: y } };
    }
  };

  private readonly move = (e: PointerEvent) => {
    const g = this.gesture;
    const { x, y } = this.point(e);
    if (!g) {
      const hit = this.hit(x, y);
      this.element.style.cursor = cursorFor(hit && !this.lane.readOnly ? hit.handle : null);
      return;
    }
    e.stopPropagation();
    const lane = this.geometry();
    const px = Math.max(0, Math.min(lane.width, x));
    const py = Math.max(0, Math.min(lane.height, y));
    if (g.kind === "draw") {
      g.rect = { x0: g.x, x1: px, y0: g.y, y1: py };
      this.preview.style.display = "block";
      this.placePx(this.preview, g.rect);
      return;
    }
    if (!g.moved && Math.abs(x - g.x) + Math.abs(y - g.y) < CLICK_PX) return;
    if (this.lane.readOnly) return;
    g.moved = true;
    g.rect = dragRect(g.from, g.handle, x - g.x, y - g.y, lane.width, lane.height);
    const el = this.drawn.get(g.id);
    if (el) this.placePx(el, g.rect);
  };

  private readonly up = (e: PointerEvent) => {
    const g = this.gesture;
    if (!g) return;
    e.stopPropagation();
    this.move(e);
    this.gesture = null;
    this.preview.style.display = "none";
    this.swallowClick = true;
    const lane = this.geometry();
    if (g.kind === "draw") {
      if (isBox(g.rect)) this.events.onDraw(rectToBox(g.rect, lane));
      else this.swallowClick = false; // a plain click on the lane seeks, as on the waveform
      return;
    }
    if (g.moved) this.events.onChange(g.id, rectToBox(g.rect, lane), g.handle);
    else this.events.onSelect(g.id);
    // Back where React says it is until the change comes round (or if it was refused).
    this.render();
  };

  private readonly cancel = () => {
    this.gesture = null;
    this.preview.style.display = "none";
    this.render();
  };

  private readonly click = (e: MouseEvent) => {
    if (!this.swallowClick) return;
    this.swallowClick = false;
    e.stopPropagation();
  };

  private readonly dblclick = (e: MouseEvent) => {
    const target = (e.target as HTMLElement).closest<HTMLElement>("[data-box-id]");
    if (!target?.dataset.boxId) return;
    e.stopPropagation();
    this.events.onPlay(target.dataset.boxId);
  };
}
