// The selected segment's form, always on screen: times, transcript, labels and actions.
import { useEffect, useState } from "react";
import { BoxFields } from "./BoxFields";
import { LabelControl } from "./LabelControl";
import { withValue } from "./state/labelValues";
import { formatTime, missingRequired, MIN_LENGTH, type Label, type Segment } from "./state/segments";
import { frameEnd, type TimeFrame } from "./engine/timeFrame";
import { readTime, type TimeBounds } from "./state/timeInput";
import { channelName } from "./engine/lanes";

interface Props {
  segment: Segment | null;
  /** 1-based position in time order. */
  number: number;
  labels: Label[];
  /** Where times may go (the window of a long recording); times are the recording's. */
  frame: TimeFrame;
  looping: boolean;
  reference: string;
  /** Half the sample rate: the top of a box's band. */
  nyquist?: number;
  /** Boxes are drawn on the spectrogram in this project (said in the empty form). */
  boxes?: boolean;
  /** Set when the item is done: shown, not changed, until it is reopened. */
  readOnly?: boolean;
  /** The recording's channels: with several, the segment may be on one or on all. */
  channels?: number;
  onChange(patch: Partial<Segment>, what: string, mergeKey?: string): void;
  onPlay(): void;
  onLoop(): void;
  onSplit(): void;
  onDelete(): void;
}

/** A time field that commits on Enter or leaving it; an impossible time is kept and said why. */
function TimeField(props: {
  label: string;
  value: number;
  bounds: TimeBounds;
  onCommit(value: number): void;
}) {
  const { label, value, bounds, onCommit } = props;
  const [draft, setDraft] = useState(value.toFixed(3));
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    setDraft(value.toFixed(3));
    setProblem(null);
  }, [value]);
  const commit = () => {
    const read = readTime(draft, bounds);
    if (read.ok) {
      setProblem(null);
      if (read.value !== value) onCommit(read.value);
      else setDraft(value.toFixed(3));
    } else setProblem(read.problem);
  };
  const problemId = `${label.toLowerCase()}-time-problem`;
  return (
    <label className="field time-field">
      <span className="label-name">{label} (s)</span>
      <input
        type="number"
        inputMode="decimal"
        step="0.01"
        min={Math.max(0, bounds.min)}
        max={bounds.max}
        value={draft}
        aria-label={`${label} time in seconds`}
        aria-invalid={problem ? true : undefined}
        aria-describedby={problem ? problemId : undefined}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === "Enter") commit();
          if (e.key === "Escape" && problem) {
            setDraft(value.toFixed(3));
            setProblem(null);
          }
        }}
      />
      {problem ? (
        <span className="field-problem" id={problemId} role="alert">
          {problem} Still {value.toFixed(3)} s.
        </span>
      ) : null}
    </label>
  );
}

export function SegmentForm(props: Props) {
  const { segment, number, labels, frame, looping, reference } = props;
  if (!segment) {
    return (
      <section className="panel segment-form empty" aria-label="Segment">
        <h2>Segment</h2>
        <p>No segment selected.</p>
        <p className="muted">
          To create one, drag across the waveform{props.boxes ? ", draw a box on the spectrogram" : ""}, press{" "}
          <kbd>N</kbd> at the cursor, or tap <strong>+ Segment</strong>. Click a segment (or press <kbd>Tab</kbd>) to select it.
        </p>
      </section>
    );
  }
  const missing = new Set(missingRequired(segment.values, labels, "segment"));
  return (
    <section className="panel segment-form" aria-label="Segment">
      <div className="panel-head">
        <h2>
          Segment {number}{" "}
          <span className="muted small">
            {formatTime(segment.start)} – {formatTime(segment.end)} (
            {(segment.end - segment.start).toFixed(2)} s)
          </span>
        </h2>
      </div>
      <div className="actions segment-actions">
        <button type="button" onClick={props.onPlay} title="Play this segment (P)">
          ▶ Play
        </button>
        <button type="button" onClick={props.onLoop} aria-pressed={looping} title="Loop this segment (L)">
          ⟲ {looping ? "Stop loop" : "Loop"}
        </button>
        <button type="button" onClick={props.onSplit} disabled={props.readOnly} title="Split at the cursor (S)">
          Split
        </button>
        <button type="button" className="danger" onClick={props.onDelete} disabled={props.readOnly} title="Delete (Delete)">
          Delete
        </button>
      </div>
      <fieldset className="plain" disabled={props.readOnly}>
        <div className="times">
          <TimeField
            label="Start"
            value={segment.start}
            bounds={{ label: "Start", min: frame.offset, max: segment.end - MIN_LENGTH, other: segment.end }}
            onCommit={(start) => props.onChange({ start }, "Change start")}
          />
          <TimeField
            label="End"
            value={segment.end}
            bounds={{ label: "End", min: segment.start + MIN_LENGTH, max: frameEnd(frame), other: segment.start }}
            onCommit={(end) => props.onChange({ end }, "Change end")}
          />
        </div>
        {(props.channels ?? 1) > 1 ? (
          <label className="field">
            <span className="label-name">Channel</span>
            <select
              aria-label="Channel"
              value={segment.channel == null ? "all" : String(segment.channel)}
              onChange={(e) =>
                props.onChange({ channel: e.target.value === "all" ? null : Number(e.target.value) }, "Change channel")
              }
            >
              <option value="all">All channels</option>
              {Array.from({ length: props.channels ?? 1 }, (_, c) => (
                <option key={c} value={c}>
                  {channelName(c, props.channels ?? 1)}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        <BoxFields segment={segment} nyquist={props.nyquist ?? Infinity} onChange={props.onChange} />
        <label className="field">
          <span className="label-name">Transcript</span>
          <textarea
            aria-label="Transcript"
            dir="auto"
            rows={3}
            value={segment.transcript}
            placeholder="Type what is said…"
            onChange={(e) =>
              props.onChange({ transcript: e.target.value }, "Edit transcript", `transcript:${segment.id}`)
            }
          />
        </label>
        {reference ? (
          <button
            type="button"
            className="link copy-reference"
            onClick={() => props.onChange({ transcript: reference }, "Copy reference transcript")}
          >
            Copy the reference transcript into it
          </button>
        ) : null}
        {labels.map((label) => (
          <LabelControl
            key={label.id}
            label={label}
            value={segment.values[String(label.id)]}
            missing={missing.has(label.name)}
            onChange={(value) =>
              props.onChange(
                { values: withValue(segment.values, label.id, value) },
                `Set ${label.name}`,
                label.kind === "text" || label.kind === "number" ? `label:${segment.id}:${label.id}` : undefined,
              )
            }
          />
        ))}
        {missing.size > 0 ? (
          <p className="muted small">
            <abbr className="required missing">*</abbr> Required: {[...missing].join(", ")}
          </p>
        ) : null}
      </fieldset>
    </section>
  );
}
