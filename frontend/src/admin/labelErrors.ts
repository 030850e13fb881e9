// Which field of a label or value form a server error is about, to show it next to that field,
// and until when: an error goes as soon as the field it is about (or, for one about the whole
// form, any field) is edited, so no stale red text stays after the problem is fixed.
import { useState } from "react";
import type { Action } from "./parts";

export type Field = "name" | "kind" | "scope" | "color" | "hotkey" | "value";

const BY_CODE: Record<string, Field> = {
  bad_name: "name",
  label_exists: "name",
  value_exists: "value",
  bad_kind: "kind",
  values_not_allowed: "kind",
  bad_scope: "scope",
  bad_color: "color",
  bad_hotkey: "hotkey",
  hotkey_taken: "hotkey",
};

const FIELDS: readonly Field[] = ["name", "kind", "scope", "color", "hotkey", "value"];

/** The field an error belongs to, or null for an error about the whole form. */
export function errorField(code: string | null, body: unknown): Field | null {
  if (!code) return null;
  if (BY_CODE[code]) return BY_CODE[code];
  if (code === "validation_error" && body && typeof body === "object") {
    const errors = (body as { errors?: unknown }).errors;
    if (Array.isArray(errors)) {
      for (const e of errors) {
        const loc = (e as { loc?: unknown }).loc;
        const last = Array.isArray(loc) ? loc[loc.length - 1] : null;
        const field = FIELDS.find((f) => f === last);
        if (field) return field;
      }
    }
  }
  return null;
}

/** The message for each field, and `edited(field)` to call when the user changes one. */
export function useFormErrors(action: Action, aliases: Partial<Record<Field, Field>> = {}) {
  const raw = errorField(action.code, action.body);
  const field = raw ? (aliases[raw] ?? raw) : null;
  const [edits, setEdits] = useState<{ attempt: number; fields: Field[] }>({
    attempt: -1,
    fields: [],
  });
  const fixed = edits.attempt === action.attempt ? edits.fields : [];
  return {
    /** The error to show under `f`, or null. */
    at: (f: Field) => (field === f && !fixed.includes(f) ? action.error : null),
    /** An error about the form as a whole, or null. */
    general: !field && fixed.length === 0 ? action.error : null,
    edited: (f: Field) =>
      setEdits((now) => ({
        attempt: action.attempt,
        fields: [...(now.attempt === action.attempt ? now.fields : []), f],
      })),
  };
}
