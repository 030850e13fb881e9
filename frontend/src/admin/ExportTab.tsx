// Exporting the project: pick a format and the options it uses; one click runs the export
// as a job with a progress bar and downloads the file it wrote as soon as it is ready, then
// says what the format could not carry (segments skipped, lines estimated).
import { useEffect, useRef, useState } from "react";
import { api, errorMessage, unwrap } from "../api/client";
import { ErrorMessage, Loading } from "../components/ui";
import { useLoad } from "../components/useLoad";
import { percent } from "../jobs/api";
import { ProgressBar } from "../jobs/ProcessingPanel";
import { useJob } from "../jobs/useJob";
import { ExportOptionFields } from "./ExportOptionFields";
import { defaultFormat, exportBody, NO_CHOICES, streamUrl, type Choices } from "./exportOptions";
import { exportReport } from "./exportReport";
import { CopyButton } from "./parts";
import "../jobs/jobs.css";
import "./export.css";

/** Saves a file the way a click on a download link would, without leaving the page. */
function saveFile(url: string) {
  const link = document.createElement("a");
  link.href = url;
  link.download = "";
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
}

export function ExportTab({ projectId }: { projectId: number }) {
  const formats = useLoad(() => unwrap(api.GET("/api/formats")), []);
  const [chosen, setChosen] = useState("");
  const [choices, setChoices] = useState<Choices>(NO_CHOICES);
  const [jobId, setJobId] = useState<number | null>(null);
  const [starting, setStarting] = useState(false);
  const [startError, setStartError] = useState<string | null>(null);
  const followed = useJob(jobId);
  // useJob keeps the last job it saw; show only the one started for the current choices.
  const job = followed.job !== null && followed.job.id === jobId ? followed.job : null;
  const { error: jobError, retry } = followed;

  const format = formats.data?.find((f) => f.name === chosen) ?? defaultFormat(formats.data ?? []);
  const body = format ? exportBody(format, choices) : null;
  const url = body ? streamUrl(projectId, body) : "";
  const command = `curl -H "Authorization: Bearer TOKEN" -o export${format?.extension ?? ""} "${window.location.origin}${url}"`;
  const running = job !== null && (job.status === "queued" || job.status === "running");
  const download = job?.status === "done" ? `/api/projects/${projectId}/exports/${job.id}/download` : null;
  const report = job ? exportReport(job) : null;
  // The export started by a click downloads once, when its job is done.
  const saved = useRef<number | null>(null);
  useEffect(() => {
    if (download === null || job === null || saved.current === job.id) return;
    saved.current = job.id;
    saveFile(download);
  }, [download, job]);

  function change(update: Partial<Choices>) {
    setChoices((c) => ({ ...c, ...update }));
    setJobId(null);
  }

  async function start() {
    if (!body) return;
    setStarting(true);
    setStartError(null);
    try {
      const started = await unwrap(
        api.POST("/api/projects/{project_id}/exports", { params: { path: { project_id: projectId } }, body }),
      );
      setJobId(started.id);
    } catch (err) {
      setStartError(errorMessage(err));
    } finally {
      setStarting(false);
    }
  }

  return (
    <div className="card export">
      <h2>Export</h2>
      <ErrorMessage>{formats.error}</ErrorMessage>
      {formats.loading && !formats.data ? <Loading what="Loading formats" /> : null}
      <div className="form-row">
        <label>
          Format
          <select aria-label="Format"
            value={format?.name ?? ""}
            onChange={(e) => {
              setChosen(e.target.value);
              setJobId(null);
            }}
            aria-describedby="export-format-about"
          >
            {formats.data?.map((f) => (
              <option key={f.name} value={f.name}>
                {f.name}
              </option>
            ))}
          </select>
        </label>
      </div>
      {format ? (
        <p className="format-about" id="export-format-about">
          <strong>{format.name}</strong> ({format.extension}): {format.description}
        </p>
      ) : null}
      {format ? <ExportOptionFields projectId={projectId} format={format} choices={choices} onChange={change} /> : null}
      <div className="actions">
        <button type="button" className="primary" onClick={() => void start()} disabled={!body || starting || running}>
          {starting ? "Starting…" : running ? "Exporting…" : "Export and download"}
        </button>
      </div>
      <ErrorMessage>{startError ?? (jobId !== null ? jobError : null)}</ErrorMessage>
      {job ? (
        <div className="export-job" aria-live="polite">
          {running ? <ProgressBar value={job.progress} label="Export progress" /> : null}
          {running ? (
            <p className="muted">
              {job.status === "queued" ? "Waiting to start…" : `${percent(job.progress)} · ${job.message}`}
            </p>
          ) : null}
          {download ? (
            <p className="export-ready">
              Exported; your browser is saving the file.{" "}
              <a href={download} download>
                Download again
              </a>
            </p>
          ) : null}
          {report ? (
            <div className="export-report" role="status" aria-label="Not carried">
              <p>
                <strong>Not carried by {report.format}:</strong> {report.lines.join("; ")}.
              </p>
              <p className="hint">
                {report.file
                  ? `The zip lists the same in ${report.file}.`
                  : "This format writes one file, which cannot hold this report; the export job keeps it."}
              </p>
            </div>
          ) : null}
          {job.status === "failed" ? (
            <div role="alert" className="error">
              The export failed: {job.error}{" "}
              <button type="button" onClick={() => void retry()}>
                Retry
              </button>
            </div>
          ) : null}
        </div>
      ) : null}
      {url ? (
        <details className="script-hint">
          <summary>From a script</summary>
          <p className="hint">Streams the same export without a job. With a personal token from your account page:</p>
          <div className="secret-row">
            <pre className="command">{command}</pre>
            <CopyButton text={command} label="Copy command" />
          </div>
        </details>
      ) : null}
    </div>
  );
}
