import { describe, expect, it } from "vitest";
import { channelAt, channelName, laneLayout, segmentBand } from "./lanes";

describe("lane layout", () => {
  it("keeps one mixed waveform unless split with several channels", () => {
    expect(laneLayout(false, 4, 128)).toEqual({ lanes: [], height: 128 });
    expect(laneLayout(true, 1, 128)).toEqual({ lanes: [], height: 128 });
  });

  it("stacks one lane per channel", () => {
    const layout = laneLayout(true, 4, 128);
    expect(layout.height).toBe(256);
    expect(layout.lanes.map((l) => [l.channel, l.top, l.height])).toEqual([
      [0, 0, 64],
      [1, 64, 64],
      [2, 128, 64],
      [3, 192, 64],
    ]);
    expect(laneLayout(true, 2, 60).lanes[1]).toEqual({ channel: 1, top: 56, height: 56 });
  });

  it("finds the channel under a pointer", () => {
    const layout = laneLayout(true, 4, 128);
    expect(channelAt(layout, 0)).toBe(0);
    expect(channelAt(layout, 63.9)).toBe(0);
    expect(channelAt(layout, 64)).toBe(1);
    expect(channelAt(layout, 255)).toBe(3);
    // Below the lanes (spectrogram, ruler) and above them: all channels.
    expect(channelAt(layout, 256)).toBeNull();
    expect(channelAt(layout, -1)).toBeNull();
    expect(channelAt(laneLayout(false, 4, 128), 70)).toBeNull();
  });

  it("draws a segment on its lane, or across all of them", () => {
    const layout = laneLayout(true, 4, 128);
    expect(segmentBand(layout, 2)).toEqual({ top: 128, height: 64 });
    expect(segmentBand(layout, null)).toEqual({ top: 0, height: 256 });
    expect(segmentBand(layout, 9)).toEqual({ top: 0, height: 256 });
    expect(segmentBand(laneLayout(false, 4, 128), 2)).toEqual({ top: 0, height: 128 });
  });

  it("names lanes as people do", () => {
    expect([channelName(0, 2), channelName(1, 2)]).toEqual(["Left", "Right"]);
    expect(channelName(1, 4)).toBe("Channel 2");
  });
});

describe("a lane's drawing", () => {
  it("draws each column inside its band, the played part first", async () => {
    const { drawColumns } = await import("./lanes");
    const rects: [string, number, number, number][] = [];
    let fill = "";
    const ctx = {
      set fillStyle(c: string) {
        fill = c;
      },
      beginPath() {},
      fill() {},
      rect(x: number, y: number, _w: number, h: number) {
        rects.push([fill, x, y, h]);
      },
    } as unknown as CanvasRenderingContext2D;
    drawColumns(ctx, [{ min: -1, max: 1 }, { min: -0.5, max: 0.5 }, { min: 0, max: 0 }], 64, 64, 1);
    expect(rects).toEqual([
      ["#4a6fb5", 0, 64, 64],
      ["#9aa7bb", 1, 80, 32],
      ["#9aa7bb", 2, 96, 1],
    ]);
  });
});
