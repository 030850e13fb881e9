// Background jobs over HTTP (`/api/jobs`), and a datapoint's ingest state as the API reports it.
import { ApiError, csrfToken } from "../api/client";

export type JobStatus = "queued" | "running" | "done" | "failed";

export interface Job {
  id: number;
  kind: string;
  status: JobStatus;
  /** 0..1 */
  progress: number;
  message: string;
  error: string | null;
  project_id: number | null;
  datapoint_id: number | null;
  attempts: number;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

export const isActive = (job: Pick<Job, "status"> | null | undefined) =>
  job?.status === "queued" || job?.status === "running";

async function call<T>(url: string, method: "GET" | "POST" = "GET"): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      credentials: "same-origin",
      headers: method === "GET" ? {} : { "X-CSRF-Token": csrfToken() },
    });
  } catch (err) {
    throw new ApiError(0, "Cannot reach the server. Check your connection.", "offline", err);
  }
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const detail = (body as { detail?: unknown } | null)?.detail;
    const code = (body as { code?: unknown } | null)?.code;
    throw new ApiError(
      response.status,
      typeof detail === "string" ? detail : `${response.status} ${response.statusText}`,
      typeof code === "string" ? code : "error",
      body,
    );
  }
  return body as T;
}

export const getJob = (id: number) => call<Job>(`/api/jobs/${id}`);
export const retryJob = (id: number) => call<Job>(`/api/jobs/${id}/retry`, "POST");

export function listJobs(query: {
  project_id?: number;
  datapoint_id?: number;
  status?: JobStatus;
  kind?: string;
  before?: number;
  limit?: number;
}) {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) q.set(key, String(value));
  return call<Job[]>(`/api/jobs?${q}`);
}

export type IngestStatus = "processing" | "ready" | "failed";

export interface Ingest {
  status: IngestStatus;
  error: string | null;
  jobId: number | null;
}

/** A datapoint's ingest state; datapoints from before ingest jobs count as ready. */
export function ingestOf(datapoint: object): Ingest {
  const d = datapoint as { ingest_status?: unknown; ingest_error?: unknown; ingest_job_id?: unknown };
  const status = d.ingest_status === "processing" || d.ingest_status === "failed" ? d.ingest_status : "ready";
  return {
    status,
    error: typeof d.ingest_error === "string" ? d.ingest_error : null,
    jobId: typeof d.ingest_job_id === "number" ? d.ingest_job_id : null,
  };
}

export function percent(progress: number): string {
  return `${Math.floor(Math.max(0, Math.min(1, progress)) * 100)}%`;
}
