import { describe, expect, it } from "vitest";
import {
  DEFAULT_SPECTROGRAM,
  TILE_PX,
  TileStore,
  frequencyY,
  localTicks,
  readSpectrogramSettings,
  spreadTicks,
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

describe("spreadTicks", () => {
  it("drops labels that would overlap the one above", () => {
    const ticks = [
      { hz: 100, y: 158 },
      { hz: 200, y: 150 },
      { hz: 1000, y: 100 },
    ];
    expect(spreadTicks(ticks, 12).map((t) => t.hz)).toEqual([1000, 200]);
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
