// The annotation keymap in project settings: actions, their default keys, and key-combo checks.
import { ACTIONS, DEFAULT_KEYMAP, SETTING_NAMES, type Action } from "../annotate/state/keymap";

export interface KeyAction {
  action: string; // the name in settings.keymap
  label: string;
  keys: readonly string[]; // the defaults
}

/** Every action the annotation screen binds, with its default keys (from the page itself). */
export const KEY_ACTIONS: readonly KeyAction[] = (Object.keys(ACTIONS) as Action[]).map(
  (action) => ({
    action: SETTING_NAMES[action],
    label: ACTIONS[action],
    keys: DEFAULT_KEYMAP[action],
  }),
);

const MODIFIERS = ["Mod", "Ctrl", "Alt", "Shift", "Meta"] as const;
const NAMED_KEYS = new Set([
  "Space",
  "Enter",
  "Tab",
  "Escape",
  "Delete",
  "Backspace",
  "Insert",
  "Home",
  "End",
  "PageUp",
  "PageDown",
  "ArrowLeft",
  "ArrowRight",
  "ArrowUp",
  "ArrowDown",
  ...Array.from({ length: 12 }, (_, i) => `F${i + 1}`),
]);

/** Splits "Mod+Shift+z" into modifiers and key; a trailing "+" is the plus key itself. */
function split(combo: string): { mods: string[]; key: string } {
  if (combo === "+") return { mods: [], key: "+" };
  if (combo.endsWith("++")) {
    return { mods: combo.slice(0, -2).split("+"), key: "+" };
  }
  const parts = combo.split("+");
  return { mods: parts.slice(0, -1), key: parts[parts.length - 1] };
}

/** Why a key combo is not usable, or null when it is fine. */
export function comboProblem(combo: string): string | null {
  if (combo !== combo.trim() || combo === "") return "Remove the spaces around the key.";
  const { mods, key } = split(combo);
  for (const mod of mods) {
    if (!(MODIFIERS as readonly string[]).includes(mod)) {
      return `“${mod}” is not a modifier; use ${MODIFIERS.join(", ")}.`;
    }
  }
  if (new Set(mods).size !== mods.length) return "A modifier is repeated.";
  if (key === "") return "The combo needs a key after the modifiers.";
  if ([...key].length === 1 || NAMED_KEYS.has(key)) return null;
  return `“${key}” is not a key name; use one character or a name like Space, Enter, ArrowLeft, F2.`;
}

/** Canonical spelling, so "shift+mod+Z" and "Mod+Shift+z" compare equal. */
export function normalizeCombo(combo: string): string {
  const { mods, key } = split(combo.trim());
  const order = (m: string) => MODIFIERS.findIndex((x) => x.toLowerCase() === m.toLowerCase());
  const canonMods = mods.map((m) => MODIFIERS[order(m)] ?? m).sort((a, b) => order(a) - order(b));
  const named = [...NAMED_KEYS].find((k) => k.toLowerCase() === key.toLowerCase());
  const canonKey = named ?? (key.length === 1 ? key.toLowerCase() : key);
  return [...canonMods, canonKey].join("+");
}

export interface KeyPress {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
}

/** The combo a key press means, or null for a lone modifier press (still choosing). */
export function comboFromEvent(event: KeyPress): string | null {
  const { key } = event;
  if (["Control", "Meta", "Alt", "Shift", "OS", "AltGraph", "Dead", "Unidentified"].includes(key)) {
    return null;
  }
  const name = key === " " ? "Space" : key.length === 1 ? key.toLowerCase() : key;
  // A symbol such as "?" already says Shift was held; letters and named keys do not.
  const symbol = key.length === 1 && key.toLowerCase() === key.toUpperCase() && key !== " ";
  const mods: string[] = [];
  if (event.ctrlKey || event.metaKey) mods.push("Mod");
  if (event.altKey) mods.push("Alt");
  if (event.shiftKey && !symbol) mods.push("Shift");
  return [...mods, name].join("+");
}

/**
 * An action's keys as stored in settings.keymap: one key, a list of keys, or "" / [] for off.
 * Read here as a list; absent means the default applies.
 */
export type Keymap = Record<string, string[]>;

/** The keymap in settings, each binding as a list ([] = off); broken entries are skipped. */
export function readKeymap(settings: Record<string, unknown>): Keymap {
  const raw = settings.keymap;
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) return {};
  const out: Keymap = {};
  for (const [action, keys] of Object.entries(raw)) {
    if (typeof keys === "string") out[action] = keys === "" ? [] : [keys];
    else if (Array.isArray(keys) && keys.every((k) => typeof k === "string")) {
      out[action] = keys.filter((k) => k !== "");
    }
  }
  return out;
}

/** Keys as typed in one box: "Delete, Backspace" is two keys; a lone "," is the comma key. */
export function parseKeys(text: string): string[] {
  if (text.trim() === ",") return [","];
  return text
    .split(/,\s+|\s+,\s*/)
    .map((k) => k.trim())
    .filter((k) => k !== "");
}

export function keysText(keys: readonly string[]): string {
  return keys.join(", ");
}

/**
 * Settings with one action's keys set: null drops the override (the default applies again),
 * [] turns the action off, one key is stored as a string and several as a list.
 */
export function withKeys(
  settings: Record<string, unknown>,
  action: string,
  keys: readonly string[] | null,
): Record<string, unknown> {
  const raw = settings.keymap;
  const keymap: Record<string, unknown> =
    raw && typeof raw === "object" && !Array.isArray(raw) ? { ...(raw as object) } : {};
  if (keys === null) delete keymap[action];
  else keymap[action] = keys.length === 0 ? "" : keys.length === 1 ? keys[0] : [...keys];
  const next = { ...settings };
  if (Object.keys(keymap).length === 0) delete next.keymap;
  else next.keymap = keymap;
  return next;
}

/** The keys an action answers to: its override, else its default. */
export function effectiveKeys(keymap: Keymap, action: KeyAction): string[] {
  return keymap[action.action] ?? [...action.keys];
}

/** Problems per action: bad spelling, a key used twice, an action nobody knows. */
export function keymapProblems(keymap: Keymap): Record<string, string> {
  const problems: Record<string, string> = {};
  const known = new Set(KEY_ACTIONS.map((a) => a.action));
  for (const [action, keys] of Object.entries(keymap)) {
    if (!known.has(action)) {
      problems[action] = `Unknown action “${action}”; the annotation page ignores it.`;
      continue;
    }
    for (const key of keys) {
      const problem = comboProblem(key);
      if (problem) {
        problems[action] = problem;
        break;
      }
    }
  }
  const byKey = new Map<string, string[]>();
  for (const a of KEY_ACTIONS) {
    if (problems[a.action]) continue;
    for (const key of effectiveKeys(keymap, a)) {
      const norm = normalizeCombo(key);
      const actions = byKey.get(norm) ?? [];
      if (!actions.includes(a.action)) byKey.set(norm, [...actions, a.action]);
    }
  }
  const labelOf = (action: string) => KEY_ACTIONS.find((a) => a.action === action)?.label ?? action;
  for (const [key, actions] of byKey) {
    if (actions.length < 2) continue;
    for (const action of actions) {
      const others = actions.filter((a) => a !== action).map(labelOf);
      problems[action] = `${key} is also bound to ${others.join(", ")}.`;
    }
  }
  return problems;
}

/** The annotation action a label hotkey would shadow, or null when the key is free. */
export function keyClash(hotkey: string | null | undefined, keymap: Keymap): string | null {
  if (!hotkey) return null;
  const mine = normalizeCombo(hotkey);
  const hit = KEY_ACTIONS.find((a) =>
    effectiveKeys(keymap, a).some((k) => normalizeCombo(k) === mine),
  );
  return hit ? hit.label : null;
}
