import { describe, expect, it } from "vitest";
import {
  AXIS_LABEL_PX,
  DEFAULT_SPECTROGRAM,
  TILES_IN_FLIGHT,
  axisLabels,
  coarserTiles,
  finerTiles,
  sourceColumns,
  TILE_PX,
  TileStore,
  frequencyY,
  localTicks,
  readSpectrogramSettings,
  tileSeconds,
  tileUrl,
  tileWindow,
  tilesFor,
} from "./spectrogram";

describe("tile grid", () => {
  it("uses power-of-two spans near one tile width on screen", () => {
    expect(tileSeconds(TILE_PX)).toBe(1);
    expect(tileSeconds(100)).toBe(4); // 5.12 s → 4
    const span = tileSeconds(0.1);
    expect(span * 0.1).toBeGreaterThan(TILE_PX / 1.5);
    expect(span * 0.1).toBeLessThan(TILE_PX * 1.5);
  });

  it("covers the window and stops at the end of the recording", () => {
    expect(tilesFor(3, 9, 4, 100)).toEqual([0, 1, 2]);
    expect(tilesFor(90, 200, 4, 100)).toEqual([22, 23, 24]);
    expect(tileWindow(24, 4, 98)).toEqual({ start: 96, end: 98, width: 256 });
  });

  it("asks for the settings chosen", () => {
    const url = tileUrl("/api/datapoints/3", tileWindow(1, 4, 100), 160, { ...DEFAULT_SPECTROGRAM, scale: "log" });
    expect(url).toContain("/api/datapoints/3/spectrogram?start=4&end=8&width=512&height=160&scale=log");
    expect(url).toContain("db_range=80");
    expect(url).toContain("colormap=viridis");
    expect(url).toContain("channel=0");
    const right = tileUrl("", tileWindow(0, 4, 100), 160, { ...DEFAULT_SPECTROGRAM, channel: 1 }, 2);
    expect(right).toContain("channel=1");
    const mono = tileUrl("", tileWindow(0, 4, 100), 160, { ...DEFAULT_SPECTROGRAM, channel: 1 }, 1);
    expect(mono).toContain("channel=0");
  });
});

describe("frequency axis", () => {
  it("puts Nyquist at the top and 0 Hz at the bottom on a linear scale", () => {
    expect(frequencyY(0, 8000, "linear", 100)).toBe(100);
    expect(frequencyY(8000, 8000, "linear", 100)).toBe(0);
    expect(frequencyY(1000, 8000, "mel", 100)).toBeLessThan(frequencyY(1000, 8000, "linear", 100));
  });

  it("spreads ticks at least 16 px apart", () => {
    const ticks = localTicks(44100, "log", 160);
    expect(ticks.length).toBeGreaterThan(3);
    for (let i = 1; i < ticks.length; i++) expect(Math.abs(ticks[i].y - ticks[i - 1].y)).toBeGreaterThanOrEqual(16);
  });
});

/** The server's ticks (audio/spectrogram.py axis_ticks): 1-2-5 steps for mel and log, even ones for linear. */
function serverTicks(scale: "linear" | "mel" | "log", sampleRate: number, height: number) {
  const nyquist = sampleRate / 2;
  const values: number[] = [];
  if (scale === "linear") for (let hz = 0; hz <= nyquist; hz += 1000) values.push(hz);
  else for (let d = 10; d <= 1e6; d *= 10) for (const m of [1, 2, 5]) if (d * m <= nyquist) values.push(d * m);
  return values.map((hz) => ({ hz, y: frequencyY(hz, nyquist, scale, height) }));
}

describe("axisLabels", () => {
  it("keeps 200 Hz and 20 Hz apart on the mel scale (they overlapped at 160 px)", () => {
    const labels = axisLabels(serverTicks("mel", 16000, 160), 160);
    const boxes = labels.map((l) => [l.top, l.top + AXIS_LABEL_PX]);
    for (let i = 1; i < boxes.length; i++) expect(boxes[i][0]).toBeGreaterThanOrEqual(boxes[i - 1][1]);
    expect(labels.map((l) => l.hz)).toContain(1000);
  });

  it("never lets two labels overlap, for every scale, rate and lane height", () => {
    for (const scale of ["linear", "mel", "log"] as const) {
      for (const rate of [8000, 16000, 44100, 48000, 96000]) {
        for (let height = 8; height <= 600; height += 3) {
          const labels = axisLabels(serverTicks(scale, rate, height), height);
          for (const l of labels) {
            expect(l.top).toBeGreaterThanOrEqual(0);
            expect(l.top + AXIS_LABEL_PX).toBeLessThanOrEqual(height);
          }
          for (let i = 1; i < labels.length; i++) {
            expect(labels[i].top - labels[i - 1].top, `${scale} ${rate} Hz ${height} px`).toBeGreaterThanOrEqual(
              AXIS_LABEL_PX + 2,
            );
          }
          if (height >= 60) expect(labels.length, `${scale} ${rate} Hz ${height} px`).toBeGreaterThanOrEqual(2);
        }
      }
    }
  });

  it("prefers round frequencies and lists the labels top down", () => {
    const ticks = [
      { hz: 200, y: 150 },
      { hz: 100, y: 154 },
      { hz: 50, y: 157 },
      { hz: 1000, y: 100 },
    ];
    const labels = axisLabels(ticks, 160);
    expect(labels.map((t) => t.hz)).toEqual([1000, 100]);
    expect(labels[1].top).toBe(160 - AXIS_LABEL_PX);
    expect(axisLabels(ticks, 6)).toEqual([]);
  });
});

describe("settings", () => {
  it("falls back to defaults for anything unknown", () => {
    const storage = { getItem: () => JSON.stringify({ scale: "bark", dbRange: 60, show: false }) };
    expect(readSpectrogramSettings(storage)).toEqual({ ...DEFAULT_SPECTROGRAM, dbRange: 60, show: false });
    expect(readSpectrogramSettings({ getItem: () => "{" })).toEqual(DEFAULT_SPECTROGRAM);
  });
});

describe("TileStore", () => {
  it("fetches a tile once and closes the bitmaps it evicts", async () => {
    const closed: number[] = [];
    let n = 0;
    const fetchImage = async () => {
      const id = n++;
      return { width: 512, height: 100, close: () => closed.push(id) } as unknown as ImageBitmap;
    };
    const store = new TileStore(fetchImage, () => {}, 512 * 100 * 4 * 2);
    expect(store.tile("a")).toBeNull();
    expect(store.tile("a")).toBeNull();
    await new Promise((r) => setTimeout(r, 0));
    expect(store.tile("a")).not.toBeNull();
    store.tile("b");
    store.tile("c");
    await new Promise((r) => setTimeout(r, 0));
    expect(n).toBe(3);
    expect(closed).toEqual([0]);
    expect(store.cachedBytes).toBe(512 * 100 * 4 * 2);
  });
});

describe("stand-ins while a tile is fetched", () => {
  const DURATION = 3600;

  it("looks for coarser tiles holding the tile's start, finest first, up to the whole-file span", () => {
    const tile = tileWindow(75, 4, DURATION); // 300–304 s
    const coarse = coarserTiles(tile, 4, DURATION, 2048);
    expect(coarse.map((t) => t.end - t.start)).toEqual([8, 16, 32, 64, 128, 256, 512, 1024, 2048]);
    for (const c of coarse) expect(c.start <= tile.start && c.end > tile.start).toBe(true);
    expect(coarserTiles(tile, 2048, DURATION, 2048)).toEqual([]);
    // The last whole-file tile is cut at the end of the recording.
    expect(coarserTiles(tileWindow(899, 4, DURATION), 4, DURATION, 2048).at(-1)).toEqual({
      start: 2048,
      end: 3600,
      width: Math.round((TILE_PX * 1552) / 2048),
    });
  });

  it("after a zoom out, covers a tile with the halves and quarters cached from before", () => {
    const [halves, quarters] = finerTiles(tileWindow(1, 8, DURATION), 8, DURATION);
    expect(halves.map((t) => [t.start, t.end])).toEqual([
      [8, 12],
      [12, 16],
    ]);
    expect(quarters.map((t) => t.start)).toEqual([8, 10, 12, 14]);
  });

  it("stretches the part of a coarse tile that the missing tile shows", () => {
    const coarse = tileWindow(0, 512, DURATION); // 0–512 s in 512 px: one column a second
    expect(sourceColumns({ start: 300, end: 304 }, coarse, TILE_PX)).toEqual({ sx: 300, sw: 4 });
    const last = tileWindow(1, 2048, DURATION); // 2048–3600 s, 388 px
    const { sx, sw } = sourceColumns({ start: 3596, end: 3600 }, last, last.width);
    expect(sx + sw).toBeCloseTo(last.width);
    expect(sw).toBeCloseTo((4 * last.width) / 1552);
    expect(sourceColumns({ start: 10, end: 20 }, tileWindow(1, 8, DURATION), TILE_PX).sw).toBe(TILE_PX * (6 / 8));
  });
});

describe("TileStore queue", () => {
  function slowServer() {
    const started: string[] = [];
    const finish: (() => void)[] = [];
    const fetchImage = (url: string) =>
      new Promise<ImageBitmap>((resolve) => {
        started.push(url);
        finish.push(() => resolve({ width: 512, height: 100 } as unknown as ImageBitmap));
      });
    return { started, finish, fetchImage };
  }
  const tick = () => new Promise((r) => setTimeout(r, 0));

  it(`sends at most ${TILES_IN_FLIGHT} at once, and drops what the view no longer wants`, async () => {
    const server = slowServer();
    const store = new TileStore(server.fetchImage, () => {});
    store.nextRound();
    for (const url of ["a", "b", "c", "d", "e"]) store.tile(url);
    await tick();
    expect(server.started).toEqual(["a", "b", "c"]);
    expect(store.waiting).toBe(2);
    // The view moved on (mid-zoom): d and e are not wanted any more, f and g are.
    store.nextRound();
    store.tile("f");
    store.tile("g");
    server.finish.shift()?.();
    await tick();
    expect(server.started).toEqual(["a", "b", "c", "f"]);
    expect(store.waiting).toBe(1);
    expect(store.peek("a")).not.toBeNull();
    expect(store.peek("f")).toBeNull();
    store.destroy();
  });
});
