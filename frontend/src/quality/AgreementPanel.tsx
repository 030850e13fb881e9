// The review editor's "Agreement" panel on an item with two or more annotators: per pair
// WER/CER, κ/α per label, boundary F1, DER/JER; and all annotators together.
import { Fragment, useEffect, useState } from "react";
import { api, errorMessage, unwrap } from "../api/client";
import { ErrorMessage } from "../components/ui";
import {
  EXPLAIN,
  matchedWords,
  showBoundaries,
  showCoefficient,
  showRate,
  type ItemAgreement,
  type Pair,
  type Shown,
} from "./agreementWords";
import "./quality.css";

interface Props {
  datapointId: number;
  /** Changes after each save: the figures are read again. */
  refreshKey: number;
}

function Figure({ name, shown, explain }: { name: string; shown: Shown; explain: string }) {
  return (
    <tr data-testid="agreement-figure" data-defined={shown.value !== null}>
      <th scope="row">{name}</th>
      <td className="num figure-value">{shown.text}</td>
      <td className="figure-words">
        {shown.reason ? <span className="figure-reason">{shown.reason}. </span> : null}
        {shown.reading ? <span className="figure-reading">{shown.reading}. </span> : null}
        <span className="muted">{explain}</span>
      </td>
    </tr>
  );
}

const NO_LABEL: Shown = { text: "—", reason: "no choice label to compare", reading: null, value: null };

function PairFigures({ pair }: { pair: Pair }) {
  const a = pair.annotator_a;
  const b = pair.annotator_b;
  const rate = (r: Pair["wer"]) => showRate(r.mean, r.reason, a, b);
  const tolerance = Math.round(pair.boundaries.tolerance * 1000);
  return (
    <div className="agreement-pair" data-testid="agreement-pair">
      <h3>
        {a} <span className="muted">and</span> {b}
      </h3>
      <p className="muted small">{matchedWords(pair)} (overlap ≥ 40%).</p>
      <table className="agreement-table">
        <tbody>
          <Figure name="WER, matched" shown={rate(pair.wer)} explain={EXPLAIN.wer} />
          <Figure name="WER, whole item" shown={rate(pair.item_wer)} explain={EXPLAIN.item_wer} />
          <Figure name="CER, matched" shown={rate(pair.cer)} explain={EXPLAIN.cer} />
          <Figure name="CER, whole item" shown={rate(pair.item_cer)} explain={EXPLAIN.item_cer} />
          <Figure
            name={`Boundary F1 (±${tolerance} ms)`}
            shown={showBoundaries(pair.boundaries, a, b)}
            explain={EXPLAIN.boundaries}
          />
          <Figure
            name="DER"
            shown={showRate(pair.diarization.der, pair.diarization.reason, a, b)}
            explain={EXPLAIN.der}
          />
          <Figure
            name="JER"
            shown={showRate(pair.diarization.jer, pair.diarization.reason, a, b)}
            explain={EXPLAIN.jer}
          />
          {pair.labels.length === 0 ? <Figure name="Cohen’s κ, α" shown={NO_LABEL} explain={EXPLAIN.kappa} /> : null}
          {pair.labels.map((lb) => (
            <Fragment key={lb.label}>
              <Figure name={`${lb.label}: Cohen’s κ`} shown={showCoefficient(lb.kappa, "segment", a, b)} explain={EXPLAIN.kappa} />
              <Figure name={`${lb.label}: α`} shown={showCoefficient(lb.alpha, "segment", a, b)} explain={EXPLAIN.alpha} />
              <Figure
                name={`${lb.label}: κ, frames`}
                shown={showCoefficient(lb.frame_kappa, "frame", a, b)}
                explain={EXPLAIN.frame_kappa}
              />
            </Fragment>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function AgreementPanel({ datapointId, refreshKey }: Props) {
  const [data, setData] = useState<ItemAgreement | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    const path = { datapoint_id: datapointId };
    unwrap(api.GET("/api/datapoints/{datapoint_id}/agreement", { params: { path } })).then(
      (out) => {
        if (!live) return;
        setData(out as unknown as ItemAgreement);
        setError(null);
      },
      (err: unknown) => live && setError(errorMessage(err)),
    );
    return () => {
      live = false;
    };
  }, [datapointId, refreshKey]);

  return (
    <section className="panel agreement-panel" aria-label="Agreement" data-testid="agreement-panel">
      <h2>
        Agreement
        {data ? <span className="muted small">between {data.annotators.join(", ") || "nobody yet"}</span> : null}
      </h2>
      <ErrorMessage>{error}</ErrorMessage>
      {!data && !error ? <p className="muted small">Computing…</p> : null}
      {data?.reason ? (
        <p className="muted">
          — No figures: {data.reason === "one annotator" ? "only one annotator has segments here" : data.reason}.
        </p>
      ) : null}
      {data?.pairs.map((p) => <PairFigures key={`${p.annotator_a}|${p.annotator_b}`} pair={p} />)}
      {data && data.annotators.length > 1 ? (
        <div className="agreement-pair" data-testid="agreement-all">
          <h3>All {data.annotators.length} annotators</h3>
          <table className="agreement-table">
            <tbody>
              {data.labels.length === 0 ? <Figure name="Fleiss’ κ, α" shown={NO_LABEL} explain={EXPLAIN.fleiss} /> : null}
              {data.labels.map((lb) => (
                <Fragment key={lb.label}>
                  <Figure name={`${lb.label}: Fleiss’ κ`} shown={showCoefficient(lb.fleiss_kappa, "segment")} explain={EXPLAIN.fleiss} />
                  <Figure name={`${lb.label}: α`} shown={showCoefficient(lb.alpha, "segment")} explain={EXPLAIN.group_alpha} />
                </Fragment>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
