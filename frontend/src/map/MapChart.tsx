// The dataset map's scatter: Chart.js draws the points; a canvas laid over it takes the
// pointer, so a drag draws a lasso (the points inside it are picked) and a click plays the
// point under it. Hover shows the item's name; Chart.js itself gets no events.
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { Chart, LinearScale, PointElement, ScatterController, type ChartConfiguration } from "chart.js";
import { CLICK_SLOP, extend, nearest, pointsInside, type Pt } from "./lasso";
import type { MapPoint } from "./colours";

Chart.register(ScatterController, PointElement, LinearScale);

const REACH = 1.06; // the axes run a little past the layout's [-1, 1]
const GRID = [-1, -0.5, 0, 0.5, 1];
const HIT_RADIUS = 8; // px around a point that count as clicking it
const INK = "#1c2330";
const ACCENT = "#2457c5";

type Scatter = Chart<"scatter", Pt[]>;

export function radiusFor(count: number): number {
  if (count > 5000) return 2;
  if (count > 1000) return 3;
  return 4.5;
}

interface Props {
  points: MapPoint[];
  colours: string[];
  picked: ReadonlySet<number>;
  /** A point to ring (an outlier hovered in the list, the one playing). */
  marked: number | null;
  playing: number | null;
  axis: string;
  describe(point: MapPoint): string;
  onLasso(indexes: number[], add: boolean): void;
  onPoint(index: number): void;
}

export function MapChart({ points, colours, picked, marked, playing, axis, describe, onLasso, onPoint }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const overlay = useRef<HTMLCanvasElement>(null);
  const chart = useRef<Scatter | null>(null);
  const pixels = useRef<Pt[] | null>(null); // the points on screen, until the next resize
  const path = useRef<Pt[] | null>(null);
  const [hover, setHover] = useState<{ index: number; at: Pt } | null>(null);
  const xy = useMemo(() => points.map((p) => ({ x: p.x, y: p.y })), [points]);

  useEffect(() => {
    const el = canvas.current;
    if (!el) return;
    const axisOptions = (title: string) => ({
      type: "linear" as const,
      min: -REACH,
      max: REACH,
      ticks: { display: false },
      // An even grid at the layout's quarters, none at the axes' padded ends.
      afterBuildTicks: (scale: { ticks: { value: number }[] }) => {
        scale.ticks = GRID.map((value) => ({ value }));
      },
      grid: { color: "#eef0f4", drawTicks: false },
      border: { display: false },
      title: { display: true, text: title, color: "#5f6b7c" },
    });
    const config: ChartConfiguration<"scatter", Pt[]> = {
      type: "scatter",
      data: { datasets: [] },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        events: [],
        parsing: false,
        normalized: true,
        scales: { x: axisOptions(`${axis} 1`), y: axisOptions(`${axis} 2`) },
        plugins: { legend: { display: false }, tooltip: { enabled: false } },
        onResize: () => {
          pixels.current = null;
        },
      },
      plugins: [
        {
          // Where the plot area is, for anyone placing a pointer on a point (the browser tests).
          id: "plotArea",
          afterLayout(c) {
            const { left, top, right, bottom } = c.chartArea;
            overlay.current?.setAttribute("data-area", [left, top, right, bottom].map((v) => v.toFixed(1)).join(","));
            overlay.current?.setAttribute("data-reach", String(REACH));
          },
        },
      ],
    };
    chart.current = new Chart(el, config);
    return () => {
      chart.current?.destroy();
      chart.current = null;
    };
    // Made once; the data and the axis titles change in place below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    const c = chart.current;
    if (!c) return;
    const radius = radiusFor(points.length);
    const at = (ids: Iterable<number>) => {
      const want = new Set(ids);
      return points.filter((p) => want.has(p.datapoint_id)).map((p) => ({ x: p.x, y: p.y }));
    };
    c.data.datasets = [
      {
        label: "items",
        data: xy,
        backgroundColor: colours,
        borderWidth: 0,
        pointRadius: radius,
      },
      {
        label: "picked",
        data: at(picked),
        backgroundColor: "rgba(0,0,0,0)",
        borderColor: INK,
        borderWidth: 1.5,
        pointRadius: radius + 2,
      },
      {
        label: "marked",
        data: at([marked, playing].filter((v): v is number => v !== null)),
        backgroundColor: "rgba(0,0,0,0)",
        borderColor: ACCENT,
        borderWidth: 2.5,
        pointRadius: radius + 6,
      },
    ];
    for (const [name, scale] of Object.entries(c.options.scales ?? {})) {
      if (scale && "title" in scale && scale.title) scale.title.text = `${axis} ${name === "x" ? 1 : 2}`;
    }
    c.update("none");
    pixels.current = null;
  }, [points, xy, colours, picked, marked, playing, axis]);

  // The overlay matches the chart's box, in device pixels so the lasso line is crisp.
  useEffect(() => {
    const el = box.current;
    const lay = overlay.current;
    if (!el || !lay) return;
    const fit = () => {
      const ratio = window.devicePixelRatio || 1;
      lay.width = Math.round(el.clientWidth * ratio);
      lay.height = Math.round(el.clientHeight * ratio);
      pixels.current = null;
    };
    fit();
    const watcher = new ResizeObserver(fit);
    watcher.observe(el);
    return () => watcher.disconnect();
  }, []);

  const onScreen = useCallback((): Pt[] => {
    const c = chart.current;
    if (!c) return [];
    if (!pixels.current) {
      const { x, y } = c.scales;
      pixels.current = points.map((p) => ({ x: x.getPixelForValue(p.x), y: y.getPixelForValue(p.y) }));
    }
    return pixels.current;
  }, [points]);

  function draw(line: Pt[] | null) {
    const lay = overlay.current;
    const ctx = lay?.getContext("2d");
    if (!lay || !ctx) return;
    const ratio = window.devicePixelRatio || 1;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, lay.width, lay.height);
    if (!line || line.length < 2) return;
    ctx.beginPath();
    ctx.moveTo(line[0].x, line[0].y);
    for (const p of line.slice(1)) ctx.lineTo(p.x, p.y);
    ctx.closePath();
    ctx.fillStyle = "rgba(36, 87, 197, 0.08)";
    ctx.fill();
    ctx.setLineDash([5, 4]);
    ctx.strokeStyle = ACCENT;
    ctx.lineWidth = 1.5;
    ctx.stroke();
  }

  function position(event: React.PointerEvent<HTMLCanvasElement>): Pt {
    const rect = event.currentTarget.getBoundingClientRect();
    return { x: event.clientX - rect.left, y: event.clientY - rect.top };
  }

  function down(event: React.PointerEvent<HTMLCanvasElement>) {
    if (event.button !== 0) return;
    event.currentTarget.setPointerCapture(event.pointerId);
    path.current = [position(event)];
    setHover(null);
  }

  function move(event: React.PointerEvent<HTMLCanvasElement>) {
    const p = position(event);
    if (path.current) {
      path.current = extend(path.current, p);
      draw(path.current);
      return;
    }
    const index = nearest(onScreen(), p, HIT_RADIUS);
    setHover(index === null ? null : { index, at: p });
  }

  function up(event: React.PointerEvent<HTMLCanvasElement>) {
    const line = path.current;
    path.current = null;
    draw(null);
    if (!line) return;
    const end = position(event);
    const start = line[0];
    const far = line.some((p) => Math.hypot(p.x - start.x, p.y - start.y) > CLICK_SLOP);
    if (!far && Math.hypot(end.x - start.x, end.y - start.y) <= CLICK_SLOP) {
      const index = nearest(onScreen(), end, HIT_RADIUS);
      if (index !== null) onPoint(index);
      return;
    }
    onLasso(pointsInside(onScreen(), extend(line, end)), event.shiftKey);
  }

  function cancel() {
    path.current = null;
    draw(null);
  }

  const hovered = hover ? points[hover.index] : undefined;
  return (
    <div className="map-chart" ref={box}>
      <canvas ref={canvas} role="img" aria-label={`Dataset map of ${points.length} items`} />
      <canvas
        ref={overlay}
        className="map-lasso"
        data-testid="map-lasso"
        onPointerDown={down}
        onPointerMove={move}
        onPointerUp={up}
        onPointerCancel={cancel}
        onPointerLeave={() => setHover(null)}
        onKeyDown={(e) => {
          if (e.key === "Escape") cancel();
        }}
        tabIndex={0}
        aria-label="Draw around points to pick them; click a point to play it"
      />
      {hovered && hover ? (
        <div className="map-tip" style={{ left: hover.at.x + 12, top: hover.at.y + 12 }} role="tooltip">
          {describe(hovered)}
        </div>
      ) : null}
    </div>
  );
}
