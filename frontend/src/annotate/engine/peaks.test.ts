import { describe, expect, it } from "vitest";
import { CHUNK_PIXELS, PeaksStore, chooseLevel, chunkRange, type Column, type PeaksInfo } from "./peaks";

// 100 s at 8 kHz mono: level 0 is 80 samples (10 ms) per pixel, each level halves.
const INFO: PeaksInfo = {
  duration: 100,
  sample_rate: 8000,
  channels: 1,
  bits: 8,
  levels: [0, 1, 2, 3, 4, 5, 6].map((i) => ({
    level: i,
    samples_per_pixel: 80 * 2 ** i,
    length: Math.ceil(10000 / 2 ** i),
  })),
};

/** A level whose pixel p has min -(p % 100) and max p % 100. */
function level(start: number, end: number, step = 1): ArrayBuffer {
  const out = new Int8Array((end - start) * 2);
  for (let p = start; p < end; p++) {
    out[(p - start) * 2] = -((p * step) % 100);
    out[(p - start) * 2 + 1] = (p * step) % 100;
  }
  return out.buffer;
}

function fakeServer() {
  const asked: string[] = [];
  const fetchBytes = async (url: string) => {
    asked.push(url);
    const m = url.match(/peaks\/(\d+)(?:\?start=(\d+)&end=(\d+))?/);
    if (!m) throw new Error(url);
    const idx = Number(m[1]);
    const len = INFO.levels[idx].length;
    return level(Number(m[2] ?? 0), Number(m[3] ?? len));
  };
  return { asked, fetchBytes };
}

const columns = (n: number): Column[] => Array.from({ length: n }, () => ({ min: 0, max: 0 }));

describe("levels", () => {
  it("picks the coarsest level still as fine as a screen pixel", () => {
    expect(chooseLevel(INFO, 0.01)).toBe(0);
    expect(chooseLevel(INFO, 0.001)).toBe(0);
    expect(chooseLevel(INFO, 0.025)).toBe(1);
    expect(chooseLevel(INFO, 0.04)).toBe(2);
    expect(chooseLevel(INFO, 10)).toBe(6);
  });

  it("covers a window with whole chunks inside the level", () => {
    expect(chunkRange(0, 10, 10000)).toEqual([0, 1]);
    expect(chunkRange(CHUNK_PIXELS - 1, CHUNK_PIXELS + 1, 10000)).toEqual([0, 2]);
    expect(chunkRange(9000, 20000, 10000)).toEqual([2, 3]);
  });
});

describe("PeaksStore", () => {
  it("draws from the overview first, then from fine chunks of the window only", async () => {
    const server = fakeServer();
    let loads = 0;
    const store = new PeaksStore(INFO, "/api/datapoints/1", server.fetchBytes, () => loads++);
    await store.loadOverview();
    expect(server.asked).toEqual(["/api/datapoints/1/peaks/6"]);
    expect(store.peak).toBe(99);

    // Zoomed to 100 px/s at 50 s: level 0, one chunk.
    const out = columns(1000);
    expect(store.want(50, 0.01, 1000)).toBe(0);
    expect(store.columns(50, 0.01, out)).toBe(false);
    expect(out[0].max).toBeGreaterThan(0); // the overview stands in
    await new Promise((r) => setTimeout(r, 0));
    expect(loads).toBe(1);
    expect(server.asked[1]).toBe(`/api/datapoints/1/peaks/0?start=${CHUNK_PIXELS}&end=${2 * CHUNK_PIXELS}`);
    expect(store.columns(50, 0.01, out)).toBe(true);
    expect(out[0].max).toBe(0); // pixel 5000 % 100 == 0
    expect(out[7].max).toBeCloseTo(7 / 99);
    expect(store.cachedBytes).toBe(2 * CHUNK_PIXELS);
  });

  it("asks for a chunk once while it is in flight and stays within its byte budget", async () => {
    const server = fakeServer();
    const store = new PeaksStore(INFO, "", server.fetchBytes, () => {}, 3 * 2 * CHUNK_PIXELS);
    await store.loadOverview();
    store.want(0, 0.01, 1000);
    store.want(0, 0.01, 1000);
    expect(server.asked.length).toBe(2);
    for (let t = 0; t < 100; t += 20) {
      store.want(t, 0.01, 1000);
      await new Promise((r) => setTimeout(r, 0));
    }
    expect(store.cachedBytes).toBeLessThanOrEqual(3 * 2 * CHUNK_PIXELS);
  });

  it("gives the minimap one channel of absolute extents", async () => {
    const store = new PeaksStore(INFO, "", fakeServer().fetchBytes, () => {});
    await store.loadOverview();
    const [ch] = store.overviewChannels();
    expect(ch.length).toBe(INFO.levels[6].length);
    expect(ch[99]).toBeCloseTo(1);
  });

  it("reads one channel of several for a split view's lane", async () => {
    // Two pixels of four channels: channel c spans -(c + 1) .. (c + 1) × (pixel + 1).
    const info: PeaksInfo = { ...INFO, duration: 0.02, channels: 4, levels: [{ level: 0, samples_per_pixel: 80, length: 2 }] };
    const data = new Int8Array(2 * 4 * 2);
    for (let p = 0; p < 2; p++)
      for (let c = 0; c < 4; c++) {
        data[(p * 4 + c) * 2] = -(c + 1) * (p + 1);
        data[(p * 4 + c) * 2 + 1] = (c + 1) * (p + 1);
      }
    const store = new PeaksStore(info, "", async () => data.buffer, () => {});
    await store.loadOverview();
    expect(store.peak).toBe(8);
    const out = columns(2);
    store.columns(0, 0.01, out, 1);
    expect(out.map((c) => [c.min * 8, c.max * 8])).toEqual([[-2, 2], [-4, 4]]);
    store.columns(0, 0.01, out);
    expect(out.map((c) => [c.min * 8, c.max * 8])).toEqual([[-4, 4], [-8, 8]]);
    // A channel the file lacks reads as all of them merged.
    store.columns(0, 0.01, out, 7);
    expect(out[1].max * 8).toBe(8);
  });
});
