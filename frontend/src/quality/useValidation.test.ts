import { describe, expect, it } from "vitest";
import { ApiError } from "../api/client";
import { blockedReason, refusedFindings, worstBySegment, type Finding } from "./useValidation";

const finding = (severity: Finding["severity"], segment_id: string | null, message = "m"): Finding => ({
  rule: 0,
  kind: "min_length",
  severity,
  message,
  segment_id,
  start: segment_id ? 1 : null,
});

describe("validation findings", () => {
  it("marks each segment with its worst finding", () => {
    const marks = worstBySegment([
      finding("warning", "a", "Spaces."),
      finding("error", "a", "Short."),
      finding("warning", "b"),
      finding("error", null),
    ]);
    expect([...marks]).toEqual([
      ["a", { severity: "error", messages: ["Spaces.", "Short."] }],
      ["b", { severity: "warning", messages: ["m"] }],
    ]);
  });

  it("blocks Complete on errors only, saying the first", () => {
    expect(blockedReason([finding("warning", "a")])).toBeNull();
    expect(blockedReason([finding("error", "a", "Too short.")])).toBe("Fix the error first: Too short.");
    expect(blockedReason([finding("error", "a", "One."), finding("error", "b", "Two.")])).toBe("Fix 2 errors first: One.");
  });

  it("reads the findings of a refused Complete, and nothing from other errors", () => {
    const body = { detail: "x", code: "validation_failed", findings: [finding("error", "a")] };
    expect(refusedFindings(new ApiError(400, "x", "validation_failed", body))).toEqual(body.findings);
    expect(refusedFindings(new ApiError(400, "x", "validation_failed", {}))).toEqual([]);
    expect(refusedFindings(new ApiError(400, "x", "missing_required", body))).toBeNull();
    expect(refusedFindings(new Error("x"))).toBeNull();
  });
});
