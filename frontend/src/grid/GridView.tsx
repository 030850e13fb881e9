// Cards of a project's items: waveform, duration, status, labels, metadata; one shared player.
import { useState } from "react";
import { Link } from "react-router-dom";
import { api, unwrap, type Schemas } from "../api/client";
import { useAction } from "../admin/parts";
import { describeDatapoint } from "../annotate/engine/timeFrame";
import { ReviewBadge, StatusBadge } from "../components/StatusBadge";
import { itemState } from "../components/status";
import { ErrorMessage, formatDuration } from "../components/ui";
import { labelChips, metadataFromRows, metadataRows, type MetadataRow } from "./cards";
import { useSharedPlayer } from "./useSharedPlayer";
import "./grid.css";

type Datapoint = Schemas["DatapointPublic"];
type Label = Schemas["LabelPublic"];

export function GridView(props: {
  items: Datapoint[];
  labels: Label[];
  manages: boolean;
  selected: Set<number>;
  onSelect(id: number, on: boolean): void;
  onChanged(): void;
}) {
  const { items, labels, manages, selected, onSelect, onChanged } = props;
  const player = useSharedPlayer();
  if (items.length === 0) return <p className="empty">Nothing here.</p>;
  return (
    <ul className="grid-cards" aria-label="Items">
      {items.map((d) => (
        <GridCard
          key={d.id}
          item={d}
          labels={labels}
          manages={manages}
          selected={selected.has(d.id)}
          playing={player.playing === d.id}
          finished={player.finished === d.id}
          onPlay={() => player.toggle(d.id, d.audio_url)}
          onSelect={(on) => onSelect(d.id, on)}
          onChanged={onChanged}
        />
      ))}
    </ul>
  );
}

function GridCard(props: {
  item: Datapoint;
  labels: Label[];
  manages: boolean;
  selected: boolean;
  playing: boolean;
  finished: boolean;
  onPlay(): void;
  onSelect(on: boolean): void;
  onChanged(): void;
}) {
  const { item: d, labels, manages, selected, playing, finished, onPlay, onSelect, onChanged } = props;
  const [editing, setEditing] = useState(false);
  const name = describeDatapoint(d);
  const chips = labelChips(d, labels);
  const rows = metadataRows(d.metadata);
  const ready = d.ingest_status === "ready";
  return (
    <li className={selected ? "grid-card selected" : "grid-card"} data-testid="grid-card" aria-label={name}>
      <div className="grid-card-head">
        {manages ? (
          <input
            type="checkbox"
            aria-label={`Select ${name}`}
            checked={selected}
            onChange={(e) => onSelect(e.target.checked)}
          />
        ) : null}
        <Link to={`/datapoints/${d.id}`} className="grid-card-name" title={name}>
          {name}
        </Link>
      </div>
      <button
        type="button"
        className={playing ? "grid-thumb playing" : "grid-thumb"}
        aria-label={playing ? `Stop ${name}` : `Play ${name}`}
        aria-pressed={playing}
        data-finished={finished}
        onClick={onPlay}
      >
        {ready ? <img src={`/api/datapoints/${d.id}/thumbnail`} alt="" loading="lazy" /> : <span>{d.ingest_status}</span>}
        <span className="grid-play" aria-hidden="true">
          {playing ? "■" : "▶"}
        </span>
      </button>
      <div className="grid-card-facts">
        <span>{formatDuration(d.duration)}</span>
        <StatusBadge status={d.my_assignment?.state ?? itemState(d.assignments.map((a) => a.state), d.status)} />
        {d.marked_for_review ? <ReviewBadge /> : null}
      </div>
      {chips.length ? (
        <ul className="grid-chips" aria-label="Labels">
          {chips.map((c, i) => (
            <li
              key={i}
              className="chip"
              title={`${c.label}: ${c.value} (${c.by})`}
              style={c.color ? { borderColor: c.color } : undefined}
            >
              <span className="muted">{c.label}:</span> {c.value}
            </li>
          ))}
        </ul>
      ) : null}
      {editing ? (
        <MetadataEditor
          item={d}
          onClose={(saved) => {
            setEditing(false);
            if (saved) onChanged();
          }}
        />
      ) : (
        <>
          {rows.length ? (
            <dl className="grid-meta" aria-label="Metadata">
              {rows.map((r) => (
                <div key={r.key}>
                  <dt>{r.key}</dt>
                  <dd title={r.text}>{r.text}</dd>
                </div>
              ))}
            </dl>
          ) : null}
          <div className="grid-card-links">
            <Link to={`/datapoints/${d.id}/features`} className="small">
              Features
            </Link>
            {manages ? (
              <button type="button" className="link small" onClick={() => setEditing(true)}>
                Edit metadata
              </button>
            ) : null}
          </div>
        </>
      )}
    </li>
  );
}

function MetadataEditor({ item, onClose }: { item: Datapoint; onClose(saved: boolean): void }) {
  const [rows, setRows] = useState<MetadataRow[]>(() => [...metadataRows(item.metadata), { key: "", text: "" }]);
  const action = useAction();
  const [problem, setProblem] = useState<string | null>(null);

  async function save() {
    let metadata: Record<string, unknown>;
    try {
      metadata = metadataFromRows(rows, item.metadata);
    } catch (err) {
      setProblem((err as Error).message);
      return;
    }
    setProblem(null);
    const ok = await action.run(() =>
      unwrap(
        api.PATCH("/api/datapoints/{datapoint_id}", {
          params: { path: { datapoint_id: item.id } },
          body: { metadata },
        }),
      ),
    );
    if (ok) onClose(true);
  }

  const change = (i: number, part: Partial<MetadataRow>) =>
    setRows((rs) => rs.map((r, j) => (j === i ? { ...r, ...part } : r)));
  return (
    <form
      className="grid-meta-edit"
      aria-label="Edit metadata"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      {rows.map((r, i) => (
        <div key={i} className="grid-meta-row">
          <input aria-label="Field name" placeholder="field" value={r.key} onChange={(e) => change(i, { key: e.target.value })} />
          <input aria-label={`Value of ${r.key || "new field"}`} placeholder="value" value={r.text} onChange={(e) => change(i, { text: e.target.value })} />
          <button type="button" className="link" aria-label={`Remove ${r.key || "field"}`} onClick={() => setRows((rs) => rs.filter((_, j) => j !== i))}>
            ×
          </button>
        </div>
      ))}
      <div className="grid-meta-actions">
        <button type="button" className="link small" onClick={() => setRows((rs) => [...rs, { key: "", text: "" }])}>
          Add field
        </button>
        <button type="submit" className="primary small" disabled={action.busy}>
          Save
        </button>
        <button type="button" className="small" onClick={() => onClose(false)}>
          Cancel
        </button>
      </div>
      <ErrorMessage>{problem ?? action.error}</ErrorMessage>
    </form>
  );
}
