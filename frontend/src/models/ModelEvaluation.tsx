// The analytics page's model table: each model version against people's finished work, and
// how people treated its predictions.
import { api, unwrap, type Schemas } from "../api/client";
import { ErrorMessage } from "../components/ui";
import { useLoad } from "../components/useLoad";
import "./models.css";

type Row = Schemas["ModelEvaluationRow"];

const pct = (v: number | null | undefined) => (v === null || v === undefined ? "—" : `${Math.round(v * 100)}%`);
const secs = (v: number | null | undefined) => (v === null || v === undefined ? "—" : `${Math.round(v * 1000)} ms`);

export function ModelEvaluation({ projectId }: { projectId: number }) {
  const loaded = useLoad(
    () => unwrap(api.GET("/api/projects/{project_id}/model-evaluation", { params: { path: { project_id: projectId } } })),
    [projectId],
  );
  const rows: Row[] = loaded.data?.models ?? [];
  if (!loaded.error && rows.length === 0) return null;
  return (
    <section className="panel model-evaluation" aria-label="Models" data-testid="model-evaluation">
      <h2>Models against people’s work</h2>
      <p className="muted small">
        Each model version’s predictions on items people finished: segments matched one to one at IoU ≥ 0.5, speech
        frames of 10 ms, transcripts of matched segments (people’s text as reference), and what people did with the
        predictions. Below each model, the same for each value of a choice label.
      </p>
      <ErrorMessage>{loaded.error}</ErrorMessage>
      <div className="table-scroll">
        <table>
          <thead>
            <tr>
              <th>Model</th>
              <th>Items</th>
              <th>Precision</th>
              <th>Recall</th>
              <th>F1</th>
              <th>Frame F1</th>
              <th>WER</th>
              <th>Start / end off</th>
              <th>Accepted</th>
              <th>Edited</th>
              <th>Rejected</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => [
              <tr key={`${r.model} ${r.version}`} data-testid="model-evaluation-row">
                <td>
                  <strong>{r.model}</strong>
                  <div className="muted small">{r.version}</div>
                </td>
                <td className="num">{r.items}</td>
                <td className="num">{pct(r.precision)}</td>
                <td className="num">{pct(r.recall)}</td>
                <td className="num">{pct(r.f1)}</td>
                <td className="num">{pct(r.frame_f1)}</td>
                <td className="num">{pct(r.wer)}</td>
                <td className="num">
                  {secs(r.median_start_error)} / {secs(r.median_end_error)}
                </td>
                <td className="num">
                  {r.accepted} ({pct(r.accept_rate)})
                </td>
                <td className="num">{r.edited}</td>
                <td className="num">{r.rejected}</td>
              </tr>,
              ...r.labels.map((l) => (
                <tr key={`${r.model} ${r.version} ${l.label} ${l.value}`} className="label-row" data-testid="model-evaluation-label">
                  <td>
                    <span className="muted">{l.label}:</span> {l.value}
                    <div className="muted small">
                      {l.predicted} predicted, {l.human} by people
                    </div>
                  </td>
                  <td />
                  <td className="num">{pct(l.precision)}</td>
                  <td className="num">{pct(l.recall)}</td>
                  <td className="num">{pct(l.f1)}</td>
                  <td className="num">{pct(l.frame_f1)}</td>
                  <td colSpan={5} />
                </tr>
              )),
            ])}
          </tbody>
        </table>
      </div>
    </section>
  );
}
