// The server's peaks pyramid in the browser: the whole-file overview, and finer levels fetched
// in fixed chunks for the visible window only, kept in a cache bounded by bytes.
import { ByteLru } from "./lru";

/** `GET /api/datapoints/{id}/peaks`: levels from the finest to the coarsest. */
export interface PeaksInfo {
  duration: number;
  sample_rate: number;
  channels: number;
  bits: number;
  levels: { level: number; samples_per_pixel: number; length: number }[];
}

/** Peak pixels per fetched chunk: 4096 × 2 bytes × channels (16 KB for stereo). */
export const CHUNK_PIXELS = 4096;
const RETRY_MS = 5000;

export type FetchBytes = (url: string) => Promise<ArrayBuffer>;

/** One pixel's extent, merged over channels, in -1..1. */
export interface Column {
  min: number;
  max: number;
}

export function isPeaksInfo(value: unknown): value is PeaksInfo {
  const v = value as PeaksInfo;
  return (
    typeof v === "object" &&
    v !== null &&
    typeof v.duration === "number" &&
    typeof v.sample_rate === "number" &&
    typeof v.channels === "number" &&
    v.channels > 0 &&
    Array.isArray(v.levels) &&
    v.levels.length > 0
  );
}

/** Seconds one peak pixel of level `index` covers. */
export function levelSeconds(info: PeaksInfo, index: number): number {
  return info.levels[index].samples_per_pixel / info.sample_rate;
}

/** The coarsest level still at least as fine as one screen pixel (the finest when zoomed past it). */
export function chooseLevel(info: PeaksInfo, secondsPerPixel: number): number {
  let best = 0;
  for (let i = 0; i < info.levels.length; i++) {
    if (levelSeconds(info, i) <= secondsPerPixel * 1.0001) best = i;
  }
  return best;
}

/** Chunks of a level that cover peak pixels [first, last). */
export function chunkRange(first: number, last: number, length: number): [number, number] {
  const from = Math.max(0, Math.floor(first / CHUNK_PIXELS));
  const to = Math.min(Math.ceil(length / CHUNK_PIXELS), Math.ceil(last / CHUNK_PIXELS));
  return [from, Math.max(from, to)];
}

export class PeaksStore {
  /** The coarsest level, whole: the fallback for anything not fetched yet. */
  overview: Int8Array | null = null;
  /** Largest absolute value in the overview, for normalising the drawing. */
  peak = 1;
  private readonly cache: ByteLru<Int8Array>;
  private readonly pending = new Set<string>();
  private readonly failed = new Map<string, number>();
  private destroyed = false;

  constructor(
    readonly info: PeaksInfo,
    private readonly base: string,
    private readonly fetchBytes: FetchBytes,
    public onLoad: () => void,
    maxBytes = 8 * 1024 * 1024,
  ) {
    this.cache = new ByteLru(maxBytes);
  }

  get coarsest(): number {
    return this.info.levels.length - 1;
  }

  get cachedBytes(): number {
    return this.cache.bytes;
  }

  /** URL of the whole coarsest level. */
  static overviewUrl(info: PeaksInfo, base: string): string {
    return `${base}/peaks/${info.levels[info.levels.length - 1].level}`;
  }

  async loadOverview(prefetched?: Promise<ArrayBuffer>): Promise<Int8Array> {
    const bytes = await (prefetched ?? this.fetchBytes(PeaksStore.overviewUrl(this.info, this.base)));
    const data = new Int8Array(bytes);
    this.overview = data;
    let peak = 1;
    for (let i = 0; i < data.length; i++) peak = Math.max(peak, Math.abs(data[i]));
    this.peak = peak;
    return data;
  }

  /** The overview as wavesurfer's per-channel peaks (absolute extent per pixel), for the minimap. */
  overviewChannels(): Float32Array[] {
    const channels = this.info.channels;
    const data = this.overview ?? new Int8Array(0);
    const n = Math.floor(data.length / (2 * channels));
    const out = Array.from({ length: Math.min(channels, 2) }, () => new Float32Array(n));
    for (let p = 0; p < n; p++) {
      for (let c = 0; c < out.length; c++) {
        const at = (p * channels + c) * 2;
        out[c][p] = Math.max(-data[at], data[at + 1]) / this.peak;
      }
    }
    return out;
  }

  destroy(): void {
    this.destroyed = true;
    this.cache.clear();
  }

  private key(index: number, chunk: number): string {
    return `${index}:${chunk}`;
  }

  private request(index: number, chunk: number): void {
    const key = this.key(index, chunk);
    if (this.pending.has(key) || this.cache.has(key)) return;
    const failedAt = this.failed.get(key);
    if (failedAt !== undefined && performance.now() - failedAt < RETRY_MS) return;
    const { level, length } = this.info.levels[index];
    const start = chunk * CHUNK_PIXELS;
    const end = Math.min(length, start + CHUNK_PIXELS);
    const url = `${this.base}/peaks/${level}?start=${start}&end=${end}`;
    this.pending.add(key);
    this.fetchBytes(url)
      .then((buffer) => {
        if (this.destroyed) return;
        this.failed.delete(key);
        this.cache.set(key, new Int8Array(buffer), buffer.byteLength);
        this.onLoad();
      })
      .catch(() => {
        this.failed.set(key, performance.now());
      })
      .finally(() => this.pending.delete(key));
  }

  /** Fetches what the window [t0, t0 + width × secondsPerPixel) needs at its level. */
  want(t0: number, secondsPerPixel: number, width: number): number {
    const index = chooseLevel(this.info, secondsPerPixel);
    if (index === this.coarsest) return index;
    const sec = levelSeconds(this.info, index);
    const { length } = this.info.levels[index];
    const [from, to] = chunkRange(Math.floor(t0 / sec), Math.ceil((t0 + width * secondsPerPixel) / sec), length);
    for (let c = from; c < to; c++) this.request(index, c);
    return index;
  }

  /** Min/max of peak pixels [first, last) of a level, merged or of one channel; false when not loaded. */
  private extent(index: number, first: number, last: number, out: Column, channel?: number): boolean {
    const channels = this.info.channels;
    let lo = 127;
    let hi = -128;
    let any = false;
    for (let p = first; p < last; ) {
      let data: Int8Array | undefined;
      let base: number;
      if (index === this.coarsest) {
        data = this.overview ?? undefined;
        base = 0;
      } else {
        const chunk = Math.floor(p / CHUNK_PIXELS);
        data = this.cache.get(this.key(index, chunk));
        base = chunk * CHUNK_PIXELS;
      }
      if (!data) return false;
      const stop = Math.min(last, base + data.length / (2 * channels));
      if (stop <= p) return any ? writeOut(out, lo, hi, this.peak) : false;
      // Pixel-major (min, max) pairs per channel: one channel steps over the others.
      const one = channel !== undefined && channel < channels;
      const step = one ? channels * 2 : 2;
      const from = (p - base) * channels * 2 + (one ? channel * 2 : 0);
      for (let i = from, end = (stop - base) * channels * 2; i < end; i += step) {
        if (data[i] < lo) lo = data[i];
        if (data[i + 1] > hi) hi = data[i + 1];
      }
      any = true;
      p = stop;
    }
    return any ? writeOut(out, lo, hi, this.peak) : false;
  }

  /**
   * Fills `out` with one column per screen pixel from t0, at the best level loaded (coarser
   * levels stand in until the finer chunks arrive). Returns whether the best level was complete.
   * With `channel`, that channel alone (a split view's lane); else all channels merged.
   */
  columns(t0: number, secondsPerPixel: number, out: Column[], channel?: number): boolean {
    const best = chooseLevel(this.info, secondsPerPixel);
    let complete = true;
    for (let x = 0; x < out.length; x++) {
      const a = t0 + x * secondsPerPixel;
      const b = a + secondsPerPixel;
      const column = out[x];
      column.min = 0;
      column.max = 0;
      if (a >= this.info.duration || b <= 0) continue;
      for (let index = best; index <= this.coarsest; index++) {
        const sec = levelSeconds(this.info, index);
        const { length } = this.info.levels[index];
        const first = Math.max(0, Math.min(length - 1, Math.floor(a / sec)));
        const last = Math.max(first + 1, Math.min(length, Math.ceil(b / sec)));
        if (this.extent(index, first, last, column, channel)) break;
        if (index === best) complete = false;
      }
    }
    return complete;
  }
}

function writeOut(out: Column, lo: number, hi: number, peak: number): true {
  out.min = lo / peak;
  out.max = hi / peak;
  return true;
}
