// The assignment's version as the editor keeps it across its own writes and others'.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../../api/client";
import { Autosave, type AssignmentPublic, type Transport } from "./autosave";
import { adoptAssignment, emptyQueue } from "./saveQueue";
import type { Values } from "./segments";

function row(version: number, previous: number | null, values: Values = {}): AssignmentPublic {
  return {
    datapoint_id: 1,
    user_id: 2,
    username: "ann",
    status: "in_progress",
    state: "in_progress",
    review_status: null,
    reviewed_at: null,
    marked_for_review: false,
    values,
    version,
    previous_version: previous,
    completed_at: null,
    updated_at: null,
    datapoint_status: "in_progress",
    datapoint_marked_for_review: false,
  };
}

/** A server holding one assignment; `bump` is a change made elsewhere. */
function fakeServer(start = 1) {
  let version = start;
  let values: Values = {};
  const sent: (number | null)[] = [];
  const transport: Transport = {
    async saveBatch() {
      // The first segment moves the item to "in progress": one more version.
      version += 1;
      return { segments: [], deleted: [], assignment: row(version, version - 1, values) };
    },
    async saveValues(next, held) {
      sent.push(held);
      if (held !== null && held !== version) {
        throw new ApiError(409, "changed", "stale_version", { current: row(version, null, values) });
      }
      values = next;
      version += 1;
      return row(version, version - 1, values);
    },
  };
  return {
    transport,
    sent,
    version: () => version,
    bump: () => (version += 1),
    /** A write of this page outside the saver (review mark): its answer. */
    mark: () => {
      version += 1;
      return row(version, version - 1, values);
    },
  };
}

const quiet = { storage: undefined };

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe("adoptAssignment", () => {
  it("takes the version the page's own write made", () => {
    const state = { ...emptyQueue(), valuesVersion: 1 };
    expect(adoptAssignment(state, row(2, 1)).valuesVersion).toBe(2);
  });
  it("keeps the held version when someone else moved it", () => {
    const state = { ...emptyQueue(), valuesVersion: 1 };
    expect(adoptAssignment(state, row(4, 3)).valuesVersion).toBe(1);
    expect(adoptAssignment(state, row(3, null)).valuesVersion).toBe(1);
  });
  it("takes any version when none was known", () => {
    expect(adoptAssignment(emptyQueue(), row(5, null)).valuesVersion).toBe(5);
  });
});

describe("Autosave and the assignment version", () => {
  it("draws, sets a recording label, marks and labels again without a conflict", async () => {
    const server = fakeServer();
    const saver = new Autosave("k", { ...emptyQueue(), valuesVersion: 1 }, server.transport, quiet);
    saver.change("a", { id: "a", start: 1, end: 2, transcript: "", values: {} });
    await vi.advanceTimersByTimeAsync(1000);
    saver.changeValues({ 7: 1 });
    await vi.advanceTimersByTimeAsync(1000);
    expect(saver.getView().status).toBe("saved");
    saver.adopt(await saver.exclusive(async () => server.mark()));
    saver.changeValues({ 7: 2 });
    await vi.advanceTimersByTimeAsync(1000);
    expect(saver.getView().status).toBe("saved");
    expect(server.sent).toEqual([2, 4]);
    expect(saver.getState().valuesVersion).toBe(server.version());
    expect(saver.getView().assignment?.version).toBe(server.version());
  });

  it("still meets a change made elsewhere as a conflict, settled by one Keep mine", async () => {
    const server = fakeServer();
    const saver = new Autosave("k", { ...emptyQueue(), valuesVersion: 1 }, server.transport, quiet);
    server.bump(); // another tab
    saver.changeValues({ 7: 1 });
    await vi.advanceTimersByTimeAsync(1000);
    expect(saver.getView().status).toBe("conflict");
    // A review mark while the conflict is on screen goes on top of theirs.
    saver.adopt(await saver.exclusive(async () => server.mark()));
    const conflict = saver.getView().conflict;
    expect(conflict?.kind === "values" && conflict.theirs.version).toBe(server.version());
    saver.resolve("mine");
    await vi.advanceTimersByTimeAsync(1000);
    expect(saver.getView().status).toBe("saved");
    expect(server.sent).toEqual([1, 3]);
  });

  it("does not let a write on the assignment run beside a save", async () => {
    const server = fakeServer();
    let release: () => void = () => undefined;
    const slow: Transport = {
      ...server.transport,
      saveValues: (values, held) =>
        new Promise((resolve, reject) => {
          release = () => server.transport.saveValues(values, held).then(resolve, reject);
        }),
    };
    const saver = new Autosave("k", { ...emptyQueue(), valuesVersion: 1 }, slow, quiet);
    saver.changeValues({ 7: 1 });
    await vi.advanceTimersByTimeAsync(1000);
    let marked = false;
    const mark = saver.exclusive(async () => {
      marked = true;
      return server.mark();
    });
    await vi.advanceTimersByTimeAsync(200);
    expect(marked).toBe(false); // waits for the values save in flight
    release();
    await vi.advanceTimersByTimeAsync(200);
    saver.adopt(await mark);
    expect(marked).toBe(true);
    expect(saver.getState().valuesVersion).toBe(server.version());
  });
});
