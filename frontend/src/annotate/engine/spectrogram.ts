// The spectrogram lane's data: server tiles for the visible window on a power-of-two time grid
// (so zooming and scrolling reuse them), decoded once and kept in a cache bounded by bytes,
// and the frequency axis.
import { hzToY, type FrequencyScale } from "./frequencyScale";
import { ByteLru } from "./lru";

export const SCALES: readonly FrequencyScale[] = ["linear", "mel", "log"];
export const COLORMAPS = ["viridis", "magma", "gray"] as const;
export const DB_RANGES = [40, 60, 80, 100, 120] as const;

export interface SpectrogramSettings {
  show: boolean;
  scale: FrequencyScale;
  dbRange: number;
  colormap: (typeof COLORMAPS)[number];
  /** 0-based; files with fewer channels show their last. */
  channel: number;
}

export const DEFAULT_SPECTROGRAM: SpectrogramSettings = {
  show: true,
  scale: "mel",
  dbRange: 80,
  colormap: "viridis",
  channel: 0,
};

const STORAGE_KEY = "audino.spectrogram";

export function readSpectrogramSettings(storage: Pick<Storage, "getItem"> = localStorage): SpectrogramSettings {
  try {
    const raw = JSON.parse(storage.getItem(STORAGE_KEY) ?? "{}") as Partial<SpectrogramSettings>;
    return {
      show: typeof raw.show === "boolean" ? raw.show : DEFAULT_SPECTROGRAM.show,
      scale: SCALES.includes(raw.scale as never) ? (raw.scale as SpectrogramSettings["scale"]) : DEFAULT_SPECTROGRAM.scale,
      dbRange: DB_RANGES.includes(raw.dbRange as never) ? (raw.dbRange as number) : DEFAULT_SPECTROGRAM.dbRange,
      colormap: COLORMAPS.includes(raw.colormap as never)
        ? (raw.colormap as SpectrogramSettings["colormap"])
        : DEFAULT_SPECTROGRAM.colormap,
      channel: Number.isInteger(raw.channel) && (raw.channel as number) >= 0 ? (raw.channel as number) : 0,
    };
  } catch {
    return DEFAULT_SPECTROGRAM;
  }
}

export function saveSpectrogramSettings(settings: SpectrogramSettings, storage: Pick<Storage, "setItem"> = localStorage) {
  try {
    storage.setItem(STORAGE_KEY, JSON.stringify(settings));
  } catch {
    // Private mode or a full quota: the settings just do not persist.
  }
}

/** Width in image pixels of every tile the browser asks for. */
export const TILE_PX = 512;

/** Seconds per tile at this zoom: the power of two nearest TILE_PX screen pixels. */
export function tileSeconds(pxPerSec: number): number {
  return 2 ** Math.round(Math.log2(TILE_PX / Math.max(pxPerSec, 1e-6)));
}

/** Indices of the tiles (of `span` seconds) that cover [t0, t1) inside the recording. */
export function tilesFor(t0: number, t1: number, span: number, duration: number): number[] {
  const first = Math.max(0, Math.floor(t0 / span));
  const last = Math.min(Math.ceil(duration / span), Math.ceil(t1 / span));
  const out: number[] = [];
  for (let i = first; i < last; i++) out.push(i);
  return out;
}

export interface TileRequest {
  start: number;
  end: number;
  width: number;
}

/** The time window and image width of tile `index`; the last tile is cut at the end. */
export function tileWindow(index: number, span: number, duration: number): TileRequest {
  const start = index * span;
  const end = Math.min(duration, start + span);
  return { start, end, width: Math.max(1, Math.round((TILE_PX * (end - start)) / span)) };
}

/**
 * Tiles of coarser spans (2×, 4×… up to `maxSpan`) that hold the start of `tile`, finest
 * first: what stands in, stretched, while `tile` itself is fetched.
 */
export function coarserTiles(tile: TileRequest, span: number, duration: number, maxSpan: number): TileRequest[] {
  const out: TileRequest[] = [];
  for (let s = span * 2; s <= maxSpan * 1.0001; s *= 2) {
    const outer = tileWindow(Math.floor((tile.start + 1e-9) / s), s, duration);
    if (outer.end > tile.start) out.push(outer);
  }
  return out;
}

/** Tiles of half (then a quarter of) `span` that cover `tile`: what stands in after a zoom out. */
export function finerTiles(tile: TileRequest, span: number, duration: number, depth = 2): TileRequest[][] {
  const out: TileRequest[][] = [];
  for (let d = 1, s = span / 2; d <= depth; d++, s /= 2) {
    out.push(tilesFor(tile.start, tile.end, s, duration).map((i) => tileWindow(i, s, duration)));
  }
  return out;
}

/** The columns of `outer`'s image (`imageWidth` px wide) that show the seconds of `part`. */
export function sourceColumns(part: { start: number; end: number }, outer: TileRequest, imageWidth: number): { sx: number; sw: number } {
  const perSec = imageWidth / Math.max(outer.end - outer.start, 1e-9);
  const a = Math.max(part.start, outer.start);
  const b = Math.min(part.end, outer.end);
  return { sx: (a - outer.start) * perSec, sw: Math.max(0, (b - a) * perSec) };
}

export function tileUrl(
  base: string,
  tile: TileRequest,
  height: number,
  s: SpectrogramSettings,
  channels = 1,
): string {
  const q = new URLSearchParams({
    start: String(tile.start),
    end: String(tile.end),
    width: String(tile.width),
    height: String(height),
    scale: s.scale,
    db_range: String(s.dbRange),
    colormap: s.colormap,
    window: "1024",
    channel: String(Math.max(0, Math.min(s.channel, channels - 1))),
  });
  return `${base}/spectrogram?${q}`;
}

export interface Tick {
  hz: number;
  y: number;
}

/** Where `hz` lies from the top (0) to the bottom (height) for a scale, up to Nyquist. */
export function frequencyY(hz: number, nyquist: number, scale: SpectrogramSettings["scale"], height: number): number {
  return hzToY(hz, nyquist, scale, height);
}

/** Round frequencies spread over the axis (used when the server gives no axis). */
export function localTicks(sampleRate: number, scale: SpectrogramSettings["scale"], height: number): Tick[] {
  const nyquist = sampleRate / 2;
  const candidates = [50, 100, 200, 500, 1000, 2000, 4000, 8000, 16000, 32000, 64000];
  const ticks: Tick[] = [];
  for (const hz of candidates) {
    if (hz >= nyquist) break;
    const y = frequencyY(hz, nyquist, scale, height);
    if (ticks.every((t) => Math.abs(t.y - y) >= 16) && y > 8 && y < height - 4) ticks.push({ hz, y });
  }
  return ticks;
}

/** Height of one frequency label on the axis (10 px text, 1 px padding above and below). */
export const AXIS_LABEL_PX = 12;

/** A tick with where its label's box starts (kept inside the lane, so it may sit off the tick). */
export interface AxisLabel extends Tick {
  top: number;
}

/** 1 Hz, 1 kHz… before 5 × and 2 ×, and those before the rest: the roundest numbers stay. */
function roundness(hz: number): number {
  if (hz <= 0) return 0;
  const mantissa = Math.round((hz / 10 ** Math.floor(Math.log10(hz) + 1e-9)) * 1000) / 1000;
  return mantissa === 1 ? 0 : mantissa === 5 ? 1 : mantissa === 2 ? 2 : 3;
}

/**
 * The frequency labels to draw on a lane of `height` px: each label's box is centred on its
 * tick but kept inside the lane, and no two boxes come closer than `gap` px, whatever the
 * height and scale. Rounder frequencies win a place first; the result runs top down.
 */
export function axisLabels(ticks: Tick[], height: number, labelPx = AXIS_LABEL_PX, gap = 2): AxisLabel[] {
  if (height < labelPx) return [];
  const inside = ticks.filter((t) => Number.isFinite(t.y) && t.y >= 0 && t.y <= height);
  const ranked = [...inside].sort((a, b) => roundness(a.hz) - roundness(b.hz) || a.y - b.y);
  const chosen: AxisLabel[] = [];
  for (const t of ranked) {
    const top = Math.max(0, Math.min(height - labelPx, t.y - labelPx / 2));
    if (chosen.every((c) => Math.abs(c.top - top) >= labelPx + gap)) chosen.push({ ...t, top });
  }
  return chosen.sort((a, b) => a.top - b.top);
}

export function formatHz(hz: number): string {
  return hz >= 1000 ? `${Number((hz / 1000).toFixed(1))} kHz` : `${Math.round(hz)} Hz`;
}

export type FetchImage = (url: string) => Promise<ImageBitmap>;

/** Tile requests at once: the rest of the browser's six connections stay free for peaks. */
export const TILES_IN_FLIGHT = 3;

/**
 * Decoded tiles by URL, bounded by their pixel bytes; fetches what a window needs. Requests
 * wait in a queue of at most TILES_IN_FLIGHT at a time, and a queued one that the latest
 * drawing no longer asked for (the view moved on, e.g. mid-zoom) is dropped unsent.
 */
export class TileStore {
  private readonly cache: ByteLru<ImageBitmap>;
  private readonly pending = new Set<string>();
  private readonly queued = new Map<string, number>();
  private readonly failed = new Map<string, number>();
  private round = 0;
  private inFlight = 0;
  private pumping = false;
  private destroyed = false;

  constructor(
    private readonly fetchImage: FetchImage,
    public onLoad: () => void,
    maxBytes = 12 * 1024 * 1024,
  ) {
    this.cache = new ByteLru(maxBytes, (bitmap) => bitmap.close?.());
  }

  get cachedBytes(): number {
    return this.cache.bytes;
  }

  /** Requests waiting for a connection. */
  get waiting(): number {
    return this.queued.size;
  }

  /** A new drawing starts: what it asks for is wanted, what only earlier ones asked for is not. */
  nextRound(): void {
    this.round++;
  }

  /** The tile if decoded (without fetching it). */
  peek(url: string): ImageBitmap | null {
    return this.cache.get(url) ?? null;
  }

  /** The tile if decoded; otherwise queues it for fetching and returns null. */
  tile(url: string): ImageBitmap | null {
    const hit = this.cache.get(url);
    if (hit) return hit;
    if (this.pending.has(url)) return null;
    const failedAt = this.failed.get(url);
    if (failedAt !== undefined && performance.now() - failedAt < 5000) return null;
    this.queued.delete(url); // re-inserted: the queue runs in the latest drawing's order
    this.queued.set(url, this.round);
    if (!this.pumping) {
      this.pumping = true;
      // After the drawing has said everything it wants.
      queueMicrotask(() => {
        this.pumping = false;
        this.pump();
      });
    }
    return null;
  }

  private pump(): void {
    for (const [url, round] of this.queued) {
      if (round < this.round) this.queued.delete(url);
    }
    while (!this.destroyed && this.inFlight < TILES_IN_FLIGHT && this.queued.size > 0) {
      // In the order the latest drawing asked for them.
      const url = this.queued.keys().next().value as string;
      this.queued.delete(url);
      this.start(url);
    }
  }

  private start(url: string): void {
    this.pending.add(url);
    this.inFlight++;
    this.fetchImage(url)
      .then((bitmap) => {
        if (this.destroyed) {
          bitmap.close?.();
          return;
        }
        this.failed.delete(url);
        this.cache.set(url, bitmap, bitmap.width * bitmap.height * 4);
        this.onLoad();
      })
      .catch(() => this.failed.set(url, performance.now()))
      .finally(() => {
        this.pending.delete(url);
        this.inFlight--;
        this.pump();
      });
  }

  destroy(): void {
    this.destroyed = true;
    this.queued.clear();
    this.cache.clear();
  }
}
