// Seeks of a paused <audio> wait until it plays. Jumping around a paused long recording then
// fetches no audio at all: Chromium reads (and keeps, in the page's memory) a few MB around
// every position it is sent to, which grew the renderer by ~1 MB per jump even when nothing
// was played there. The position reads back at once, so the cursor and the clock still move.

function accessor(target: object, name: string): PropertyDescriptor {
  for (let proto = Object.getPrototypeOf(target); proto; proto = Object.getPrototypeOf(proto)) {
    const found = Object.getOwnPropertyDescriptor(proto, name);
    if (found) return found;
  }
  throw new Error(`no ${name} on the media element`);
}

type Media = Pick<HTMLMediaElement, "currentTime" | "paused" | "play">;

/** Makes `media` hold seeks while paused; returns a function that undoes it. */
export function deferSeeksWhilePaused(media: Media): () => void {
  const time = accessor(media, "currentTime");
  const play = accessor(media, "play").value as HTMLMediaElement["play"];
  let pending: number | null = null;
  const apply = () => {
    if (pending !== null) time.set!.call(media, pending);
    pending = null;
  };
  Object.defineProperty(media, "currentTime", {
    configurable: true,
    get: () => pending ?? (time.get!.call(media) as number),
    set: (t: number) => {
      if (media.paused) pending = t;
      else {
        pending = null;
        time.set!.call(media, t);
      }
    },
  });
  Object.defineProperty(media, "play", {
    configurable: true,
    value: () => {
      apply();
      return play.call(media);
    },
  });
  return () => {
    apply();
    delete (media as { currentTime?: number }).currentTime;
    delete (media as { play?: unknown }).play;
  };
}
