// A window's <audio> plays the whole recording's file, but wavesurfer must see only the window:
// its `currentTime` and `duration` are shadowed on the element (0 … window length), playback
// starts inside the window and stops at its end with an "ended" event, as a file of that length
// would. Applied after deferSeeksWhilePaused, it reads and writes time through that patch, so
// seeks while paused still wait for play.
import { frameEnd, type TimeFrame } from "./timeFrame";

/** The element's own descriptor (an earlier patch) or its prototype's. */
function current(target: object, name: string): PropertyDescriptor {
  for (let obj: object | null = target; obj; obj = Object.getPrototypeOf(obj) as object | null) {
    const found = Object.getOwnPropertyDescriptor(obj, name);
    if (found) return found;
  }
  throw new Error(`no ${name} on the media element`);
}

type Media = Pick<
  HTMLMediaElement,
  "currentTime" | "duration" | "paused" | "ended" | "play" | "pause" | "addEventListener" | "removeEventListener" | "dispatchEvent"
>;

/** Stops a little before the end rather than after it (timers come every ~16 ms). */
const EARLY = 0.005;

/** Makes `media` look like a file of `frame.duration` seconds; returns a function that undoes it. */
export function playWindowOnly(media: Media, frame: TimeFrame): () => void {
  const names = ["currentTime", "duration", "play"] as const;
  const own = Object.fromEntries(names.map((n) => [n, Object.getOwnPropertyDescriptor(media, n)]));
  const time = current(media, "currentTime");
  const play = current(media, "play").value as HTMLMediaElement["play"];
  const { offset, duration } = frame;
  const end = frameEnd(frame);
  const real = () => time.get!.call(media) as number;
  const seek = (t: number) => time.set!.call(media, t);
  const inside = (t: number) => Math.max(0, Math.min(duration, Number.isFinite(t) ? t : 0));

  let timer = 0;
  /** At the end: pause there and say so, as the end of a file would. */
  const check = (): boolean => {
    if (media.paused || real() < end - EARLY) return false;
    media.pause();
    seek(end);
    if (!media.ended) media.dispatchEvent(new Event("ended"));
    return true;
  };
  const loop = () => {
    timer = 0;
    if (!check() && !media.paused) timer = requestAnimationFrame(loop);
  };
  const watch = () => {
    if (!timer) loop();
  };

  Object.defineProperty(media, "currentTime", {
    configurable: true,
    get: () => inside(real() - offset),
    set: (t: number) => seek(offset + inside(t)),
  });
  Object.defineProperty(media, "duration", { configurable: true, get: () => duration });
  Object.defineProperty(media, "play", {
    configurable: true,
    value: () => {
      const t = real();
      // Outside the window (the file starts at 0) or at its end: from the window's start.
      if (!(t >= offset && t < end - EARLY)) seek(offset);
      return play.call(media);
    },
  });
  // "timeupdate" too: animation frames do not run in a hidden tab.
  media.addEventListener("play", watch);
  media.addEventListener("timeupdate", check);

  return () => {
    if (timer) cancelAnimationFrame(timer);
    media.removeEventListener("play", watch);
    media.removeEventListener("timeupdate", check);
    for (const n of names) {
      const before = own[n];
      if (before) Object.defineProperty(media, n, before);
      else delete (media as Partial<Record<string, unknown>>)[n];
    }
  };
}
