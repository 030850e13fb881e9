// Spreading unassigned datapoints over annotators, N each, with an optional overlap.
import { useState, type FormEvent } from "react";
import { Link } from "react-router-dom";
import { api, unwrap, type Schemas } from "../api/client";
import { ErrorMessage, Loading } from "../components/ui";
import { useLoad } from "../components/useLoad";
import { useAction } from "./parts";
import { spreadPreview, spreadProblem } from "./spreadPreview";

type Result = Schemas["BulkAssignOut"];

export function AssignTab({ projectId }: { projectId: number }) {
  const path = { params: { path: { project_id: projectId } } };
  const members = useLoad(
    () => unwrap(api.GET("/api/projects/{project_id}/members", path)),
    [projectId],
  );
  const [chosen, setChosen] = useState<number[]>([]);
  const [perUser, setPerUser] = useState("10");
  const [overlap, setOverlap] = useState("0");
  const [result, setResult] = useState<Result | null>(null);
  const action = useAction();
  const list = (members.data ?? []).filter((m) => m.is_active);
  const annotators = list.filter((m) => m.role === "annotator").map((m) => m.user_id);
  const n = Number(perUser);
  const pct = Number(overlap);
  const problem = spreadProblem(chosen.length, n, pct);
  const preview = spreadPreview(chosen.length, n, pct);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (problem) return;
    setResult(null);
    await action.run(async () => {
      setResult(
        await unwrap(
          api.POST("/api/projects/{project_id}/assignments", {
            ...path,
            body: { users: chosen, per_user: n, overlap: pct / 100 },
          }),
        ),
      );
    });
  }

  return (
    <>
      <form className="card" onSubmit={submit} aria-label="Spread work">
        <h2>Spread new work</h2>
        <p className="muted">
          Gives each ticked person the given number of datapoints that nobody has yet. With overlap,
          that share of datapoints goes to two people, so agreement can be measured.
        </p>
        {members.loading && !members.data ? <Loading what="Loading members" /> : null}
        <fieldset className="annotators">
          <legend>Annotators</legend>
          {list.length === 0 && members.data ? (
            <p className="muted">
              No members yet.{" "}
              <Link to={`/projects/${projectId}/manage/members`}>Add annotators</Link> first.
            </p>
          ) : null}
          <div className="checks">
            {list.map((m) => (
              <span className="check-item" key={m.user_id}>
                <label className="inline checkbox">
                  <input
                    type="checkbox"
                    checked={chosen.includes(m.user_id)}
                    onChange={(e) =>
                      setChosen(
                        e.target.checked
                          ? [...chosen, m.user_id]
                          : chosen.filter((id) => id !== m.user_id),
                      )
                    }
                  />
                  {m.username}
                </label>
                {m.role !== "annotator" ? <span className="muted role-note">{m.role}</span> : null}
              </span>
            ))}
          </div>
          {annotators.length > 0 ? (
            <div className="actions">
              <button type="button" className="link" onClick={() => setChosen(annotators)}>
                Tick every annotator
              </button>
              {chosen.length ? (
                <button type="button" className="link" onClick={() => setChosen([])}>
                  Untick all
                </button>
              ) : null}
            </div>
          ) : null}
        </fieldset>
        <div className="form-row">
          <label>
            Per annotator
            <input
              type="number"
              min={1}
              step={1}
              inputMode="numeric"
              value={perUser}
              onChange={(e) => setPerUser(e.target.value)}
            />
          </label>
          <label>
            Overlap %
            <input
              type="number"
              min={0}
              max={100}
              step={1}
              inputMode="numeric"
              value={overlap}
              onChange={(e) => setOverlap(e.target.value)}
            />
          </label>
          <button type="submit" className="primary" disabled={action.busy || problem !== null}>
            {action.busy ? "Assigning…" : "Assign"}
          </button>
        </div>
        <p className="hint" aria-live="polite">
          {problem && chosen.length > 0
            ? problem
            : preview.slots > 0
              ? `Hands out about ${preview.distinct} datapoint${preview.distinct === 1 ? "" : "s"}` +
                (preview.doubles ? `, ${preview.doubles} of them to two people` : "") +
                " (fewer if fewer are unassigned)."
              : null}
        </p>
        <ErrorMessage>{action.error}</ErrorMessage>
      </form>
      {result ? <AssignResult result={result} projectId={projectId} /> : null}
      <p className="card hint">
        To give particular files to someone, tick them in the{" "}
        <Link to={`/projects/${projectId}`}>data list</Link> and choose “Assign to”.
      </p>
    </>
  );
}

function AssignResult({ result, projectId }: { result: Result; projectId: number }) {
  const rows = Object.entries(result.per_user);
  return (
    <section className="card" role="status" aria-label="Assignment result">
      <h2>Assigned</h2>
      <p>
        {result.assignments} assignment{result.assignments === 1 ? "" : "s"} over{" "}
        {result.datapoints} datapoint{result.datapoints === 1 ? "" : "s"}.
      </p>
      {rows.length ? (
        <table className="compact">
          <thead>
            <tr>
              <th>Annotator</th>
              <th>New datapoints</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(([user, count]) => (
              <tr key={user}>
                <td>{user}</td>
                <td>{count}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <p>
        <Link to={`/projects/${projectId}?tab=all`}>See who has what in the data list</Link>
      </p>
    </section>
  );
}
