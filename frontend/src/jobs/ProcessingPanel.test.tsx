import { act } from "react";
import { createRoot } from "react-dom/client";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Job } from "./api";
import { ProcessingPanel } from "./ProcessingPanel";

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const job = (over: Partial<Job>): Job => ({
  id: 7,
  kind: "ingest",
  status: "running",
  progress: 0.42,
  message: "Decoding",
  error: null,
  project_id: 1,
  datapoint_id: 3,
  attempts: 1,
  created_at: "2026-01-01T00:00:00Z",
  started_at: null,
  finished_at: null,
  ...over,
});

function serve(answers: Job[]) {
  const calls: string[] = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (url: string, init?: RequestInit) => {
      calls.push(`${init?.method ?? "GET"} ${url}`);
      const next = answers.length > 1 ? answers.shift()! : answers[0];
      return new Response(JSON.stringify(next), { status: 200 });
    }),
  );
  return calls;
}

async function mount(node: React.ReactNode) {
  const box = document.createElement("div");
  document.body.append(box);
  const root = createRoot(box);
  await act(async () => root.render(node));
  await act(async () => new Promise((r) => setTimeout(r, 0)));
  return { box, unmount: () => act(() => root.unmount()) };
}

afterEach(() => {
  vi.unstubAllGlobals();
  document.body.innerHTML = "";
});

describe("ProcessingPanel", () => {
  it("shows the job's progress while it runs", async () => {
    serve([job({})]);
    const { box, unmount } = await mount(
      <ProcessingPanel ingest={{ status: "processing", error: null, jobId: 7 }} canRetry onReady={() => {}} />,
    );
    expect(box.textContent).toContain("Processing… 42%");
    expect(box.textContent).toContain("Decoding");
    expect(box.querySelector("[role=progressbar]")?.getAttribute("aria-valuenow")).toBe("42");
    await unmount();
  });

  it("tells a manager why it failed and retries it", async () => {
    const calls = serve([job({ status: "failed", error: "The file ends early." }), job({ status: "queued", progress: 0 })]);
    const { box, unmount } = await mount(
      <ProcessingPanel ingest={{ status: "failed", error: "The file ends early.", jobId: 7 }} canRetry onReady={() => {}} />,
    );
    expect(box.textContent).toContain("could not be processed: The file ends early.");
    const retry = [...box.querySelectorAll("button")].find((b) => b.textContent === "Retry");
    expect(retry).toBeDefined();
    await act(async () => retry!.click());
    expect(calls).toContain("POST /api/jobs/7/retry");
    expect(box.textContent).toContain("Processing… 0%");
    await unmount();
  });

  it("offers annotators no retry, and says when the job is done", async () => {
    serve([job({ status: "done", progress: 1 })]);
    const ready = vi.fn();
    const failed = await mount(
      <ProcessingPanel ingest={{ status: "failed", error: "bad", jobId: null }} canRetry={false} onReady={ready} />,
    );
    expect(failed.box.textContent).toContain("A project manager can retry it.");
    await failed.unmount();
    const done = await mount(
      <ProcessingPanel ingest={{ status: "processing", error: null, jobId: 7 }} canRetry={false} onReady={ready} />,
    );
    expect(ready).toHaveBeenCalled();
    await done.unmount();
  });
});
