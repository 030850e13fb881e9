// A box's frequency band in the segment form: low and high Hz, typed or read after a drag.
// A band the server would refuse (outside 0 … Nyquist, or low not under high) is kept as typed
// and said why, like an impossible time.
import { useEffect, useState } from "react";
import type { Segment } from "./state/segments";

/** The band with `side` set to `text`, or why it cannot be. */
export function readBand(
  text: string,
  side: "low" | "high",
  band: { low: number; high: number },
  nyquist: number,
): { ok: true; value: number } | { ok: false; problem: string } {
  const value = Number(text.trim());
  if (text.trim() === "" || !Number.isFinite(value)) return { ok: false, problem: "Type a frequency in Hz." };
  const rounded = Math.round(value * 10) / 10;
  if (rounded < 0) return { ok: false, problem: "A frequency cannot be negative." };
  if (rounded > nyquist) return { ok: false, problem: `The top is ${nyquist} Hz (half the sample rate).` };
  if (side === "low" && rounded >= band.high) return { ok: false, problem: `Low must be under high (${band.high} Hz).` };
  if (side === "high" && rounded <= band.low) return { ok: false, problem: `High must be above low (${band.low} Hz).` };
  return { ok: true, value: rounded };
}

function HzField(props: {
  side: "low" | "high";
  band: { low: number; high: number };
  nyquist: number;
  onCommit(value: number): void;
}) {
  const { side, band, nyquist, onCommit } = props;
  const value = band[side];
  const [draft, setDraft] = useState(String(value));
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    setDraft(String(value));
    setProblem(null);
  }, [value]);
  const commit = () => {
    const read = readBand(draft, side, band, nyquist);
    if (!read.ok) return setProblem(read.problem);
    setProblem(null);
    if (read.value !== value) onCommit(read.value);
    else setDraft(String(value));
  };
  const name = side === "low" ? "Low" : "High";
  const problemId = `${side}-hz-problem`;
  return (
    <label className="field time-field">
      <span className="label-name">{name} (Hz)</span>
      <input
        type="number"
        inputMode="decimal"
        step="1"
        min={0}
        max={nyquist}
        value={draft}
        aria-label={`${name} frequency in Hz`}
        aria-invalid={problem ? true : undefined}
        aria-describedby={problem ? problemId : undefined}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => e.key === "Enter" && commit()}
      />
      {problem ? (
        <span className="field-problem" id={problemId} role="alert">
          {problem} Still {value} Hz.
        </span>
      ) : null}
    </label>
  );
}

export function BoxFields(props: {
  segment: Segment;
  nyquist: number;
  onChange(patch: Partial<Segment>, what: string): void;
}) {
  const { segment, nyquist, onChange } = props;
  if (typeof segment.low_hz !== "number" || typeof segment.high_hz !== "number") return null;
  const band = { low: segment.low_hz, high: segment.high_hz };
  return (
    <div className="times" role="group" aria-label="Frequency band">
      <HzField side="low" band={band} nyquist={nyquist} onCommit={(low_hz) => onChange({ low_hz }, "Change low frequency")} />
      <HzField side="high" band={band} nyquist={nyquist} onCommit={(high_hz) => onChange({ high_hz }, "Change high frequency")} />
    </div>
  );
}
