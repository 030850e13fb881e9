// A wavesurfer plugin that draws long recordings with a fixed set of canvases: the waveform from
// the server's peaks, the spectrogram lane from server tiles, and the time ruler. The canvases
// stay the width of the view (sticky inside wavesurfer's scrolling wrapper) whatever the zoom,
// so memory stays flat however long the file and however far the annotator jumps. (wavesurfer
// itself is given height 0: its own canvases, made anew on every scroll, then hold no pixels.)
// After a zoom or a jump the coarser peaks and tiles already here stand in, scaled to the new
// view, under a thin moving line, until the finer ones come.
import BasePlugin, { type BasePluginEvents } from "wavesurfer.js/dist/base-plugin.js";
import { drawColumns, laneLayout, type LaneLayout, type LaneView } from "./lanes";
import type { Column, PeaksStore } from "./peaks";
import { rulerLabel, rulerSteps } from "./ruler";
import {
  AXIS_LABEL_PX,
  formatHz,
  localTicks,
  axisLabels,
  coarserTiles,
  finerTiles,
  sourceColumns,
  tileSeconds,
  tileUrl,
  tileWindow,
  tilesFor,
  type SpectrogramSettings,
  type TileRequest,
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
  /** A thin moving line at the top while finer peaks or tiles are on their way. */
  private readonly cue: HTMLDivElement;
  private cueAnimation: Animation | null = null;
  private frame = 0;
  private columns: Column[] = [];
  private drawnOnce = false;
  private ticks: Tick[] = [];
  private axisKey = "";
  /** One lane per channel (the split view) instead of all channels in one waveform. */
  private split = false;

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
    this.cue = el("div", {
      position: "absolute",
      left: "0",
      top: "0",
      width: "100%",
      height: "2px",
      display: "none",
      background: "linear-gradient(90deg, transparent, rgba(74, 111, 181, 0.85), transparent) no-repeat",
      backgroundSize: "30% 100%",
    });
    this.cue.dataset.testid = "detail-loading";
    this.cue.setAttribute("role", "status");
    this.cue.setAttribute("aria-label", "Loading finer detail");
    this.root.append(this.waveCanvas, this.specCanvas, this.rulerCanvas, this.axisBox, this.cue);
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
    this.cueAnimation?.cancel();
    this.root.remove();
    super.destroy();
  }

  /** Draws one lane per channel, or all channels in one waveform. */
  setSplit(split: boolean): void {
    if (split === this.split) return;
    this.split = split;
    this.layout();
    this.schedule();
  }

  /** The waveform lanes as drawn now (pixels from the top of the view). */
  get lanes(): LaneLayout {
    return laneLayout(this.split, this.options.peaks.info.channels, this.options.waveHeight);
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
    const waveHeight = this.lanes.height;
    this.root.style.height = `${waveHeight + this.specHeight + RULER_HEIGHT}px`;
    this.root.dataset.lanes = String(this.lanes.lanes.length);
    this.axisBox.style.top = `${waveHeight}px`;
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
    // Which view this drawing is of (tests wait for a zoom or a scroll to be drawn).
    this.root.dataset.view = `${t0.toFixed(3)}:${pxPerSec.toFixed(4)}`;
    const level = this.options.peaks.want(t0, secondsPerPixel, width);
    const complete = this.drawWave(width, t0, secondsPerPixel, ws.getCurrentTime());
    this.root.dataset.level = String(level);
    this.root.dataset.complete = String(complete);
    const tilesMissing = this.specHeight ? this.drawSpectrogram(width, t0, pxPerSec, duration) : 0;
    this.showLoading(!complete || tilesMissing > 0);
    this.drawRuler(width, t0, pxPerSec);
    if (!this.drawnOnce) {
      this.drawnOnce = true;
      this.emit("drawn");
    }
  }

  private drawWave(width: number, t0: number, secondsPerPixel: number, now: number): boolean {
    const { lanes, height } = this.lanes;
    const ctx = this.fit(this.waveCanvas, width, height);
    if (!ctx) return false;
    ctx.clearRect(0, 0, width, height);
    const view = { width, t0, secondsPerPixel, now };
    if (!lanes.length) return this.drawLane(ctx, view, 0, height);
    let complete = true;
    for (const lane of lanes) {
      complete = this.drawLane(ctx, view, lane.top, lane.height, lane.channel) && complete;
      // A hairline between lanes.
      ctx.fillStyle = "#d5dae2";
      if (lane.top > 0) ctx.fillRect(0, lane.top, width, 1);
    }
    return complete;
  }

  private drawLane(ctx: CanvasRenderingContext2D, view: LaneView, top: number, height: number, channel?: number): boolean {
    const { width, t0, secondsPerPixel } = view;
    if (this.columns.length !== width) this.columns = Array.from({ length: width }, () => ({ min: 0, max: 0 }));
    const complete = this.options.peaks.columns(t0, secondsPerPixel, this.columns, channel);
    drawColumns(ctx, this.columns, top, height, Math.floor((view.now - t0) / secondsPerPixel));
    return complete;
  }

  private drawSpectrogram(width: number, t0: number, pxPerSec: number, duration: number): number {
    const height = this.specHeight;
    const ctx = this.fit(this.specCanvas, width, height);
    if (!ctx) return 0;
    const { tiles, base, spectrogram: settings } = this.options;
    const channels = this.options.peaks.info.channels;
    const urlOf = (tile: TileRequest) => tileUrl(base, tile, height, settings, channels);
    const span = tileSeconds(pxPerSec);
    // The whole file's tiles, always kept: a jump anywhere has something to stretch at once.
    const overviewSpan = Math.max(span, tileSeconds(width / duration));
    const t1 = t0 + width / pxPerSec;
    const ready: [TileRequest, ImageBitmap][] = [];
    const missing: TileRequest[] = [];
    tiles.nextRound();
    for (const index of tilesFor(t0, t1, span, duration)) {
      const tile = tileWindow(index, span, duration);
      const bitmap = tiles.tile(urlOf(tile));
      if (bitmap) ready.push([tile, bitmap]);
      else missing.push(tile);
    }
    for (const index of tilesFor(0, duration, overviewSpan, duration)) {
      tiles.tile(urlOf(tileWindow(index, overviewSpan, duration)));
    }
    ctx.clearRect(0, 0, width, height);
    const place = (bitmap: ImageBitmap, part: TileRequest, from: TileRequest) => {
      const { sx, sw } = sourceColumns(part, from, bitmap.width);
      const a = Math.max(part.start, from.start);
      const b = Math.min(part.end, from.end);
      if (sw > 0) ctx.drawImage(bitmap, sx, 0, sw, bitmap.height, (a - t0) * pxPerSec, 0, (b - a) * pxPerSec, height);
    };
    // Until a tile comes, what is cached at another zoom stands in for it, stretched or squeezed.
    let standIns = 0;
    for (const tile of missing) {
      let covered = false;
      for (const coarse of coarserTiles(tile, span, duration, overviewSpan)) {
        const bitmap = tiles.peek(urlOf(coarse));
        if (bitmap) {
          place(bitmap, tile, coarse);
          covered = true;
          break;
        }
      }
      for (const level of finerTiles(tile, span, duration).reverse()) {
        for (const fine of level) {
          const bitmap = tiles.peek(urlOf(fine));
          if (bitmap) {
            place(bitmap, fine, fine);
            covered = true;
          }
        }
      }
      if (covered) standIns++;
    }
    for (const [tile, bitmap] of ready) place(bitmap, tile, tile);
    this.specCanvas.dataset.tilesDrawn = String(ready.length);
    this.specCanvas.dataset.tilesMissing = String(missing.length);
    this.specCanvas.dataset.tilesStandIn = String(standIns);
    this.updateAxis(height);
    return missing.length;
  }

  private updateAxis(height: number): void {
    const settings = this.options.spectrogram;
    const key = `${settings.scale}:${height}`;
    if (key === this.axisKey) return;
    this.axisKey = key;
    const local = () => localTicks(this.options.peaks.info.sample_rate, settings.scale, height);
    const apply = (all: Tick[], source: "local" | "server") => {
      if (this.axisKey !== key) return;
      // Which ticks are up (tests wait for the server's before reading the labels).
      this.axisBox.dataset.ticks = `${settings.scale}:${source}`;
      const labels = axisLabels(all, height);
      this.ticks = labels.map(({ hz, y }) => ({ hz, y }));
      this.axisBox.replaceChildren(
        ...labels.map((t) => {
          const label = el("span", {
            position: "absolute",
            left: "0",
            top: `${t.top}px`,
            height: `${AXIS_LABEL_PX}px`,
            boxSizing: "border-box",
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
    apply(local(), "local");
    this.options.axis?.(settings, height).then((all) => apply(all, "server"), () => undefined);
  }

  /** The loading cue, on while a coarser level stands in for the one the view wants. */
  private showLoading(on: boolean): void {
    this.root.dataset.loading = String(on);
    if (on === (this.cue.style.display === "block")) return;
    this.cue.style.display = on ? "block" : "none";
    this.cueAnimation?.cancel();
    this.cueAnimation = on
      ? (this.cue.animate?.([{ backgroundPosition: "-30% 0" }, { backgroundPosition: "130% 0" }], {
          duration: 1100,
          iterations: Infinity,
        }) ?? null)
      : null;
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
