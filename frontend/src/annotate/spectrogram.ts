// The spectrogram lane's data: server tiles for the visible window on a power-of-two time grid
// (so zooming and scrolling reuse them), decoded once and kept in a cache bounded by bytes,
// and the frequency axis.
import { ByteLru } from "./lru";

export const SCALES = ["linear", "mel", "log"] as const;
export const COLORMAPS = ["viridis", "magma", "gray"] as const;
export const DB_RANGES = [40, 60, 80, 100, 120] as const;

export interface SpectrogramSettings {
  show: boolean;
  scale: (typeof SCALES)[number];
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

const mel = (hz: number) => 2595 * Math.log10(1 + hz / 700);
const LOG_MIN_HZ = 20;

/** Where `hz` lies from the top (0) to the bottom (height) for a scale, up to Nyquist. */
export function frequencyY(hz: number, nyquist: number, scale: SpectrogramSettings["scale"], height: number): number {
  let fraction: number;
  if (scale === "mel") fraction = mel(hz) / mel(nyquist);
  else if (scale === "log") fraction = Math.log(Math.max(hz, LOG_MIN_HZ) / LOG_MIN_HZ) / Math.log(nyquist / LOG_MIN_HZ);
  else fraction = hz / nyquist;
  return height * (1 - fraction);
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

/** Ticks at least `gap` px apart, from the top down (labels must not overlap). */
export function spreadTicks(ticks: Tick[], gap: number): Tick[] {
  const out: Tick[] = [];
  for (const t of [...ticks].sort((a, b) => a.y - b.y)) {
    if (out.length === 0 || t.y - out[out.length - 1].y >= gap) out.push(t);
  }
  return out;
}

export function formatHz(hz: number): string {
  return hz >= 1000 ? `${Number((hz / 1000).toFixed(1))} kHz` : `${Math.round(hz)} Hz`;
}

export type FetchImage = (url: string) => Promise<ImageBitmap>;

/** Decoded tiles by URL, bounded by their pixel bytes; fetches what a window needs. */
export class TileStore {
  private readonly cache: ByteLru<ImageBitmap>;
  private readonly pending = new Set<string>();
  private readonly failed = new Map<string, number>();
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

  /** The tile if decoded; otherwise starts fetching it and returns null. */
  tile(url: string): ImageBitmap | null {
    const hit = this.cache.get(url);
    if (hit) return hit;
    if (this.pending.has(url)) return null;
    const failedAt = this.failed.get(url);
    if (failedAt !== undefined && performance.now() - failedAt < 5000) return null;
    this.pending.add(url);
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
      .finally(() => this.pending.delete(url));
    return null;
  }

  destroy(): void {
    this.destroyed = true;
    this.cache.clear();
  }
}
