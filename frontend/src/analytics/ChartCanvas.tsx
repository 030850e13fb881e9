// One Chart.js chart on a canvas: made on mount, updated in place, destroyed on unmount.
// Only the pieces the analytics page uses are registered, so the chunk stays small.
import { useEffect, useRef } from "react";
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from "chart.js";
import type { Config } from "./charts";
import { thresholdLine } from "./thresholdLine";

Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  thresholdLine,
);
Chart.defaults.font.family = getComputedStyle(document.documentElement).getPropertyValue("--font") || "system-ui, sans-serif";
Chart.defaults.color = "#5f6b7c";
Chart.defaults.datasets.bar.maxBarThickness = 56; // one day of data is a bar, not a wall

export function ChartCanvas({ config, label, name }: { config: Config; label: string; name: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const chart = useRef<Chart<"bar" | "line", (number | null)[], string> | null>(null);

  useEffect(() => {
    const el = canvas.current;
    if (!el) return;
    chart.current = new Chart(el, structuredClone(config));
    return () => {
      chart.current?.destroy();
      chart.current = null;
    };
    // Made once; later configs go through update below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    const c = chart.current;
    if (!c) return;
    const next = structuredClone(config);
    c.data = next.data;
    if (next.options) c.options = next.options;
    c.update();
  }, [config]);

  return (
    <div className="chart-box">
      <canvas ref={canvas} role="img" aria-label={label} data-chart={name} />
    </div>
  );
}
