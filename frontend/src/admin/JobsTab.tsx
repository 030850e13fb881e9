// A project's background jobs (ingest, import, export…): status, progress bars, errors, retry.
import { useEffect, useState } from "react";
import { Link } from "react-router-dom";
import { errorMessage } from "../api/client";
import { ErrorMessage, Loading } from "../components/ui";
import { useLoad } from "../components/useLoad";
import { isActive, listJobs, percent, retryJob, type Job } from "../jobs/api";
import { ProgressBar } from "../jobs/ProcessingPanel";
import { formatDate } from "./parts";
import "../jobs/jobs.css";

const POLL_MS = 2000;
const PAGE = 100;

export function JobsTab({ projectId }: { projectId: number }) {
  const [status, setStatus] = useState("");
  const jobs = useLoad(
    () => listJobs({ project_id: projectId, status: (status || undefined) as Job["status"] | undefined, limit: PAGE }),
    [projectId, status],
  );
  const [error, setError] = useState<string | null>(null);
  const list = jobs.data ?? [];
  const moving = list.some(isActive);

  // Follow running jobs until they finish.
  useEffect(() => {
    if (!moving) return;
    const timer = setTimeout(jobs.reload, POLL_MS);
    return () => clearTimeout(timer);
  }, [moving, jobs.data, jobs.reload]);

  async function retry(job: Job) {
    try {
      const next = await retryJob(job.id);
      jobs.setData(list.map((j) => (j.id === job.id ? next : j)));
      setError(null);
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  return (
    <div className="card">
      <h2>Jobs</h2>
      <p className="muted">Work done in the background: processing uploads, imports, exports. Newest first.</p>
      <label className="inline">
        Show
        <select value={status} onChange={(e) => setStatus(e.target.value)} aria-label="Job status">
          <option value="">All</option>
          <option value="queued">Queued</option>
          <option value="running">Running</option>
          <option value="failed">Failed</option>
          <option value="done">Done</option>
        </select>
      </label>
      <ErrorMessage>{jobs.error ?? error}</ErrorMessage>
      {jobs.loading && !jobs.data ? <Loading what="Loading jobs" /> : null}
      <table className="jobs-table">
        <thead>
          <tr>
            <th>Job</th>
            <th>Recording</th>
            <th>Status</th>
            <th>Progress</th>
            <th>Started</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {list.map((job) => (
            <tr key={job.id} data-testid="job-row" data-status={job.status}>
              <td>
                #{job.id} {job.kind}
              </td>
              <td>{job.datapoint_id ? <Link to={`/datapoints/${job.datapoint_id}`}>#{job.datapoint_id}</Link> : "–"}</td>
              <td>
                <span className={`status ${job.status === "running" || job.status === "queued" ? "processing" : job.status}`}>
                  {job.status}
                </span>
                {job.attempts > 1 ? <span className="muted"> ({job.attempts} attempts)</span> : null}
              </td>
              <td className="progress">
                {job.status === "failed" ? (
                  <span className="job-error">{job.error}</span>
                ) : (
                  <>
                    <ProgressBar value={job.status === "done" ? 1 : job.progress} label={`Job ${job.id}`} />
                    <span className="muted">
                      {percent(job.status === "done" ? 1 : job.progress)} {job.message}
                    </span>
                  </>
                )}
              </td>
              <td>{formatDate(job.started_at ?? job.created_at)}</td>
              <td>
                {job.status === "failed" ? (
                  <button type="button" onClick={() => void retry(job)}>
                    Retry
                  </button>
                ) : null}
              </td>
            </tr>
          ))}
          {jobs.data && list.length === 0 ? (
            <tr>
              <td colSpan={6} className="empty">
                No jobs.
              </td>
            </tr>
          ) : null}
        </tbody>
      </table>
    </div>
  );
}
