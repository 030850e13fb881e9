// Project templates: what a template card shows, and reading a template file to import.
import type { Schemas } from "../api/client";

export type Template = Schemas["TemplatePublic"];
type TemplateLabel = Schemas["TemplateLabel"];

export interface Chip {
  key: string;
  text: string;
  title: string;
  color: string | null;
  hotkey: string | null;
}

const SCOPE: Record<string, string> = { segment: "on segments", datapoint: "on whole items" };

/** A chip per label value (or per label when it has no values), in the template's order. */
export function labelChips(labels: readonly TemplateLabel[], limit = 12): Chip[] {
  const chips: Chip[] = [];
  for (const label of labels) {
    const where = `${label.name} (${label.kind}, ${SCOPE[label.scope] ?? label.scope})`;
    if (label.values.length === 0) {
      chips.push({
        key: label.name,
        text: label.name,
        title: where,
        color: label.color,
        hotkey: label.hotkey,
      });
    }
    for (const v of label.values) {
      chips.push({
        key: `${label.name}/${v.value}`,
        text: v.value,
        title: `${where}: ${v.value}`,
        color: v.color ?? label.color,
        hotkey: v.hotkey,
      });
    }
  }
  return chips.slice(0, limit);
}

/** How many chips `labelChips` left out. */
export function hiddenChips(labels: readonly TemplateLabel[], limit = 12): number {
  const all = labels.reduce((n, l) => n + Math.max(1, l.values.length), 0);
  return Math.max(0, all - limit);
}

/** Black or white, whichever reads better on a hex colour (#rgb, #rrggbb or #rrggbbaa). */
export function inkOn(color: string | null): string | undefined {
  if (!color) return undefined;
  let hex = color.replace("#", "");
  if (hex.length === 3) hex = [...hex].map((c) => c + c).join("");
  const [r, g, b] = [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255);
  if ([r, g, b].some((x) => Number.isNaN(x))) return undefined;
  const lum = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return lum > 0.55 ? "#111" : "#fff";
}

/** The label names and quick mode in a sentence, for the card. */
export function quickModeText(settings: Record<string, unknown>): string | null {
  const quick = settings.quick as { mode?: unknown; label?: unknown } | undefined;
  if (!quick || typeof quick.mode !== "string" || typeof quick.label !== "string") return null;
  return `Quick mode: ${quick.mode} on “${quick.label}”`;
}

export const MAX_FILE_BYTES = 1_000_000;

/** Why a chosen file cannot be a template file, or null (the server checks the rest). */
export function fileProblem(file: { name: string; size: number }): string | null {
  if (file.size === 0) return "The file is empty.";
  if (file.size > MAX_FILE_BYTES) return "A template file is at most 1,000 kB; this one is larger.";
  return null;
}
