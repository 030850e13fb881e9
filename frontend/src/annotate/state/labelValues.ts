// Changing label values: one label at a time, or by a hotkey.
import type { Label, LabelValue, Values } from "./segments";

/** Values with one label changed (null unsets it). */
export function withValue(values: Values, labelId: number, value: LabelValue | null): Values {
  const next = { ...values };
  if (value === null || (Array.isArray(value) && value.length === 0)) delete next[String(labelId)];
  else next[String(labelId)] = value;
  return next;
}

/**
 * What a value hotkey does: a single choice is set, a multi choice is toggled, a label's own hotkey toggles a yes/no label.
 */
export function applyHotkey(values: Values, label: Label, valueId: number | null): Values | null {
  const key = String(label.id);
  const current = values[key];
  if (valueId === null) {
    if (label.kind !== "boolean") return null;
    return withValue(values, label.id, current === true ? null : true);
  }
  if (label.kind === "single") return withValue(values, label.id, valueId);
  const list = Array.isArray(current) ? current : [];
  return withValue(
    values,
    label.id,
    list.includes(valueId) ? list.filter((x) => x !== valueId) : [...list, valueId],
  );
}
