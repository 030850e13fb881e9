// Exporting the project's annotations: pick a format and filters, download (streamed by the server).
import { useState } from "react";
import { api, unwrap } from "../api/client";
import { ErrorMessage, Loading } from "../components/ui";
import { useLoad } from "../components/useLoad";
import { CopyButton } from "./parts";

const STATUSES = [
  { value: "", label: "All datapoints" },
  { value: "done", label: "Done only" },
  { value: "in_progress", label: "In progress" },
  { value: "todo", label: "To do" },
  { value: "review", label: "Marked for review" },
];

export function exportUrl(
  projectId: number,
  format: string,
  status: string,
  author: string,
): string {
  const query = new URLSearchParams({ format });
  if (status) query.set("status", status);
  if (author) query.set("author", author);
  return `/api/projects/${projectId}/export?${query}`;
}

export function ExportTab({ projectId }: { projectId: number }) {
  const formats = useLoad(() => unwrap(api.GET("/api/formats")), []);
  const members = useLoad(
    () =>
      unwrap(
        api.GET("/api/projects/{project_id}/members", {
          params: { path: { project_id: projectId } },
        }),
      ),
    [projectId],
  );
  const [chosen, setChosen] = useState("");
  const [status, setStatus] = useState("");
  const [author, setAuthor] = useState("");
  const format = chosen || formats.data?.[0]?.name || "";
  const current = formats.data?.find((f) => f.name === format);
  const url = format ? exportUrl(projectId, format, status, author) : "";
  const file = `export${current?.extension ?? ""}`;
  const command = `curl -H "Authorization: Bearer TOKEN" -o ${file} "${window.location.origin}${url}"`;

  return (
    <div className="card export">
      <h2>Export</h2>
      <ErrorMessage>{formats.error ?? members.error}</ErrorMessage>
      {formats.loading && !formats.data ? <Loading what="Loading formats" /> : null}
      <div className="form-row">
        <label>
          Format
          <select
            value={format}
            onChange={(e) => setChosen(e.target.value)}
            aria-describedby="export-format-about"
          >
            {formats.data?.map((f) => (
              <option key={f.name} value={f.name}>
                {f.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Status
          <select value={status} onChange={(e) => setStatus(e.target.value)}>
            {STATUSES.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Annotations by
          <select value={author} onChange={(e) => setAuthor(e.target.value)}>
            <option value="">Everyone</option>
            {members.data?.map((m) => (
              <option key={m.user_id} value={m.username}>
                {m.username}
              </option>
            ))}
          </select>
        </label>
      </div>
      {current ? (
        <p className="format-about" id="export-format-about">
          <strong>{current.name}</strong> ({current.extension}): {current.description}
        </p>
      ) : null}
      <div className="actions">
        {url ? (
          <a className="button primary" href={url} download>
            Download
          </a>
        ) : null}
      </div>
      {url ? (
        <details className="script-hint">
          <summary>From a script</summary>
          <p className="hint">With a personal token from your account page:</p>
          <div className="secret-row">
            <pre className="command">{command}</pre>
            <CopyButton text={command} label="Copy command" />
          </div>
        </details>
      ) : null}
    </div>
  );
}
