// The editor's list of what breaks the project's rules: errors first, then warnings; each
// entry about a segment jumps to it (selects it, scrolls the list and the waveform there).
import type { Segment } from "../annotate/state/segments";
import { ErrorMessage } from "../components/ui";
import type { Validation } from "./useValidation";
import "./quality.css";

interface Props {
  validation: Validation;
  segments: Segment[];
  /** Whose work is checked, while reviewing. */
  whose: string | null;
  onJump(segmentId: string): void;
}

export function ValidationPanel({ validation, segments, whose, onJump }: Props) {
  const { findings, errors, warnings, blocked } = validation;
  // Selecting scrolls the list and the waveform; the list itself may be out of view.
  const jump = (id: string) => {
    onJump(id);
    document.querySelector(`[data-testid=segment-row][data-segment-id="${CSS.escape(id)}"]`)?.scrollIntoView({ block: "nearest" });
  };
  // Numbered as in the segment list (time order).
  const number = new Map(segments.map((s, i) => [s.id, i + 1]));
  const counts = [
    errors ? `${errors} error${errors === 1 ? "" : "s"}` : null,
    warnings ? `${warnings} warning${warnings === 1 ? "" : "s"}` : null,
  ].filter(Boolean);
  return (
    <section
      className={errors ? "panel validation-panel has-errors" : "panel validation-panel"}
      aria-label="Checks"
      data-testid="validation-panel"
    >
      <h2>
        Checks
        <span className="muted small">{whose ? `on ${whose}’s work` : "project rules"}</span>
      </h2>
      <ErrorMessage>{validation.error}</ErrorMessage>
      {findings.length === 0 && !validation.error ? (
        <p className="checks-ok small" data-testid="checks-ok">
          ✓ Everything follows the project’s rules.
        </p>
      ) : (
        <p className="small checks-summary" id="checks-summary">
          {counts.join(", ")}
          {blocked ? (whose ? " — errors would block Complete." : " — Complete is blocked until the errors are fixed.") : " — warnings do not block Complete."}
        </p>
      )}
      <ul className="finding-list">
        {findings.map((f, i) => {
          const known = f.segment_id !== null && number.has(f.segment_id);
          const text = (
            <>
              <span className={`finding-severity ${f.severity}`}>{f.severity === "error" ? "Error" : "Warning"}</span>
              <span className="finding-message">
                {known && f.segment_id ? <strong>Segment {number.get(f.segment_id)}: </strong> : null}
                {f.message}
              </span>
            </>
          );
          return (
            <li key={`${f.rule}:${f.segment_id ?? ""}:${i}`} data-testid="finding" data-severity={f.severity}>
              {known && f.segment_id ? (
                <button
                  type="button"
                  className="finding"
                  title="Show this segment"
                  onClick={() => f.segment_id && jump(f.segment_id)}
                >
                  {text}
                </button>
              ) : (
                <div className="finding">{text}</div>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
