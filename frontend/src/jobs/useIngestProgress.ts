// Progress of the datapoints on a list page that are still processing: one jobs query per poll,
// and a reload of the list when one of them is finished.
import { useEffect, useRef, useState } from "react";
import { listJobs, type Job } from "./api";

export const LIST_POLL_MS = 2000;

/** The newest ingest job per datapoint among `jobs` (which come newest first). */
export function latestByDatapoint(jobs: Job[]): Map<number, Job> {
  const out = new Map<number, Job>();
  for (const job of jobs) {
    if (job.datapoint_id !== null && !out.has(job.datapoint_id)) out.set(job.datapoint_id, job);
  }
  return out;
}

export function useIngestProgress(projectId: number, processing: number[], onFinished: () => void) {
  const [jobs, setJobs] = useState<Map<number, Job>>(new Map());
  const finished = useRef(onFinished);
  useEffect(() => {
    finished.current = onFinished;
  });
  const key = processing.join(",");

  useEffect(() => {
    if (!key) return;
    const ids = key.split(",").map(Number);
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const latest = latestByDatapoint(await listJobs({ project_id: projectId, kind: "ingest", limit: 200 }));
        if (stopped) return;
        setJobs(latest);
        if (ids.some((id) => latest.get(id)?.status === "done" || latest.get(id)?.status === "failed")) {
          finished.current();
          return;
        }
      } catch {
        // The list keeps its badges; the next poll may succeed.
      }
      if (!stopped) timer = setTimeout(poll, LIST_POLL_MS);
    };
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [projectId, key]);

  return jobs;
}
