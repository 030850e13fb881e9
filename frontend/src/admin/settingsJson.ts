// Project settings edited as JSON text: parse, check it is an object, print it back.

export type Settings = Record<string, unknown>;

export type Parsed = { ok: true; value: Settings } | { ok: false; error: string };

export function parseSettings(text: string): Parsed {
  if (text.trim() === "") return { ok: true, value: {} };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return { ok: false, error: `Not valid JSON: ${reason}` };
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return { ok: false, error: "Settings must be a JSON object: { … }." };
  }
  return { ok: true, value: value as Settings };
}

export function printSettings(settings: Settings): string {
  return Object.keys(settings).length === 0 ? "{}" : JSON.stringify(settings, null, 2);
}
