import { describe, expect, it } from "vitest";
import { ingestOf, isActive, percent } from "./api";

describe("ingest state", () => {
  it("reads the datapoint's fields and counts older datapoints as ready", () => {
    expect(ingestOf({ ingest_status: "processing", ingest_job_id: 4, ingest_error: null })).toEqual({
      status: "processing",
      error: null,
      jobId: 4,
    });
    expect(ingestOf({ ingest_status: "failed", ingest_error: "bad file" }).error).toBe("bad file");
    expect(ingestOf({}).status).toBe("ready");
  });

  it("formats progress and knows which jobs still move", () => {
    expect(percent(0.426)).toBe("42%");
    expect(percent(2)).toBe("100%");
    expect(isActive({ status: "running" })).toBe(true);
    expect(isActive({ status: "failed" })).toBe(false);
  });
});
