import { describe, expect, it } from "vitest";
import { interpretResponse, type UploadOutcome } from "./uploadFile";
import { UploadQueue, tally, type Send } from "./uploadQueue";

/** A fake server: each call waits until the test answers it. */
function fakeServer() {
  const calls: {
    file: File;
    progress: (f: number) => void;
    signal: AbortSignal;
    answer: (o: UploadOutcome) => void;
  }[] = [];
  let active = 0;
  let maxActive = 0;
  const send: Send = (file, progress, signal) =>
    new Promise((resolve) => {
      active += 1;
      maxActive = Math.max(maxActive, active);
      const answer = (o: UploadOutcome) => {
        active -= 1;
        resolve(o);
      };
      signal.addEventListener("abort", () =>
        answer({ ok: false, status: 0, detail: "Upload cancelled.", code: "cancelled" }),
      );
      calls.push({ file, progress, signal, answer });
    });
  return { send, calls, maxActive: () => maxActive };
}

const file = (name: string) => new File(["x"], name, { type: "audio/wav" });
const created = (name: string, id: number): UploadOutcome => ({
  ok: true,
  result: { filename: name, status: "created", datapoint: { id } as never },
});
const tick = () => new Promise((r) => setTimeout(r, 0));

describe("UploadQueue", () => {
  it("sends two at a time and goes on after a failure", async () => {
    const server = fakeServer();
    const queue = new UploadQueue(server.send, 2);
    queue.add(["a.wav", "b.wav", "c.wav", "d.wav"].map(file));
    expect(server.calls.map((c) => c.file.name)).toEqual(["a.wav", "b.wav"]);
    expect(tally(queue.snapshot())).toMatchObject({ uploading: 2, queued: 2 });

    server.calls[0].answer({ ok: false, status: 422, detail: "Not audio.", code: "bad_audio" });
    await tick();
    expect(server.calls.map((c) => c.file.name)).toEqual(["a.wav", "b.wav", "c.wav"]);
    server.calls[1].answer(created("b.wav", 7));
    server.calls[2].answer({
      ok: true,
      result: { filename: "c.wav", status: "duplicate", datapoint: { id: 3 } as never },
    });
    await tick();
    server.calls[3].answer(created("d.wav", 8));
    await tick();

    expect(server.maxActive()).toBe(2);
    const entries = queue.snapshot();
    expect(entries.map((e) => e.state)).toEqual(["error", "created", "duplicate", "created"]);
    expect(entries[0].detail).toBe("Not audio.");
    expect(entries[1]).toMatchObject({ progress: 1, datapointId: 7 });
    expect(entries[2].datapointId).toBe(3);
  });

  it("reports progress and tells listeners", async () => {
    const server = fakeServer();
    const queue = new UploadQueue(server.send);
    let changes = 0;
    queue.subscribe(() => (changes += 1));
    queue.add([file("a.wav")]);
    server.calls[0].progress(0.5);
    expect(queue.snapshot()[0]).toMatchObject({ state: "uploading", progress: 0.5 });
    expect(changes).toBeGreaterThanOrEqual(3);
  });

  it("cancels waiting and running files, and clears finished ones", async () => {
    const server = fakeServer();
    const queue = new UploadQueue(server.send, 1);
    queue.add([file("a.wav"), file("b.wav"), file("c.wav")]);
    const [a, b] = queue.snapshot();
    queue.cancel(b.id);
    queue.cancel(a.id);
    await tick();
    expect(server.calls[0].signal.aborted).toBe(true);
    // b was never sent; c started once a was stopped.
    expect(server.calls.map((c) => c.file.name)).toEqual(["a.wav", "c.wav"]);
    expect(queue.snapshot().map((e) => e.state)).toEqual(["error", "error", "uploading"]);
    queue.clearFinished();
    expect(queue.snapshot().map((e) => e.name)).toEqual(["c.wav"]);
  });

  it("keeps going when the sender throws", async () => {
    const queue = new UploadQueue(() => Promise.reject(new Error("boom")));
    queue.add([file("a.wav"), file("b.wav"), file("c.wav")]);
    await tick();
    await tick();
    expect(queue.snapshot().every((e) => e.state === "error")).toBe(true);
  });
});

describe("interpretResponse", () => {
  it("reads a created file", () => {
    const out = interpretResponse(
      201,
      JSON.stringify({ filename: "x", status: "created" }),
      "a.wav",
    );
    expect(out).toEqual({ ok: true, result: { filename: "a.wav", status: "created" } });
  });
  it("gives the server's message for a refused file", () => {
    const body = JSON.stringify({ detail: "This is not audio.", code: "bad_audio" });
    expect(interpretResponse(422, body, "a.wav")).toEqual({
      ok: false,
      status: 422,
      detail: "This is not audio.",
      code: "bad_audio",
    });
  });
  it("explains answers without a JSON message", () => {
    expect(interpretResponse(413, "<html>", "a.wav")).toMatchObject({ detail: /larger/ });
    expect(interpretResponse(500, "", "a.wav")).toMatchObject({
      detail: "The server answered 500.",
    });
    expect(interpretResponse(0, "", "a.wav")).toMatchObject({ code: "offline" });
    expect(interpretResponse(200, "[]", "a.wav")).toMatchObject({
      ok: false,
      code: "bad_response",
    });
  });
});
