import { describe, expect, it } from "vitest";
import { quickProblem, readQuick, withQuick } from "./quickSettings";

describe("quick settings", () => {
  it("reads the setting and ignores junk", () => {
    expect(readQuick({ quick: { mode: "binary", label: "decision" } })).toEqual({ mode: "binary", label: "decision" });
    expect(readQuick({ quick: { mode: "transcript" } })).toEqual({ mode: "transcript" });
    expect(readQuick({ quick: { mode: "fast" } })).toBeNull();
    expect(readQuick({})).toBeNull();
    expect(readQuick(null)).toBeNull();
    expect(readQuick({ quick: { mode: "binary", over: "predictions" } })).toEqual({ mode: "binary", over: "predictions" });
  });
  it("decides predictions without a label", () => {
    const quick = { mode: "binary" as const, over: "predictions" as const, label: "stale" };
    expect(withQuick({}, quick)).toEqual({ quick: { mode: "binary", over: "predictions" } });
    expect(quickProblem({ mode: "binary", over: "predictions" })).toBeNull();
  });
  it("writes it in the server's shape and drops it for none", () => {
    expect(withQuick({ a: 1 }, { mode: "choice", label: "x" })).toEqual({ a: 1, quick: { mode: "choice", label: "x" } });
    expect(withQuick({ a: 1, quick: { mode: "binary" } }, null)).toEqual({ a: 1 });
  });
  it("asks for a label where the mode needs one", () => {
    expect(quickProblem({ mode: "binary" })).toMatch(/label/);
    expect(quickProblem({ mode: "transcript" })).toBeNull();
    expect(quickProblem(null)).toBeNull();
  });
});
