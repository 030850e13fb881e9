import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ActiveClock, startActiveTime } from "./activeTime";

const S = 1000;

describe("ActiveClock", () => {
  it("counts nothing until the user does something", () => {
    const clock = new ActiveClock(0, true);
    expect(clock.take(30 * S)).toBe(0);
  });

  it("counts a minute of grace after each interaction, then stops", () => {
    const clock = new ActiveClock(0, true);
    clock.interact(0);
    expect(clock.take(30 * S)).toBe(30);
    // Nothing more since: 30 s more of grace, then idle.
    expect(clock.take(5 * 60 * S)).toBe(30);
    clock.interact(6 * 60 * S);
    expect(clock.take(6 * 60 * S + 10 * S)).toBe(10);
  });

  it("counts no time while the tab is hidden", () => {
    const clock = new ActiveClock(0, true);
    clock.interact(0);
    clock.setVisible(false, 10 * S);
    expect(clock.take(50 * S)).toBe(10);
    clock.setVisible(true, 50 * S);
    // Back within the minute of the last key: the rest of it counts.
    expect(clock.take(70 * S)).toBe(10);
  });

  it("counts all of the playback, and a minute after it stops", () => {
    const clock = new ActiveClock(0, true);
    clock.setPlaying(true, 0);
    expect(clock.take(5 * 60 * S)).toBe(300);
    clock.setPlaying(false, 5 * 60 * S);
    expect(clock.take(10 * 60 * S)).toBe(60);
  });

  it("takes tenths of a second, and keeps what is over the cap for the next report", () => {
    const clock = new ActiveClock(0, true);
    clock.setPlaying(true, 0);
    expect(clock.take(1550)).toBe(1.5);
    expect(clock.pending(1550)).toBe(50);
    expect(clock.take(15 * 60 * S + 50, 600)).toBe(600);
    expect(clock.take(15 * 60 * S + 50, 600)).toBe(298.5);
  });

  it("takes nothing under the least report", () => {
    const clock = new ActiveClock(0, true);
    clock.interact(0);
    expect(clock.take(400)).toBe(0);
    expect(clock.take(400, 600, 0.1)).toBe(0.4);
  });

  it("never counts backwards", () => {
    const clock = new ActiveClock(10 * S, true);
    clock.interact(5 * S);
    expect(clock.take(5 * S)).toBe(0);
  });
});

describe("startActiveTime", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(0);
  });
  afterEach(() => vi.useRealTimers());

  it("reports every 30 s while the user works, nothing while idle", async () => {
    const sent: [number, boolean][] = [];
    const t = startActiveTime({ send: async (s, leaving) => void sent.push([s, leaving]), visible: () => true });
    t.interact();
    await vi.advanceTimersByTimeAsync(30 * S);
    expect(sent).toEqual([[30, false]]);
    await vi.advanceTimersByTimeAsync(30 * S);
    expect(sent).toEqual([
      [30, false],
      [30, false],
    ]);
    // A minute since the last key: nothing to report.
    await vi.advanceTimersByTimeAsync(2 * 60 * S);
    expect(sent).toHaveLength(2);
    t.stop();
  });

  it("sends what is left on leaving, even under a second, kept alive, and stops", async () => {
    const sent: [number, boolean][] = [];
    const t = startActiveTime({ send: async (s, leaving) => void sent.push([s, leaving]), visible: () => true });
    t.interact();
    await vi.advanceTimersByTimeAsync(700);
    t.stop();
    expect(sent).toEqual([[0.7, true]]);
    t.interact();
    await vi.advanceTimersByTimeAsync(60 * S);
    expect(sent).toHaveLength(1);
  });

  it("counts a failed report again in the next one", async () => {
    const sent: number[] = [];
    let fail = true;
    const t = startActiveTime({
      send: (s) => {
        if (fail) {
          fail = false;
          return Promise.reject(new Error("offline"));
        }
        sent.push(s);
        return Promise.resolve();
      },
      visible: () => true,
    });
    t.setPlaying(true);
    await vi.advanceTimersByTimeAsync(30 * S);
    expect(sent).toEqual([]);
    await vi.advanceTimersByTimeAsync(30 * S);
    expect(sent).toEqual([60]);
    t.stop();
  });

  it("splits a long backlog into reports the server takes, on leaving", async () => {
    const sent: number[] = [];
    const t = startActiveTime({
      send: async (s) => void sent.push(s),
      visible: () => true,
      every: 60 * 60 * S,
    });
    t.setPlaying(true);
    vi.setSystemTime(25 * 60 * S);
    t.stop();
    expect(sent).toEqual([600, 600, 300]);
  });

  it("counts nothing while hidden", async () => {
    const sent: number[] = [];
    const t = startActiveTime({ send: async (s) => void sent.push(s), visible: () => false });
    t.interact();
    await vi.advanceTimersByTimeAsync(30 * S);
    expect(sent).toEqual([]);
    t.setVisible(true);
    t.interact();
    await vi.advanceTimersByTimeAsync(30 * S);
    expect(sent).toEqual([30]);
    t.stop();
  });
});
