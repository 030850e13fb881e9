// Time actually spent on an item: counted while the tab is visible and the user interacted
// (keys, pointer, playback) within the last minute, reported every ~30 s and on leaving.

/** Quiet for longer than this, and the time stops counting. */
export const IDLE_AFTER_MS = 60_000;
/** How often what was counted goes to the server. */
export const REPORT_EVERY_MS = 30_000;
/** The server takes at most this much in one report. */
export const MAX_REPORT_S = 600;

/**
 * Counts active milliseconds. Every change settles the time since the last one first, so
 * the count never depends on how often it is asked.
 */
export class ActiveClock {
  private last: number;
  private lastInteraction = -Infinity;
  private visible: boolean;
  private playing = false;
  private counted = 0;

  constructor(
    now: number,
    visible: boolean,
    private readonly idleAfter = IDLE_AFTER_MS,
  ) {
    this.last = now;
    this.visible = visible;
  }

  /** Adds the active part of the time from the last settling to `now`. */
  private settle(now: number): void {
    if (now <= this.last) return;
    if (this.visible) {
      const until = this.playing ? now : Math.min(now, this.lastInteraction + this.idleAfter);
      if (until > this.last) this.counted += until - this.last;
    }
    this.last = now;
  }

  /** A key, a click, a pointer move, a scroll. */
  interact(now: number): void {
    this.settle(now);
    this.lastInteraction = now;
  }

  setVisible(visible: boolean, now: number): void {
    this.settle(now);
    this.visible = visible;
  }

  /** Listening counts as working; the minute of grace starts when playback stops. */
  setPlaying(playing: boolean, now: number): void {
    this.settle(now);
    if (this.playing && !playing) this.lastInteraction = now;
    this.playing = playing;
  }

  /**
   * Seconds counted and not yet taken, in tenths, at most `max`; none when under `least`.
   * What is not taken stays for next time.
   */
  take(now: number, max = MAX_REPORT_S, least = 1): number {
    this.settle(now);
    const seconds = Math.min(max, Math.floor(this.counted / 100) / 10);
    if (seconds < least || seconds <= 0) return 0;
    this.counted -= Math.round(seconds * 1000);
    return seconds;
  }

  /** Seconds taken for a report that did not reach the server: counted again. */
  giveBack(seconds: number): void {
    this.counted += Math.round(seconds * 1000);
  }

  /** Milliseconds counted and not yet taken (for tests and display). */
  pending(now: number): number {
    this.settle(now);
    return this.counted;
  }
}

export interface ActiveTimeDeps {
  /** Sends one report; a failed one is counted again in the next. */
  send(seconds: number, leaving: boolean): Promise<unknown>;
  now?: () => number;
  visible?: () => boolean;
  every?: number;
}

export interface ActiveTime {
  interact(): void;
  setVisible(visible: boolean): void;
  setPlaying(playing: boolean): void;
  /** Sends what was counted now (on leaving: with the request kept alive). */
  flush(leaving?: boolean): void;
  /** Stops the timer after a last report. */
  stop(): void;
}

/** A clock reporting itself every `every` ms through `send`. */
export function startActiveTime(deps: ActiveTimeDeps): ActiveTime {
  const now = deps.now ?? (() => Date.now());
  const visible = deps.visible ?? (() => document.visibilityState === "visible");
  const clock = new ActiveClock(now(), visible());
  let stopped = false;

  const flush = (leaving = false) => {
    // More than the server takes at once (reports failed for a while) goes in several.
    // Every 30 s a second or more; on leaving, whatever was counted.
    const least = leaving ? 0.1 : 1;
    let seconds = clock.take(now(), MAX_REPORT_S, least);
    while (seconds > 0) {
      const sent = seconds;
      deps.send(sent, leaving).catch(() => clock.giveBack(sent));
      seconds = leaving ? clock.take(now(), MAX_REPORT_S, least) : 0;
    }
  };
  const timer = setInterval(() => flush(false), deps.every ?? REPORT_EVERY_MS);

  return {
    interact: () => clock.interact(now()),
    setVisible: (v) => clock.setVisible(v, now()),
    setPlaying: (p) => clock.setPlaying(p, now()),
    flush,
    stop: () => {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      flush(true);
    },
  };
}
