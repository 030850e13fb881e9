import { describe, expect, it } from "vitest";
import { readView, saveView, visibleRange, zoomToRange, ZOOM_MARGIN } from "./viewport";

describe("visibleRange", () => {
  it("reads the shown seconds from the scroll and the widths", () => {
    expect(visibleRange({ scroll: 0, width: 1000, scrollWidth: 1000, duration: 3600 })).toEqual([0, 3600]);
    expect(visibleRange({ scroll: 30000, width: 1000, scrollWidth: 360000, duration: 3600 })).toEqual([300, 310]);
    expect(visibleRange({ scroll: 0, width: 1000, scrollWidth: 0, duration: 0 })).toEqual([0, 0]);
  });
});

describe("zoomToRange", () => {
  it("makes a segment fill the view but for a margin on each side", () => {
    const { pxPerSec, start } = zoomToRange(300, 312, 1000, 3600, 1000);
    const shown = 1000 / pxPerSec;
    expect(shown).toBeCloseTo(12 / (1 - 2 * ZOOM_MARGIN));
    expect(start).toBeCloseTo(300 - ZOOM_MARGIN * shown);
    expect(start + shown).toBeCloseTo(312 + ZOOM_MARGIN * shown);
  });

  it("takes the range either way round", () => {
    expect(zoomToRange(312, 300, 1000, 3600, 1000)).toEqual(zoomToRange(300, 312, 1000, 3600, 1000));
  });

  it("stops at the deepest zoom and centres a short segment", () => {
    const { pxPerSec, start } = zoomToRange(100, 100.01, 1000, 3600, 500);
    expect(pxPerSec).toBe(500);
    expect(start).toBeCloseTo(100.005 - 1, 6);
  });

  it("keeps the view inside the file at its ends", () => {
    expect(zoomToRange(0, 2, 1000, 3600, 1000).start).toBe(0);
    const end = zoomToRange(3598, 3600, 1000, 3600, 1000);
    expect(end.start + 1000 / end.pxPerSec).toBeCloseTo(3600);
  });

  it("fits the whole file when the range is (nearly) all of it", () => {
    expect(zoomToRange(0, 3600, 1000, 3600, 1000)).toEqual({ pxPerSec: 0, start: 0 });
    expect(zoomToRange(0.5, 9.6, 1000, 10, 1000)).toEqual({ pxPerSec: 0, start: 0 });
    expect(zoomToRange(1, 9.9, 1000, 10, 1000).pxPerSec).toBeGreaterThan(100);
  });
});

describe("saved views", () => {
  function memory() {
    const items = new Map<string, string>();
    return {
      getItem: (k: string) => items.get(k) ?? null,
      setItem: (k: string, v: string) => void items.set(k, v),
    };
  }

  it("brings back what was saved for the same datapoint only", () => {
    const storage = memory();
    saveView("7", { pxPerSec: 120, start: 300, time: 301.5 }, storage);
    expect(readView("7", storage)).toEqual({ pxPerSec: 120, start: 300, time: 301.5 });
    expect(readView("8", storage)).toBeNull();
  });

  it("ignores anything it cannot trust", () => {
    const storage = memory();
    storage.setItem("audino.view.1", "{");
    storage.setItem("audino.view.2", JSON.stringify({ pxPerSec: -1, start: 0, time: 0 }));
    storage.setItem("audino.view.3", JSON.stringify({ pxPerSec: 10, start: "a", time: 0 }));
    for (const key of ["1", "2", "3"]) expect(readView(key, storage)).toBeNull();
    const full = { setItem: () => { throw new Error("quota"); } };
    expect(() => saveView("1", { pxPerSec: 1, start: 0, time: 0 }, full)).not.toThrow();
  });
});
