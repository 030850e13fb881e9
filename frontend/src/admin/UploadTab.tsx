// Uploading audio: drop zone and picker, two files at a time, progress and result per file.
import { useEffect, useState, useSyncExternalStore, type DragEvent } from "react";
import { Link } from "react-router-dom";
import { api, unwrap } from "../api/client";
import { ErrorMessage } from "../components/ui";
import { useLoad } from "../components/useLoad";
import { uploadFile } from "./uploadFile";
import { UploadQueue, isFinished, tally, type UploadEntry } from "./uploadQueue";

const ACCEPT =
  "audio/*,video/webm,video/mp4,.wav,.flac,.mp3,.ogg,.oga,.opus,.m4a,.aac,.aif,.aiff,.webm,.wma,.caf";

// One queue per project, kept while the page lives, so switching tabs does not lose uploads.
const queues = new Map<number, UploadQueue>();
const assignees = new WeakMap<File, string[]>();

function queueFor(projectId: number): UploadQueue {
  let queue = queues.get(projectId);
  if (!queue) {
    queue = new UploadQueue((file, onProgress, signal) =>
      uploadFile({ projectId, file, assignTo: assignees.get(file) ?? [], onProgress, signal }),
    );
    queues.set(projectId, queue);
  }
  return queue;
}

export function UploadTab({ projectId }: { projectId: number }) {
  const queue = queueFor(projectId);
  const entries = useSyncExternalStore(
    (listener) => queue.subscribe(listener),
    () => queue.snapshot(),
  );
  const members = useLoad(
    () =>
      unwrap(
        api.GET("/api/projects/{project_id}/members", {
          params: { path: { project_id: projectId } },
        }),
      ),
    [projectId],
  );
  const [assignTo, setAssignTo] = useState<string[]>([]);
  const [over, setOver] = useState(false);
  const counts = tally(entries);
  const active = counts.queued + counts.uploading;

  useEffect(() => {
    if (active === 0) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [active]);

  function add(files: FileList | null) {
    if (!files || files.length === 0) return;
    const list = [...files];
    for (const file of list) assignees.set(file, assignTo);
    queue.add(list);
  }

  function drop(e: DragEvent) {
    e.preventDefault();
    setOver(false);
    add(e.dataTransfer.files);
  }

  return (
    <>
      <div
        className={over ? "card dropzone over" : "card dropzone"}
        onDragOver={(e) => {
          if (!e.dataTransfer.types.includes("Files")) return;
          e.preventDefault();
          e.dataTransfer.dropEffect = "copy";
          setOver(true);
        }}
        onDragLeave={(e) => {
          if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setOver(false);
        }}
        onDrop={drop}
      >
        <p className="drop-title">Drop audio files here, or choose them</p>
        <p className="muted">WAV, FLAC, MP3, Ogg/Opus, M4A, AIFF, WebM… Two upload at a time.</p>
        <label className="button primary file-button">
          Choose files
          <input
            type="file"
            multiple
            accept={ACCEPT}
            className="visually-hidden"
            onChange={(e) => {
              add(e.target.files);
              e.target.value = "";
            }}
          />
        </label>
      </div>
      <fieldset className="card assign-to">
        <legend>Assign new files to</legend>
        {members.data?.length ? (
          <div className="checks">
            {members.data.map((m) => (
              <label className="inline checkbox" key={m.user_id}>
                <input
                  type="checkbox"
                  checked={assignTo.includes(m.username)}
                  onChange={(e) =>
                    setAssignTo(
                      e.target.checked
                        ? [...assignTo, m.username]
                        : assignTo.filter((u) => u !== m.username),
                    )
                  }
                />
                {m.username}
              </label>
            ))}
          </div>
        ) : (
          <p className="muted">No members yet; files stay unassigned.</p>
        )}
        <p className="hint">
          Optional. Leave all unticked and{" "}
          <Link to={`/projects/${projectId}/manage/assign`}>spread the work later</Link>. Applies to
          files added from now on.
        </p>
        <ErrorMessage>{members.error}</ErrorMessage>
      </fieldset>
      {entries.length > 0 ? (
        <section className="card uploads" aria-label="Uploads">
          <div className="uploads-head">
            <h2>Uploads</h2>
            <span className="muted" aria-live="polite">
              {summary(counts)}
            </span>
            <div className="actions">
              {active > 0 ? (
                <button type="button" onClick={() => queue.cancelAll()}>
                  Cancel all
                </button>
              ) : null}
              {entries.some(isFinished) ? (
                <button type="button" onClick={() => queue.clearFinished()}>
                  Clear finished
                </button>
              ) : null}
              {counts.created + counts.assigned > 0 ? (
                <Link className="button" to={`/projects/${projectId}?tab=all&sort=-id`}>
                  See them in the data list
                </Link>
              ) : null}
            </div>
          </div>
          <ul className="upload-list">
            {entries.map((entry) => (
              <UploadRow key={entry.id} entry={entry} onCancel={() => queue.cancel(entry.id)} />
            ))}
          </ul>
        </section>
      ) : null}
    </>
  );
}

function summary(c: ReturnType<typeof tally>): string {
  const parts = [
    c.uploading + c.queued ? `${c.uploading + c.queued} to go` : "",
    c.created ? `${c.created} added` : "",
    c.assigned ? `${c.assigned} already here, assigned` : "",
    c.duplicate ? `${c.duplicate} already here` : "",
    c.error ? `${c.error} failed` : "",
  ];
  return parts.filter(Boolean).join(" · ");
}

const STATE_TEXT: Record<UploadEntry["state"], string> = {
  queued: "Waiting",
  uploading: "Uploading",
  created: "Added",
  assigned: "Already in the project — assigned",
  duplicate: "Already in the project",
  error: "Failed",
};

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
}

function UploadRow({ entry, onCancel }: { entry: UploadEntry; onCancel(): void }) {
  const pct = Math.round(entry.progress * 100);
  const state =
    entry.state === "uploading"
      ? pct >= 100
        ? "Processing…"
        : `Uploading ${pct}%`
      : STATE_TEXT[entry.state];
  return (
    <li className={`upload-row ${entry.state}`} data-file={entry.name}>
      <div className="upload-name">
        <span className="file-name">{entry.name}</span>
        <span className="muted">{formatSize(entry.size)}</span>
      </div>
      <progress max={1} value={entry.progress} aria-label={`Progress of ${entry.name}`} />
      <div className="upload-state">
        <span className={`pill ${entry.state}`}>{state}</span>
        {entry.datapointId ? <Link to={`/datapoints/${entry.datapointId}`}>Open</Link> : null}
        {!isFinished(entry) ? (
          <button
            type="button"
            className="link"
            aria-label={`Cancel ${entry.name}`}
            onClick={onCancel}
          >
            Cancel
          </button>
        ) : null}
      </div>
      {entry.state === "error" && entry.detail ? (
        <p className="field-error upload-error">{entry.detail}</p>
      ) : null}
    </li>
  );
}
