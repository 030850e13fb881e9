// Follows one job: polls it while it is queued or running, and retries it on request.
import { useCallback, useEffect, useState } from "react";
import { errorMessage } from "../api/client";
import { getJob, isActive, retryJob, type Job } from "./api";

export const POLL_MS = 1000;

export function useJob(jobId: number | null) {
  const [job, setJob] = useState<Job | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    if (jobId === null) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const next = await getJob(jobId);
        if (stopped) return;
        setJob(next);
        setError(null);
        if (isActive(next)) timer = setTimeout(poll, POLL_MS);
      } catch (err) {
        if (stopped) return;
        setError(errorMessage(err));
        timer = setTimeout(poll, POLL_MS * 3);
      }
    };
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [jobId, tick]);

  const retry = useCallback(async () => {
    if (jobId === null) return;
    try {
      setJob(await retryJob(jobId));
      setError(null);
      setTick((t) => t + 1);
    } catch (err) {
      setError(errorMessage(err));
    }
  }, [jobId]);

  return { job, error, retry };
}
