// A Chart.js plugin drawing a dashed horizontal line at `options.plugins.threshold.value` on
// the y axis, with its label: the gold chart's alert threshold.
import type { Chart, ChartType, Plugin } from "chart.js";

export interface ThresholdOptions {
  value: number;
  label: string;
  color: string;
}

declare module "chart.js" {
  // The augmented interface must repeat Chart.js's type parameter.
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  interface PluginOptionsByType<TType extends ChartType> {
    threshold?: ThresholdOptions;
  }
}

export const thresholdLine: Plugin = {
  id: "threshold",
  afterDatasetsDraw(chart: Chart, _args, options: Partial<ThresholdOptions>) {
    const y = chart.scales.y;
    if (!y || typeof options.value !== "number") return;
    const at = y.getPixelForValue(options.value);
    const { left, right } = chart.chartArea;
    const ctx = chart.ctx;
    ctx.save();
    ctx.strokeStyle = options.color ?? "#b42318";
    ctx.fillStyle = options.color ?? "#b42318";
    ctx.lineWidth = 1.5;
    ctx.setLineDash([6, 4]);
    ctx.beginPath();
    ctx.moveTo(left, at);
    ctx.lineTo(right, at);
    ctx.stroke();
    if (options.label) {
      ctx.font = "600 11px system-ui, sans-serif";
      ctx.textAlign = "right";
      ctx.textBaseline = "bottom";
      ctx.fillText(options.label, right - 4, at - 3);
    }
    ctx.restore();
  },
};
