// Labels of the whole recording, and its reference transcript.
import { LabelControl } from "./LabelControl";
import { withValue } from "./state/labelValues";
import { missingRequired, type Label, type Values } from "./state/segments";

interface Props {
  labels: Label[];
  values: Values;
  onChange(values: Values): void;
  reference: string;
  /** Why the values could not be loaded (they are then read-only). */
  error: string | null;
  /** A Done item: values are shown, not changed. */
  readOnly?: boolean;
}

export function DatapointPanel({ labels, values, onChange, reference, error, readOnly }: Props) {
  const missing = new Set(missingRequired(values, labels, "datapoint"));
  return (
    <>
      {labels.length > 0 ? (
        <section className="panel datapoint-labels" aria-label="Recording labels">
          <h2>Whole recording</h2>
          {error ? (
            <p className="muted">{error}</p>
          ) : (
            <fieldset className="plain" disabled={readOnly}>
              {labels.map((label) => (
                <LabelControl
                  key={label.id}
                  label={label}
                  value={values[String(label.id)]}
                  missing={missing.has(label.name)}
                  onChange={(value) => onChange(withValue(values, label.id, value))}
                />
              ))}
            </fieldset>
          )}
        </section>
      ) : null}
      {reference ? (
        <section className="panel reference">
          <h2>Reference transcript</h2>
          <p dir="auto" className="reference-text">
            {reference}
          </p>
        </section>
      ) : null}
    </>
  );
}
