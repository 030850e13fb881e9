import { describe, expect, it } from "vitest";
import { exportReport } from "./exportReport";

describe("exportReport", () => {
  it("lists skipped segments by reason, then values left out, then estimated lines", () => {
    const job = {
      status: "done",
      result: {
        report: {
          format: "ctm",
          segments_skipped: { "no transcript": 12, "a transcript of punctuation only: no words": 1 },
          values_left_out: { "gender neither female (f, woman) nor male (m, man)": 3 },
          lines_estimated: { "CTM words with estimated times (confidence 0.0000)": 30 },
          file: null,
        },
      },
    };
    expect(exportReport(job)).toEqual({
      format: "ctm",
      lines: [
        "1 segment skipped: a transcript of punctuation only: no words",
        "12 segments skipped: no transcript",
        "3 values left out: gender neither female (f, woman) nor male (m, man)",
        "30 CTM words with estimated times (confidence 0.0000)",
      ],
      file: null,
    });
  });

  it("names the file in the zip that holds the report", () => {
    const report = { segments_skipped: { "no transcript": 2 }, file: "export-report.json" };
    const job = { status: "done", result: { report } };
    expect(exportReport(job)).toMatchObject({ format: "this format", file: "export-report.json" });
  });

  it("is null while the job runs", () => {
    const report = { segments_skipped: { "no transcript": 2 } };
    expect(exportReport({ status: "running", result: { report } })).toBeNull();
  });

  it("is null when nothing was lost, or the job has no report", () => {
    const nothing = { segments_skipped: {}, lines_estimated: {}, file: null };
    expect(exportReport({ status: "done", result: { report: nothing } })).toBeNull();
    expect(exportReport({ status: "done", result: { size: 10 } })).toBeNull();
    expect(exportReport({ status: "done" })).toBeNull();
    const odd = { segments_skipped: { odd: "many" } };
    expect(exportReport({ status: "done", result: { report: odd } })).toBeNull();
  });
});
