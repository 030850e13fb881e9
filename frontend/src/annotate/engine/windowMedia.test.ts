import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { deferSeeksWhilePaused } from "./lazySeek";
import { playWindowOnly } from "./windowMedia";

/** Stands in for an <audio> of a 600 s file: real time, seeks that reach it, play/pause events. */
class FakeMedia extends EventTarget {
  seeks: number[] = [];
  paused = true;
  ended = false;
  private time = 0;
  get currentTime() {
    return this.time;
  }
  set currentTime(t: number) {
    this.time = t;
    this.seeks.push(t);
  }
  get duration() {
    return 600;
  }
  /** Playback moving on (without a seek). */
  advance(seconds: number) {
    this.time += seconds;
  }
  play() {
    this.paused = false;
    this.dispatchEvent(new Event("play"));
    return Promise.resolve();
  }
  pause() {
    this.paused = true;
    this.dispatchEvent(new Event("pause"));
  }
}

const asMedia = (m: FakeMedia) => m as unknown as HTMLMediaElement;
const FRAME = { offset: 30, duration: 30 };

describe("playWindowOnly", () => {
  let frames: FrameRequestCallback[] = [];
  beforeEach(() => {
    frames = [];
    vi.stubGlobal("requestAnimationFrame", (cb: FrameRequestCallback) => frames.push(cb));
    vi.stubGlobal("cancelAnimationFrame", () => undefined);
  });
  afterEach(() => vi.unstubAllGlobals());
  const tick = () => {
    const now = frames;
    frames = [];
    now.forEach((cb) => cb(0));
  };

  it("shows the window as a file of its own length", () => {
    const media = new FakeMedia();
    playWindowOnly(asMedia(media), FRAME);
    expect(media.duration).toBe(30);
    expect(media.currentTime).toBe(0); // the file is at 0, before the window
    media.currentTime = 12;
    expect(media.seeks).toEqual([42]);
    expect(media.currentTime).toBe(12);
    media.currentTime = 100; // past the end: held at the end
    expect(media.seeks.at(-1)).toBe(60);
    media.currentTime = -5;
    expect(media.seeks.at(-1)).toBe(30);
  });

  it("starts playing inside the window and stops at its end with 'ended'", async () => {
    const media = new FakeMedia();
    playWindowOnly(asMedia(media), FRAME);
    const ended = vi.fn();
    media.addEventListener("ended", ended);
    await media.play();
    expect(media.seeks).toEqual([30]); // from the window's start, not the file's
    media.advance(20);
    tick();
    expect(media.paused).toBe(false);
    expect(media.currentTime).toBe(20);
    media.advance(10.01);
    tick();
    expect(media.paused).toBe(true);
    expect(ended).toHaveBeenCalledTimes(1);
    expect(media.seeks.at(-1)).toBe(60);
    expect(media.currentTime).toBe(30);
    // Playing again at the end starts the window over.
    await media.play();
    expect(media.seeks.at(-1)).toBe(30);
  });

  it("also stops on timeupdate (no animation frames in a hidden tab)", async () => {
    const media = new FakeMedia();
    playWindowOnly(asMedia(media), FRAME);
    await media.play();
    frames = []; // never run
    media.advance(31);
    media.dispatchEvent(new Event("timeupdate"));
    expect(media.paused).toBe(true);
    expect(media.currentTime).toBe(30);
  });

  it("composes with deferSeeksWhilePaused: paused seeks wait for play, in recording time", async () => {
    const media = new FakeMedia();
    const undefer = deferSeeksWhilePaused(asMedia(media));
    const unwindow = playWindowOnly(asMedia(media), FRAME);
    media.currentTime = 5;
    media.currentTime = 25;
    expect(media.seeks).toEqual([]);
    expect(media.currentTime).toBe(25);
    await media.play();
    expect(media.seeks).toEqual([55]);
    media.advance(5.5);
    tick();
    expect(media.paused).toBe(true);
    // Clamped back to the end: held as a paused seek, read back at once.
    expect(media.currentTime).toBe(30);
    unwindow();
    undefer();
    expect(media.duration).toBe(600);
    expect(media.currentTime).toBe(60);
  });

  it("can be undone", () => {
    const media = new FakeMedia();
    const undo = playWindowOnly(asMedia(media), FRAME);
    undo();
    media.currentTime = 5;
    expect(media.seeks).toEqual([5]);
    expect(media.duration).toBe(600);
    expect(Object.getOwnPropertyNames(media)).not.toContain("play");
  });
});
