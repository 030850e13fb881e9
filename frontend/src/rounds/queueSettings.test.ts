import { describe, expect, it } from "vitest";
import { queueProblem, readQueue, roundShare, trainingSetUrl, withQueue } from "./queueSettings";

describe("queue settings", () => {
  it("reads the order and models, defaulting to the id order", () => {
    expect(readQueue({})).toEqual({ order: "id", models: [] });
    expect(readQueue({ queue: { order: "nope" } })).toEqual({ order: "id", models: [] });
    expect(readQueue({ queue: { order: "disagreement", models: ["a", 3, "b"] } })).toEqual({
      order: "disagreement",
      models: ["a", "b"],
    });
  });

  it("writes the order, dropping the key for the id order", () => {
    expect(withQueue({ keymap: {} }, { order: "uncertainty", models: [] })).toEqual({
      keymap: {},
      queue: { order: "uncertainty", models: [] },
    });
    expect(withQueue({ queue: { order: "uncertainty" } }, { order: "id", models: ["a"] })).toEqual({});
  });

  it("asks for two different models to compare", () => {
    expect(queueProblem({ order: "disagreement", models: ["a"] })).not.toBeNull();
    expect(queueProblem({ order: "disagreement", models: ["a", "a"] })).not.toBeNull();
    expect(queueProblem({ order: "disagreement", models: ["a", "b"] })).toBeNull();
    expect(queueProblem({ order: "uncertainty", models: [] })).toBeNull();
  });

  it("shares and links", () => {
    expect(roundShare(1, 4)).toBe(0.25);
    expect(roundShare(0, 0)).toBe(0);
    expect(trainingSetUrl(7)).toBe("/api/projects/7/export?format=audino&status=done&predictions=exclude");
  });
});
