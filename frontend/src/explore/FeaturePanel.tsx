// One item's feature on its time axis: the waveform thumbnail above, the feature below (a
// heatmap for many rows, a line for one), the shared cursor across both, a readout, and
// downloads of the values.
import { useEffect, useRef, type PointerEvent } from "react";
import { api, unwrap, type Schemas } from "../api/client";
import { describeDatapoint } from "../annotate/engine/timeFrame";
import { ErrorMessage, Loading, formatDuration } from "../components/ui";
import { useLoad } from "../components/useLoad";
import {
  formatValue,
  frameAt,
  heatmapPixels,
  linePoints,
  timeToX,
  valueRange,
  xToTime,
} from "./featureMath";

type Datapoint = Schemas["DatapointPublic"];
type Feature = Schemas["FeatureOut"];
type Values = Schemas["ValuesOut"];

const HEIGHT = 160;
const LINE = "#2457c5";

export function FeaturePanel(props: {
  item: Datapoint;
  feature: Feature;
  cursor: number | null;
  playing: boolean;
  onCursor(t: number | null): void;
  onPlay(): void;
  onRemove?(): void;
}) {
  const { item, feature, cursor, playing, onCursor, onPlay, onRemove } = props;
  const values = useLoad(
    () =>
      unwrap(
        api.GET("/api/datapoints/{datapoint_id}/features/{feature}", {
          params: { path: { datapoint_id: item.id, feature: feature.name } },
        }),
      ) as Promise<Values>,
    [item.id, feature.name],
  );
  const canvas = useRef<HTMLCanvasElement | null>(null);
  const data = values.data;
  const range = data ? valueRange(data.values, data.unit) : null;
  const duration = item.duration;

  useEffect(() => {
    const el = canvas.current;
    if (!el || !data || !range) return;
    const width = Math.max(1, Math.round(el.clientWidth));
    el.width = width;
    el.height = HEIGHT;
    const ctx = el.getContext("2d");
    if (!ctx) return;
    ctx.clearRect(0, 0, width, HEIGHT);
    if (data.values.length > 1) {
      const px = heatmapPixels(data.values, data.times, duration, width, HEIGHT, range);
      ctx.putImageData(new ImageData(px, width, HEIGHT), 0, 0);
    } else if (data.values.length === 1) {
      const pts = linePoints(data.values[0], data.times, duration, width, HEIGHT, range);
      ctx.strokeStyle = LINE;
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      pts.forEach(([x, y], i) => (i === 0 ? ctx.moveTo(x, y) : ctx.lineTo(x, y)));
      ctx.stroke();
    }
  }, [data, range?.min, range?.max, duration]); // eslint-disable-line react-hooks/exhaustive-deps

  const move = (e: PointerEvent<HTMLElement>) => {
    const box = e.currentTarget.getBoundingClientRect();
    onCursor(xToTime(e.clientX - box.left, duration, box.width));
  };
  const frame = data && cursor !== null ? frameAt(data.times, cursor) : -1;
  const name = describeDatapoint(item);
  const base = `/api/datapoints/${item.id}/features/${feature.name}`;

  return (
    <section className="feature-panel" aria-label={`${feature.title} of ${name}`} data-testid="feature-panel">
      <header className="feature-panel-head">
        <button type="button" onClick={onPlay} aria-pressed={playing}>
          {playing ? "Stop" : "Play"}
        </button>
        <strong title={name}>{name}</strong>
        <span className="muted">{formatDuration(duration)}</span>
        <span className="feature-downloads">
          Download{" "}
          {(["csv", "json", "npy"] as const).map((f) => (
            <a key={f} href={`${base}?format=${f}`} download>
              {f.toUpperCase()}
            </a>
          ))}
        </span>
        {onRemove ? (
          <button type="button" className="link" onClick={onRemove} aria-label={`Stop comparing ${name}`}>
            ×
          </button>
        ) : null}
      </header>
      <div
        className="feature-axis"
        onPointerMove={move}
        onPointerLeave={() => onCursor(null)}
        data-testid="feature-axis"
      >
        <img className="feature-wave" src={`/api/datapoints/${item.id}/thumbnail`} alt="" />
        {data ? (
          <canvas ref={canvas} className="feature-canvas" data-testid="feature-canvas" data-frames={data.times.length} />
        ) : (
          <div className="feature-canvas placeholder">{values.loading ? <Loading what="Loading values" /> : null}</div>
        )}
        {data && range ? (
          <div className="feature-scale" aria-hidden="true">
            <span>{data.values.length > 1 ? data.rows[data.rows.length - 1] : formatValue(range.max, data.unit)}</span>
            <span>{data.values.length > 1 ? data.rows[0] : formatValue(range.min, data.unit)}</span>
          </div>
        ) : null}
        {cursor !== null && cursor <= duration ? (
          <div className="feature-cursor" style={{ left: `${(timeToX(cursor, duration, 1) * 100).toFixed(3)}%` }} data-testid="feature-cursor" />
        ) : null}
      </div>
      <ErrorMessage>{values.error}</ErrorMessage>
      <p className="feature-readout" data-testid="feature-readout">
        {data && range ? (
          frame >= 0 && cursor !== null ? (
            data.values.length === 1 ? (
              <>
                at {cursor.toFixed(2)} s: <strong>{formatValue(data.values[0][frame], data.unit)}</strong>
              </>
            ) : (
              <>
                at {cursor.toFixed(2)} s: strongest {feature.axis.split(",")[0].toLowerCase()}{" "}
                <strong>{strongest(data, frame)}</strong>
              </>
            )
          ) : (
            <>
              {data.times.length} frames · from {formatValue(range.min, data.unit)} to {formatValue(range.max, data.unit)}
            </>
          )
        ) : null}
      </p>
    </section>
  );
}

/** The row label with the largest value in a frame (for heatmaps' readout). */
function strongest(data: Values, frame: number): string {
  let best = 0;
  for (let r = 1; r < data.values.length; r++) {
    if (data.values[r][frame] > data.values[best][frame]) best = r;
  }
  return data.rows[best] ?? String(best);
}
