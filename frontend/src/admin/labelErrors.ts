// Which field of a label or value form a server error is about, to show it next to that field.

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
