// All segments in time order: click a row to select and seek, edit the text in place.
import { useEffect, useRef } from "react";
import { CommentCount } from "../components/StatusBadge";
import type { SegmentFlag } from "../quality/useValidation";
import { channelName } from "./engine/lanes";
import {
  describeValues,
  formatTime,
  isBoxed,
  missingRequired,
  segmentColor,
  type Label,
  type Segment,
} from "./state/segments";

interface Props {
  segments: Segment[];
  labels: Label[];
  selectedId: string | null;
  onSelect(id: string): void;
  onTranscript(id: string, text: string): void;
  /** A Done item: the text is shown, not edited. */
  readOnly?: boolean;
  /** Open comment threads per segment. */
  openComments?: ReadonlyMap<string, number>;
  /** While reviewing: who made the segment, shown when it is not the reviewed person. */
  correctionBy?(id: string): string | null;
  /** Segments that break the project's rules (from the last check). */
  flags?: ReadonlyMap<string, SegmentFlag>;
  /** The recording's channels: a segment on one of several says which. */
  channels?: number;
}

const hz = (v: number) => (v >= 1000 ? `${(v / 1000).toFixed(v >= 10_000 ? 1 : 2)} kHz` : `${Math.round(v)} Hz`);

/** Where a segment lies besides its times: its channel, its frequency band. */
export function whereText(seg: Segment, channels: number): string {
  const parts = [];
  if (channels > 1 && seg.channel != null) parts.push(channelName(seg.channel, channels));
  if (isBoxed(seg)) parts.push(`${hz(seg.low_hz)}–${hz(seg.high_hz)}`);
  return parts.join(" · ");
}

/** A "!" on a row that breaks a rule: red for an error, amber for a warning. */
function FindingMark({ flag }: { flag: SegmentFlag }) {
  const words = `${flag.severity === "error" ? "Error" : "Warning"}: ${flag.messages.join(" ")}`;
  return (
    <span className={`finding-mark ${flag.severity}`} title={words} aria-label={words} data-testid="finding-mark">
      !
    </span>
  );
}

export function SegmentTable(props: Props) {
  const { segments, labels, selectedId, onSelect, onTranscript, readOnly, openComments, correctionBy, flags } = props;
  const selectedRow = useRef<HTMLTableRowElement | null>(null);
  const scroller = useRef<HTMLDivElement | null>(null);
  // Keep the selected row in view by scrolling the list only, never the page.
  useEffect(() => {
    const row = selectedRow.current;
    const box = scroller.current;
    if (!row || !box) return;
    const head = box.querySelector("thead")?.getBoundingClientRect().height ?? 0;
    const top = row.offsetTop - head;
    const bottom = row.offsetTop + row.offsetHeight;
    if (top < box.scrollTop) box.scrollTop = top;
    else if (bottom > box.scrollTop + box.clientHeight) box.scrollTop = bottom - box.clientHeight;
  }, [selectedId]);

  return (
    <section className="panel segment-list" aria-label="Segments">
      <h2>
        Segments <span className="badge">{segments.length}</span>
      </h2>
      <div className="table-scroll" ref={scroller}>
        <table>
          <thead>
            <tr>
              <th>#</th>
              <th>Start</th>
              <th>End</th>
              <th>Labels</th>
              <th className="text-col">Transcript</th>
            </tr>
          </thead>
          <tbody>
            {segments.length === 0 ? (
              <tr>
                <td colSpan={5} className="empty">
                  No segments yet.
                </td>
              </tr>
            ) : null}
            {segments.map((seg, i) => {
              const selected = seg.id === selectedId;
              const missing = missingRequired(seg.values, labels, "segment");
              const flag = flags?.get(seg.id);
              const classes = ["clickable", selected ? "selected" : "", flag ? `flagged-${flag.severity}` : ""];
              return (
                <tr
                  key={seg.id}
                  ref={selected ? selectedRow : undefined}
                  data-testid="segment-row"
                  data-segment-id={seg.id}
                  className={classes.filter(Boolean).join(" ")}
                  data-finding={flag?.severity}
                  aria-selected={selected}
                  onClick={() => onSelect(seg.id)}
                >
                  <td>
                    <span className="swatch" style={{ background: segmentColor(seg, labels) }} />
                    {i + 1}
                    {flag ? <FindingMark flag={flag} /> : null}
                    {openComments?.get(seg.id) ? <CommentCount count={openComments.get(seg.id) ?? 0} /> : null}
                    {correctionBy?.(seg.id) ? (
                      <span className="correction-by" title="A reviewer’s correction">
                        by {correctionBy(seg.id)}
                      </span>
                    ) : null}
                  </td>
                  <td className="num">{formatTime(seg.start)}</td>
                  <td className="num">{formatTime(seg.end)}</td>
                  <td className="labels-cell">
                    {describeValues(seg.values, labels) || <span className="muted">—</span>}
                    {whereText(seg, props.channels ?? 1) ? (
                      <span className="muted segment-where" data-testid="segment-where">
                        {" "}
                        {whereText(seg, props.channels ?? 1)}
                      </span>
                    ) : null}
                    {missing.length ? (
                      <abbr className="required missing" title={`Missing: ${missing.join(", ")}`}>
                        {" "}
                        *
                      </abbr>
                    ) : null}
                  </td>
                  <td className="text-col">
                    <input
                      type="text"
                      dir="auto"
                      className="inline-text"
                      aria-label={`Text of segment ${i + 1}`}
                      value={seg.transcript}
                      readOnly={readOnly}
                      onFocus={() => onSelect(seg.id)}
                      onChange={(e) => onTranscript(seg.id, e.target.value)}
                    />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}
