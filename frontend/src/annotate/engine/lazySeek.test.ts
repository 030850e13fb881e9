import { describe, expect, it } from "vitest";
import { deferSeeksWhilePaused } from "./lazySeek";

/** Stands in for an <audio>: counts the seeks that reach it. */
class FakeMedia {
  seeks: number[] = [];
  paused = true;
  private time = 0;
  get currentTime() {
    return this.time;
  }
  set currentTime(t: number) {
    this.time = t;
    this.seeks.push(t);
  }
  play() {
    this.paused = false;
    return Promise.resolve();
  }
}

describe("deferSeeksWhilePaused", () => {
  it("reads back a paused seek at once and makes only the last one when playing", async () => {
    const media = new FakeMedia();
    deferSeeksWhilePaused(media as unknown as HTMLMediaElement);
    media.currentTime = 100;
    media.currentTime = 7000;
    expect(media.currentTime).toBe(7000);
    expect(media.seeks).toEqual([]);
    await media.play();
    expect(media.seeks).toEqual([7000]);
    media.currentTime = 20;
    expect(media.seeks).toEqual([7000, 20]);
  });

  it("can be undone, applying a seek still held", () => {
    const media = new FakeMedia();
    const undo = deferSeeksWhilePaused(media as unknown as HTMLMediaElement);
    media.currentTime = 5;
    undo();
    expect(media.seeks).toEqual([5]);
    media.currentTime = 6;
    expect(media.seeks).toEqual([5, 6]);
  });
});
