// Project settings, for managers: start a round of the N most uncertain items, watch it, close
// it, and export what people finished as the next training set.
import { useState, type FormEvent } from "react";
import { api, unwrap } from "../api/client";
import { ErrorMessage, Notice } from "../components/ui";
import { ProgressBar } from "../jobs/ProcessingPanel";
import { useAction } from "../admin/parts";
import { roundShare, trainingSetUrl } from "./queueSettings";
import { useRound } from "./useRound";
import "./rounds.css";

export function RoundPanel({ projectId }: { projectId: number }) {
  const { state, round, error, reload } = useRound(projectId);
  const [size, setSize] = useState("20");
  const [said, setSaid] = useState<string | null>(null);
  const action = useAction();
  const path = { params: { path: { project_id: projectId } } };
  const n = Number(size);
  const ordered = state !== null && state.order !== "id";

  async function start(event: FormEvent) {
    event.preventDefault();
    setSaid(null);
    await action.run(async () => {
      const made = await unwrap(api.POST("/api/projects/{project_id}/rounds", { ...path, body: { size: n } }));
      setSaid(`Round ${made.number} started with ${made.size} item${made.size === 1 ? "" : "s"}.`);
      await reload();
    });
  }

  async function close() {
    setSaid(null);
    await action.run(async () => {
      const closed = await unwrap(api.POST("/api/projects/{project_id}/rounds/current/close", path));
      setSaid(`Round ${closed.number} closed.`);
      await reload();
    });
  }

  return (
    <section className="card round-panel" aria-label="Rounds">
      <h2>Active-learning rounds</h2>
      <ErrorMessage>{error ?? action.error}</ErrorMessage>
      {said ? <Notice>{said}</Notice> : null}
      {state && !ordered ? (
        <p className="muted">
          Rounds follow model uncertainty: choose “Least confident first” or “Most disagreement first” as the
          queue order above and save.
        </p>
      ) : null}
      {round ? (
        <div data-testid="current-round">
          <p>
            <strong>Round {round.number}</strong> ({round.order === "disagreement" ? "most disagreement" : "least confident"}{" "}
            first{round.models.length ? `: ${round.models.join(", ")}` : ""}) · {round.progress.submitted} of {round.size}{" "}
            submitted{round.progress.skipped ? ` · ${round.progress.skipped} skipped` : ""}
          </p>
          <ProgressBar value={roundShare(round.progress.submitted, round.size)} label={`Round ${round.number} progress`} />
          {round.people.length ? (
            <table className="compact round-people">
              <thead>
                <tr>
                  <th>Annotator</th>
                  <th>Submitted</th>
                  <th>Skipped</th>
                </tr>
              </thead>
              <tbody>
                {round.people.map((p) => (
                  <tr key={p.user_id}>
                    <td>{p.username}</td>
                    <td>
                      {p.submitted} of {p.items}
                    </td>
                    <td>{p.skipped}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
          <div className="actions">
            <button type="button" onClick={() => void close()} disabled={action.busy}>
              Close round
            </button>
          </div>
        </div>
      ) : ordered ? (
        <form className="form-row" onSubmit={start} aria-label="Start a round">
          <label>
            Items in the round
            <input
              type="number"
              min={1}
              max={1000}
              step={1}
              inputMode="numeric"
              value={size}
              onChange={(e) => setSize(e.target.value)}
            />
          </label>
          <button type="submit" className="primary" disabled={action.busy || !Number.isInteger(n) || n < 1 || n > 1000}>
            Start round of {Number.isInteger(n) && n > 0 ? n : "N"}
          </button>
        </form>
      ) : null}
      <p className="hint">
        <a href={trainingSetUrl(projectId)} download>
          Export accepted corrections as the next training set
        </a>{" "}
        (audino JSON of every finished item: the segments people made, accepted predictions included; predictions
        nobody accepted are left out).
      </p>
    </section>
  );
}
