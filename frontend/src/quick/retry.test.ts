import { describe, expect, it } from "vitest";
import { ApiError } from "../api/client";
import { pauseBefore, retryable, saveUntilSaved } from "./retry";

describe("saving until saved", () => {
  it("retries network and server failures, reporting each, without real waiting", async () => {
    const failures: boolean[] = [];
    const waits: number[] = [];
    let calls = 0;
    const result = await saveUntilSaved(
      async () => {
        calls++;
        if (calls < 3) throw new ApiError(0, "Cannot reach the server.", "offline");
        return "saved";
      },
      { failed: (_e, _a, again) => failures.push(again), wait: async (ms) => void waits.push(ms), alive: () => true },
    );
    expect(result).toBe("saved");
    expect(failures).toEqual([true, true]);
    expect(waits).toEqual([pauseBefore(0), pauseBefore(1)]);
  });
  it("stops at answers that will not change", async () => {
    const err = new ApiError(400, "Required labels have no value.", "missing_required");
    await expect(
      saveUntilSaved(() => Promise.reject(err), { failed: () => {}, wait: async () => {}, alive: () => true }),
    ).rejects.toBe(err);
    expect(retryable(err)).toBe(false);
    expect(retryable(new ApiError(503, "busy", "x"))).toBe(true);
    expect(pauseBefore(99)).toBe(15000);
  });
});
