// One audio file to a project over XMLHttpRequest, for upload progress that fetch cannot report.
import { csrfToken, type Schemas } from "../api/client";

export type UploadResult = Schemas["UploadResult"];

/** What happened to one file: the server's result, or its error message. */
export type UploadOutcome =
  { ok: true; result: UploadResult } | { ok: false; status: number; detail: string; code: string };

/** Turns the server's answer (status and body text) into an outcome. */
export function interpretResponse(status: number, body: string, filename: string): UploadOutcome {
  let json: unknown = null;
  try {
    json = body ? JSON.parse(body) : null;
  } catch {
    json = null;
  }
  const record = (json && typeof json === "object" ? json : {}) as Record<string, unknown>;
  if (status >= 200 && status < 300) {
    if (typeof record.status === "string") {
      return { ok: true, result: { ...(record as UploadResult), filename } };
    }
    return {
      ok: false,
      status,
      detail: "The server answered with something unexpected.",
      code: "bad_response",
    };
  }
  if (status === 0) {
    return {
      ok: false,
      status,
      detail: "Cannot reach the server. Check your connection.",
      code: "offline",
    };
  }
  const detail =
    typeof record.detail === "string"
      ? record.detail
      : status === 413
        ? "The file is larger than the server accepts."
        : `The server answered ${status}.`;
  const code = typeof record.code === "string" ? record.code : "error";
  return { ok: false, status, detail, code };
}

export interface UploadOptions {
  projectId: number;
  file: File;
  assignTo: string[];
  onProgress(fraction: number): void;
  signal?: AbortSignal;
}

/** Uploads one file; never rejects: failures come back as an outcome with the reason. */
export function uploadFile(options: UploadOptions): Promise<UploadOutcome> {
  const { projectId, file, assignTo, onProgress, signal } = options;
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", `/api/projects/${projectId}/datapoints`);
    xhr.withCredentials = true;
    xhr.setRequestHeader("X-CSRF-Token", csrfToken());
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      if (xhr.status === 401) window.dispatchEvent(new CustomEvent("audino:unauthorized"));
      resolve(interpretResponse(xhr.status, xhr.responseText, file.name));
    };
    xhr.onerror = () => resolve(interpretResponse(0, "", file.name));
    xhr.onabort = () =>
      resolve({ ok: false, status: 0, detail: "Upload cancelled.", code: "cancelled" });
    signal?.addEventListener("abort", () => xhr.abort(), { once: true });
    const form = new FormData();
    form.append("file", file, file.name);
    if (assignTo.length > 0) form.append("assign_to", assignTo.join(","));
    xhr.send(form);
  });
}
