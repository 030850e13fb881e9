// A wavesurfer plugin that draws long recordings with a fixed set of canvases: the waveform from
// the server's peaks, the spectrogram lane from server tiles, and the time ruler. The canvases
// stay the width of the view (sticky inside wavesurfer's scrolling wrapper) whatever the zoom,
// so memory stays flat however long the file and however far the annotator jumps. (wavesurfer
// itself is given height 0: its own canvases, made anew on every scroll, then hold no pixels.)
import BasePlugin, { type BasePluginEvents } from "wavesurfer.js/dist/base-plugin.js";
import type { Column, PeaksStore } from "./peaks";
import { rulerLabel, rulerSteps } from "./ruler";
import {
  formatHz,
  localTicks,
  spreadTicks,
  tileSeconds,
  tileUrl,
  tileWindow,
  tilesFor,
  type SpectrogramSettings,
  type Tick,
  type TileStore,
} from "./spectrogram";

export interface StreamViewOptions {
  peaks: PeaksStore;
  tiles: TileStore;
  /** `/api/datapoints/{id}`: where peaks and tiles come from. */
  base: string;
  waveHeight: number;
  spectrogramHeight: number;
  spectrogram: SpectrogramSettings;
  /** Frequency ticks for a scale and height (the server's axis, or computed here). */
  axis?: (settings: SpectrogramSettings, height: number) => Promise<Tick[]>;
  /** Where the player's 0 lies in the recording (a window's offset): the ruler says recording time. */
  timeOffset?: number;
}

export type StreamViewEvents = BasePluginEvents & {
  /** The first complete drawing of the waveform (the audio source may be set after it). */
  drawn: [];
};

const RULER_HEIGHT = 18;
const WAVE = "#9aa7bb";
const PLAYED = "#4a6fb5";

function el<K extends keyof HTMLElementTagNameMap>(tag: K, style: Partial<CSSStyleDeclaration>): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  Object.assign(node.style, style);
  return node;
}

export class StreamView extends BasePlugin<StreamViewEvents, StreamViewOptions> {
  private readonly root: HTMLDivElement;
  private readonly waveCanvas: HTMLCanvasElement;
  private readonly specCanvas: HTMLCanvasElement;
  private readonly rulerCanvas: HTMLCanvasElement;
  private readonly axisBox: HTMLDivElement;
  private frame = 0;
  private columns: Column[] = [];
  private drawnOnce = false;
  private ticks: Tick[] = [];
  private axisKey = "";

  constructor(options: StreamViewOptions) {
    super(options);
    this.root = el("div", {
      position: "sticky",
      left: "0",
      zIndex: "1",
      pointerEvents: "none",
      overflow: "hidden",
    });
    this.root.setAttribute("part", "stream-view");
    this.root.dataset.testid = "stream-view";
    // Inline position: wavesurfer's shadow stylesheet makes every canvas absolute at the top.
    const flow = { display: "block", position: "relative", top: "auto", left: "auto" } as const;
    this.waveCanvas = el("canvas", { ...flow });
    this.waveCanvas.className = "stream-wave";
    this.specCanvas = el("canvas", { ...flow, background: "#0b0d12" });
    this.specCanvas.className = "stream-spectrogram";
    this.specCanvas.dataset.testid = "spectrogram";
    this.rulerCanvas = el("canvas", { ...flow });
    this.axisBox = el("div", {
      position: "absolute",
      left: "2px",
      top: `${options.waveHeight}px`,
      height: `${options.spectrogramHeight}px`,
      width: "60px",
      font: "10px/1 system-ui, sans-serif",
      color: "#fff",
    });
    this.axisBox.setAttribute("aria-label", "Frequency axis");
    this.root.append(this.waveCanvas, this.specCanvas, this.rulerCanvas, this.axisBox);
  }

  static create(options: StreamViewOptions) {
    return new StreamView(options);
  }

  protected onInit(): void {
    const ws = this.wavesurfer;
    if (!ws) return;
    const wrapper = ws.getWrapper();
    const canvases = wrapper.querySelector("[part=canvases]") ?? wrapper.firstElementChild;
    if (canvases) canvases.insertAdjacentElement("afterend", this.root);
    else wrapper.prepend(this.root);
    const redraw = () => this.schedule();
    this.options.peaks.onLoad = redraw;
    this.options.tiles.onLoad = redraw;
    for (const event of ["redraw", "redrawcomplete", "ready", "zoom", "scroll", "resize", "timeupdate"] as const) {
      this.subscriptions.push(ws.on(event, redraw));
    }
    this.layout();
    this.schedule();
  }

  destroy(): void {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.root.remove();
    super.destroy();
  }

  setSpectrogram(settings: SpectrogramSettings): void {
    this.options.spectrogram = settings;
    this.layout();
    this.schedule();
  }

  /** Redraw on the next frame (many events in one frame draw once). */
  schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  }

  private get specHeight(): number {
    return this.options.spectrogram.show ? this.options.spectrogramHeight : 0;
  }

  private layout(): void {
    const { waveHeight } = this.options;
    this.root.style.height = `${waveHeight + this.specHeight + RULER_HEIGHT}px`;
    this.specCanvas.style.display = this.specHeight ? "block" : "none";
    this.axisBox.style.display = this.specHeight ? "block" : "none";
  }

  private fit(canvas: HTMLCanvasElement, width: number, height: number): CanvasRenderingContext2D | null {
    const ratio = Math.min(2, window.devicePixelRatio || 1);
    const w = Math.max(1, Math.round(width * ratio));
    const h = Math.max(1, Math.round(height * ratio));
    if (canvas.width !== w || canvas.height !== h) {
      canvas.width = w;
      canvas.height = h;
      canvas.style.width = `${width}px`;
      canvas.style.height = `${height}px`;
    }
    const ctx = canvas.getContext("2d");
    ctx?.setTransform(ratio, 0, 0, ratio, 0, 0);
    return ctx;
  }

  private draw(): void {
    const ws = this.wavesurfer;
    if (!ws) return;
    // The peaks' duration: wavesurfer lays the view out with it, and tile URLs stay the same
    // when the <audio> later reports its own (slightly different) duration.
    const duration = this.options.peaks.info.duration || ws.getDuration();
    const width = ws.getWidth();
    const total = ws.getWrapper().scrollWidth;
    if (!duration || width <= 0 || total <= 0) return;
    const pxPerSec = total / duration;
    const secondsPerPixel = 1 / pxPerSec;
    const t0 = ws.getScroll() / pxPerSec;
    this.root.style.width = `${width}px`;
    const level = this.options.peaks.want(t0, secondsPerPixel, width);
    const complete = this.drawWave(width, t0, secondsPerPixel, ws.getCurrentTime());
    this.root.dataset.level = String(level);
    this.root.dataset.complete = String(complete);
    if (this.specHeight) this.drawSpectrogram(width, t0, pxPerSec, duration);
    this.drawRuler(width, t0, pxPerSec);
    if (!this.drawnOnce) {
      this.drawnOnce = true;
      this.emit("drawn");
    }
  }

  private drawWave(width: number, t0: number, secondsPerPixel: number, now: number): boolean {
    const height = this.options.waveHeight;
    const ctx = this.fit(this.waveCanvas, width, height);
    if (!ctx) return false;
    if (this.columns.length !== width) this.columns = Array.from({ length: width }, () => ({ min: 0, max: 0 }));
    const complete = this.options.peaks.columns(t0, secondsPerPixel, this.columns);
    ctx.clearRect(0, 0, width, height);
    const mid = height / 2;
    const played = Math.floor((now - t0) / secondsPerPixel);
    for (const [color, from, to] of [
      [PLAYED, 0, Math.min(width, played)],
      [WAVE, Math.max(0, played), width],
    ] as const) {
      ctx.fillStyle = color;
      ctx.beginPath();
      for (let x = from; x < to; x++) {
        const { min, max } = this.columns[x];
        const top = mid - max * mid;
        ctx.rect(x, top, 1, Math.max(1, mid - min * mid - top));
      }
      ctx.fill();
    }
    return complete;
  }

  private drawSpectrogram(width: number, t0: number, pxPerSec: number, duration: number): void {
    const height = this.specHeight;
    const ctx = this.fit(this.specCanvas, width, height);
    if (!ctx) return;
    const settings = this.options.spectrogram;
    const span = tileSeconds(pxPerSec);
    const t1 = t0 + width / pxPerSec;
    let drawn = 0;
    let missing = 0;
    ctx.clearRect(0, 0, width, height);
    for (const index of tilesFor(t0, t1, span, duration)) {
      const tile = tileWindow(index, span, duration);
      const url = tileUrl(this.options.base, tile, height, settings, this.options.peaks.info.channels);
      const bitmap = this.options.tiles.tile(url);
      if (!bitmap) {
        missing++;
        continue;
      }
      const x = (tile.start - t0) * pxPerSec;
      ctx.drawImage(bitmap, x, 0, (tile.end - tile.start) * pxPerSec, height);
      drawn++;
    }
    this.specCanvas.dataset.tilesDrawn = String(drawn);
    this.specCanvas.dataset.tilesMissing = String(missing);
    this.updateAxis(height);
  }

  private updateAxis(height: number): void {
    const settings = this.options.spectrogram;
    const key = `${settings.scale}:${height}`;
    if (key === this.axisKey) return;
    this.axisKey = key;
    const local = () => localTicks(this.options.peaks.info.sample_rate, settings.scale, height);
    const apply = (all: Tick[]) => {
      if (this.axisKey !== key) return;
      const ticks = spreadTicks(all, 12);
      this.ticks = ticks;
      this.axisBox.replaceChildren(
        ...ticks.map((t) => {
          const label = el("span", {
            position: "absolute",
            left: "0",
            top: `${Math.max(0, Math.min(height - 12, t.y - 5))}px`,
            padding: "1px 3px",
            background: "rgba(0, 0, 0, 0.55)",
            borderRadius: "2px",
            whiteSpace: "nowrap",
          });
          label.textContent = formatHz(t.hz);
          return label;
        }),
      );
    };
    apply(local());
    this.options.axis?.(settings, height).then(apply, () => undefined);
  }

  /** The ticks shown on the frequency axis (for tests). */
  get frequencyTicks(): Tick[] {
    return this.ticks;
  }

  private drawRuler(width: number, t0: number, pxPerSec: number): void {
    const ctx = this.fit(this.rulerCanvas, width, RULER_HEIGHT);
    if (!ctx) return;
    ctx.clearRect(0, 0, width, RULER_HEIGHT);
    const { label, minor } = rulerSteps(pxPerSec);
    ctx.fillStyle = "#5f6b7c";
    ctx.font = "11px system-ui, sans-serif";
    ctx.textBaseline = "top";
    // Ticks on round recording times, so a window's ruler reads like the whole file's.
    const a0 = t0 + (this.options.timeOffset ?? 0);
    const first = Math.floor(a0 / minor) * minor;
    const a1 = a0 + width / pxPerSec;
    for (let i = 0, t = first; t <= a1; i++, t = first + i * minor) {
      const x = Math.round((t - a0) * pxPerSec) + 0.5;
      const major = Math.abs(t / label - Math.round(t / label)) < 1e-6;
      ctx.fillRect(x, 0, 1, major ? 8 : 4);
      if (major && t >= 0) ctx.fillText(rulerLabel(t, label), x + 3, 6);
    }
  }
}
