// Shown instead of the waveform while a recording is being processed, or when that failed.
import { useEffect } from "react";
import { ErrorMessage } from "../components/ui";
import { percent, type Ingest } from "./api";
import { useJob } from "./useJob";
import "./jobs.css";

interface Props {
  ingest: Ingest;
  /** Managers may run a failed job again. */
  canRetry: boolean;
  /** The job finished: load the datapoint again. */
  onReady(): void;
}

export function ProgressBar({ value, label }: { value: number; label: string }) {
  return (
    <div
      className="progress-bar"
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={Math.round(value * 100)}
    >
      <div style={{ width: percent(value) }} />
    </div>
  );
}

export function ProcessingPanel({ ingest, canRetry, onReady }: Props) {
  const { job, error, retry } = useJob(ingest.jobId);
  const status = job?.status ?? (ingest.status === "failed" ? "failed" : "queued");

  useEffect(() => {
    if (job?.status === "done") onReady();
  }, [job?.status, onReady]);

  if (status === "failed") {
    return (
      <div className="processing failed" data-testid="processing" data-status="failed">
        <ErrorMessage>{`This recording could not be processed: ${job?.error ?? ingest.error ?? "unknown error"}`}</ErrorMessage>
        {canRetry && ingest.jobId !== null ? (
          <button type="button" onClick={() => void retry()}>
            Retry
          </button>
        ) : (
          <p className="muted">A project manager can retry it.</p>
        )}
        <ErrorMessage>{error}</ErrorMessage>
      </div>
    );
  }
  const progress = job?.progress ?? 0;
  return (
    <div className="processing" data-testid="processing" data-status={status}>
      <p>
        <strong>Processing… {percent(progress)}</strong>{" "}
        <span className="muted">{job?.message || (status === "queued" ? "Waiting to start" : "")}</span>
      </p>
      <ProgressBar value={progress} label="Processing" />
      <p className="muted">The recording opens here as soon as it is ready. Segments can already be edited below.</p>
      <ErrorMessage>{error}</ErrorMessage>
    </div>
  );
}
