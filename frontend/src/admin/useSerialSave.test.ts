import { describe, expect, it } from "vitest";
import { serial } from "./useSerialSave";

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
const tick = () => new Promise((r) => setTimeout(r, 0));

describe("serial", () => {
  it("starts each task after the one before and marks the last", async () => {
    const run = serial();
    const started: number[] = [];
    const done: [number, boolean][] = [];
    const a = deferred<number>();
    const b = deferred<number>();
    void run(
      () => (started.push(1), a.promise),
      (v, last) => done.push([v, last]),
      () => {},
    );
    const end = run(
      () => (started.push(2), b.promise),
      (v, last) => done.push([v, last]),
      () => {},
    );
    await tick();
    expect(started).toEqual([1]);
    a.resolve(10);
    await tick();
    expect(started).toEqual([1, 2]);
    b.resolve(20);
    await end;
    expect(done).toEqual([
      [10, false],
      [20, true],
    ]);
  });

  it("reports a failure and goes on with the next", async () => {
    const run = serial();
    const failures: string[] = [];
    void run(
      () => Promise.reject(new Error("conflict")),
      () => {},
      (m) => failures.push(m),
    );
    let ran = false;
    await run(
      async () => (ran = true),
      () => {},
      () => {},
    );
    expect(failures).toEqual(["conflict"]);
    expect(ran).toBe(true);
  });
});
