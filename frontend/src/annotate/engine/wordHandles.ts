// Handles on the waveform at the boundaries between a segment's words, dragged with the mouse
// or a finger. No React: it lives in wavesurfer's scrolled wrapper, so it zooms and scrolls with
// the drawing, and says where a handle was let go in player seconds.
import type WaveSurfer from "wavesurfer.js";

export interface HandleSpot {
  /** Player seconds. */
  time: number;
  /** What it is, for screen readers and tests ("between hello and world"). */
  label: string;
  min: number;
  max: number;
}

const HIT = 11; // px: the grab area around the 2 px line

export class WordHandles {
  private layer: HTMLDivElement;
  private current: HandleSpot[] = [];

  constructor(
    private ws: WaveSurfer,
    /** Called once per drag, on release, with the handle's index and where it was let go. */
    private onDrop: (index: number, time: number) => void,
  ) {
    this.layer = document.createElement("div");
    this.layer.dataset.testid = "word-handles";
    // Above the regions (which take clicks to select and drag), below nothing else.
    this.layer.style.cssText = "position:absolute;inset:0;z-index:6;pointer-events:none;";
    ws.getWrapper().appendChild(this.layer);
  }

  /** Player time under a pointer at `clientX`. */
  timeAt(clientX: number): number {
    const rect = this.layer.getBoundingClientRect();
    const duration = this.ws.getDuration();
    if (rect.width <= 0 || !duration) return 0;
    return ((clientX - rect.left) / rect.width) * duration;
  }

  private place(el: HTMLElement, time: number) {
    const duration = this.ws.getDuration() || 1;
    el.style.left = `calc(${(time / duration) * 100}% - ${HIT / 2}px)`;
    el.dataset.time = time.toFixed(3);
  }

  spots(): HandleSpot[] {
    return this.current;
  }

  set(spots: HandleSpot[]) {
    // A handle nudged from the keyboard keeps the focus when the handles are placed again.
    const root = this.layer.getRootNode() as Document | ShadowRoot;
    const focused = [...this.layer.children].indexOf(root.activeElement as Element);
    this.current = spots;
    this.layer.replaceChildren(...spots.map((s, i) => this.handle(s, i)));
    if (focused >= 0) (this.layer.children[focused] as HTMLElement | undefined)?.focus();
  }

  private handle(spot: HandleSpot, index: number): HTMLElement {
    const el = document.createElement("div");
    el.dataset.testid = "word-boundary";
    el.setAttribute("role", "slider");
    el.setAttribute("aria-label", spot.label);
    el.setAttribute("aria-valuemin", spot.min.toFixed(3));
    el.setAttribute("aria-valuemax", spot.max.toFixed(3));
    el.setAttribute("aria-valuenow", spot.time.toFixed(3));
    el.setAttribute("aria-valuetext", `${spot.time.toFixed(3)} s`);
    el.tabIndex = 0;
    // Arrows nudge by 10 ms (100 ms with Shift), for those who do not drag.
    el.addEventListener("keydown", (e) => {
      if (e.key !== "ArrowLeft" && e.key !== "ArrowRight") return;
      e.preventDefault();
      e.stopPropagation();
      const step = (e.shiftKey ? 0.1 : 0.01) * (e.key === "ArrowLeft" ? -1 : 1);
      this.onDrop(index, this.current[index].time + step);
    });
    el.style.cssText =
      `position:absolute;top:0;bottom:0;width:${HIT}px;cursor:ew-resize;pointer-events:auto;` +
      "touch-action:none;background:linear-gradient(90deg,transparent 4.5px,#b8860b 4.5px," +
      "#b8860b 6.5px,transparent 6.5px);";
    this.place(el, spot.time);
    let dragging = false;
    // Wavesurfer seeks on a click and the regions draw a new segment on a drag of the wrapper:
    // a handle's pointer events stop here.
    const stop = (e: Event) => e.stopPropagation();
    el.addEventListener("click", stop);
    el.addEventListener("pointerdown", (e) => {
      stop(e);
      e.preventDefault();
      el.setPointerCapture(e.pointerId);
      dragging = true;
    });
    el.addEventListener("pointermove", (e) => {
      if (!dragging) return;
      stop(e);
      const s = this.current[index];
      this.place(el, Math.min(s.max, Math.max(s.min, this.timeAt(e.clientX))));
    });
    const release = (e: PointerEvent) => {
      if (!dragging) return;
      stop(e);
      dragging = false;
      this.onDrop(index, this.timeAt(e.clientX));
    };
    el.addEventListener("pointerup", release);
    el.addEventListener("pointercancel", () => {
      dragging = false;
      this.place(el, this.current[index].time);
    });
    return el;
  }

  destroy() {
    this.layer.remove();
  }
}
