// The time ruler's tick spacing: labels at least ~80 px apart, minor ticks between them.

const STEPS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200];

/** Seconds between labelled ticks and between minor ticks at this zoom. */
export function rulerSteps(pxPerSec: number, minLabelPx = 80): { label: number; minor: number } {
  const label = STEPS.find((s) => s * pxPerSec >= minLabelPx) ?? STEPS[STEPS.length - 1];
  const divides = (s: number) => Math.abs(label / s - Math.round(label / s)) < 1e-6;
  const minor = STEPS.find((s) => s < label && divides(s) && s * pxPerSec >= 15);
  return { label, minor: minor ?? label };
}

/** Ruler text: m:ss, h:mm:ss past an hour, with decimals when the step is under a second. */
export function rulerLabel(t: number, step: number): string {
  const decimals = step < 0.1 ? 2 : step < 1 ? 1 : 0;
  const whole = Math.floor(t + 1e-9);
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = t - h * 3600 - m * 60;
  const sec = s.toFixed(decimals).padStart(decimals ? decimals + 3 : 2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${sec}` : `${m}:${sec}`;
}
