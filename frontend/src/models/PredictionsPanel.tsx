// Beside the editor when a model predicted segments: how many are left to decide, the one
// in hand with Accept (A) / Reject (X) / Next (J), and "accept all above a confidence".
import { useState } from "react";
import { ErrorMessage } from "../components/ui";
import "./models.css";
import { formatTime } from "../annotate/state/segments";
import { countAbove, predictionLabel, type Predictions } from "./usePredictions";

interface Props {
  predictions: Predictions;
  readOnly: boolean;
}

export function PredictionsPanel({ predictions: p, readOnly }: Props) {
  const [threshold, setThreshold] = useState(0.8);
  const total = p.list.length;
  const left = p.open.length;
  const above = countAbove(p.list, threshold);
  return (
    <section className="panel predictions-panel" aria-label="Predictions" data-testid="predictions-panel">
      <div className="panel-head">
        <h2>
          Predictions <span className="badge">{left}</span>
        </h2>
        <label className="inline small">
          <input type="checkbox" checked={p.show} onChange={(e) => p.setShow(e.target.checked)} /> Show
        </label>
      </div>
      <p className="muted small">
        {left === 0
          ? `All ${total} decided. Predictions are nobody’s work until accepted.`
          : `${left} of ${total} to decide. Predictions are nobody’s work until accepted.`}
      </p>
      {p.current ? (
        <div className="prediction-current" data-testid="current-prediction">
          <strong>{predictionLabel(p.current)}</strong>{" "}
          <span className="num">
            {formatTime(p.current.start)}–{formatTime(p.current.end)}
          </span>
          {p.current.transcript ? <q>{p.current.transcript}</q> : null}
        </div>
      ) : null}
      <div className="bar-actions">
        <button type="button" onClick={p.next} disabled={left === 0} title="Next prediction (J)">
          Next <kbd>J</kbd>
        </button>
        <button
          type="button"
          className="primary"
          onClick={p.accept}
          disabled={readOnly || p.busy || !p.current}
          title="Accept it as your segment (A)"
        >
          Accept <kbd>A</kbd>
        </button>
        <button
          type="button"
          className="danger"
          onClick={p.reject}
          disabled={readOnly || p.busy || !p.current}
          title="Reject it (X)"
        >
          Reject <kbd>X</kbd>
        </button>
      </div>
      <div className="accept-above">
        <label className="inline small">
          Accept all at or above
          <input
            type="number"
            aria-label="Confidence threshold"
            min={0}
            max={100}
            step={5}
            value={Math.round(threshold * 100)}
            onChange={(e) => setThreshold(Math.min(1, Math.max(0, Number(e.target.value) / 100)))}
          />
          %
        </label>
        <button type="button" onClick={() => p.acceptAbove(threshold)} disabled={readOnly || p.busy || above === 0}>
          Accept {above}
        </button>
      </div>
      <ErrorMessage>{p.error}</ErrorMessage>
    </section>
  );
}
