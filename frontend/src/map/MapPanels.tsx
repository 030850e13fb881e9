// The panels beside the dataset map: what the colours mean, what is picked (and what can be
// done with it), and the items worth a second look.
import { Link, useNavigate } from "react-router-dom";
import type { Schemas } from "../api/client";
import { SelectionActions } from "../grid/SelectionActions";
import { scaleColour, type ColourOption, type MapPoint, type Scheme } from "./colours";
import { gridIds, gridUrl, MAX_GRID_IDS } from "./picked";

type Outlier = Schemas["MapOutlier"];
type Label = Schemas["LabelPublic"];
type Member = Schemas["MemberPublic"];

/** The selection endpoint takes at most these many items. */
export const MAX_LABEL_IDS = 10_000;

const count = (n: number) => `${n.toLocaleString("en")} item${n === 1 ? "" : "s"}`;

export function Legend(props: {
  scheme: Scheme;
  option: ColourOption | null;
  onPick(value: string): void;
}) {
  const { scheme, option, onPick } = props;
  return (
    <div className="map-legend" aria-label="Legend">
      {scheme.range ? (
        <div className="map-scale">
          <span>{scheme.range.min.toLocaleString("en")}</span>
          <span
            className="map-gradient"
            style={{ background: `linear-gradient(to right, ${[0, 0.25, 0.5, 0.75, 1].map(scaleColour).join(", ")})` }}
          />
          <span>{scheme.range.max.toLocaleString("en")}</span>
        </div>
      ) : null}
      <ul>
        {scheme.legend.map((entry) => (
          <li key={entry.value}>
            <button
              type="button"
              className="link"
              disabled={!option || entry.count === 0}
              onClick={() => onPick(entry.value)}
              title={option ? `Pick the ${entry.value} items` : undefined}
            >
              <span className="swatch" style={{ background: entry.color }} aria-hidden="true" />
              {entry.value}
            </button>{" "}
            <span className="muted">{entry.count.toLocaleString("en")}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

export function Picked(props: {
  projectId: number;
  points: MapPoint[];
  manages: boolean;
  labels: Label[];
  members: Member[];
  me: number | null;
  onClear(): void;
  onLabelled(message: string): void;
}) {
  const { projectId, points, manages, labels, members, me, onClear, onLabelled } = props;
  const navigate = useNavigate();
  const ids = points.map((p) => p.datapoint_id);
  if (ids.length === 0) {
    return (
      <section className="map-picked" aria-label="Picked items">
        <p className="muted">Draw around points to pick them (hold Shift to add more); click a point to play it.</p>
      </section>
    );
  }
  const shown = gridIds(points);
  const tooMany = shown.length > MAX_GRID_IDS;
  return (
    <section className="map-picked" aria-label="Picked items">
      <p>
        <strong>{count(ids.length)} picked</strong>{" "}
        <button type="button" className="link" onClick={onClear}>
          Clear
        </button>
      </p>
      <div className="actions">
        <button type="button" className="primary" disabled={tooMany} onClick={() => navigate(gridUrl(projectId, shown))}>
          Show in grid
        </button>
      </div>
      {tooMany ? (
        <p className="muted" role="note">
          The grid shows at most {MAX_GRID_IDS.toLocaleString("en")} picked items
          {shown.length !== ids.length ? ` (these are ${shown.length.toLocaleString("en")} with the windows of long recordings)` : ""}: pick
          fewer to see them there
          {manages ? ", or set a label on all of them here." : "."}
        </p>
      ) : null}
      {manages && ids.length > MAX_LABEL_IDS ? (
        <p className="muted" role="note">
          A label can be set on at most {MAX_LABEL_IDS.toLocaleString("en")} items at once: pick fewer.
        </p>
      ) : null}
      {manages && ids.length <= MAX_LABEL_IDS ? (
        <SelectionActions projectId={projectId} ids={ids} labels={labels} members={members} me={me} onDone={onLabelled} />
      ) : null}
    </section>
  );
}

export function Outliers(props: {
  outliers: Outlier[];
  playing: number | null;
  onPlay(id: number): void;
  onMark(id: number | null): void;
  onPickAll(): void;
}) {
  const { outliers, playing, onPlay, onMark, onPickAll } = props;
  return (
    <section className="map-outliers" aria-labelledby="map-outliers-title">
      <h2 id="map-outliers-title">
        Worth a second look <span className="badge">{outliers.length}</span>
      </h2>
      {outliers.length === 0 ? (
        <p className="muted">No item lies unusually far from the other items of its label value.</p>
      ) : (
        <>
          <p className="muted">
            Items far from the centre of their label value’s items (in the audio features): mislabelled, or unusual.{" "}
            <button type="button" className="link" onClick={onPickAll}>
              Pick them all
            </button>
          </p>
          <ul>
            {outliers.map((o) => (
              <li
                key={`${o.datapoint_id}-${o.label_id}`}
                data-testid="map-outlier"
                onMouseEnter={() => onMark(o.datapoint_id)}
                onMouseLeave={() => onMark(null)}
              >
                <button
                  type="button"
                  className="map-play"
                  aria-label={`${playing === o.datapoint_id ? "Stop" : "Play"} ${o.name}`}
                  onClick={() => onPlay(o.datapoint_id)}
                >
                  {playing === o.datapoint_id ? "■" : "▶"}
                </button>
                <div>
                  <Link to={`/datapoints/${o.datapoint_id}`}>
                    {o.name}
                  </Link>{" "}
                  <span className="map-value">
                    {o.label}: {o.value}
                  </span>
                  <div className="muted">{o.reason}</div>
                </div>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
