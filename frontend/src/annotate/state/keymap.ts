// Keyboard shortcuts: the defaults, a project's remapping (settings.keymap), label hotkeys,
// and matching a key press against them.
import type { Label } from "./segments";

export const ACTIONS = {
  playPause: "Play / pause",
  seekBack: "Back 1 s",
  seekForward: "Forward 1 s",
  seekBackLong: "Back 5 s",
  seekForwardLong: "Forward 5 s",
  slower: "Slower",
  faster: "Faster",
  newSegment: "New segment at the cursor",
  split: "Split the selected segment at the cursor",
  nextSegment: "Select the next segment",
  previousSegment: "Select the previous segment",
  deleteSegment: "Delete the selected segment",
  playSegment: "Play the selected segment",
  loopSegment: "Loop the selected segment",
  zoomToSelection: "Zoom to the selected segment",
  zoomToFit: "Zoom out to the whole recording",
  undo: "Undo",
  redo: "Redo",
  complete: "Complete and go to the next item",
  skip: "Skip the item (it comes back at the end of your queue or round)",
  nextPrediction: "Go to the next model prediction (and play it)",
  acceptPrediction: "Accept the prediction as your segment",
  rejectPrediction: "Reject the prediction",
  help: "Show the shortcuts",
} as const;

export type Action = keyof typeof ACTIONS;
export type Keymap = Record<Action, string[]>;

export const DEFAULT_KEYMAP: Keymap = {
  playPause: ["Space"],
  seekBack: ["ArrowLeft"],
  seekForward: ["ArrowRight"],
  seekBackLong: ["Shift+ArrowLeft"],
  seekForwardLong: ["Shift+ArrowRight"],
  slower: ["["],
  faster: ["]"],
  newSegment: ["n"],
  split: ["s"],
  nextSegment: ["Tab"],
  previousSegment: ["Shift+Tab"],
  deleteSegment: ["Delete", "Backspace"],
  playSegment: ["p"],
  loopSegment: ["l"],
  zoomToSelection: ["z"],
  zoomToFit: ["Shift+z"],
  undo: ["Mod+z"],
  redo: ["Mod+Shift+z", "Ctrl+y"],
  complete: ["Mod+Enter"],
  skip: ["Shift+s"],
  nextPrediction: ["j"],
  acceptPrediction: ["a"],
  rejectPrediction: ["x"],
  help: ["?"],
};

/** The name of each action in a project's `settings.keymap` (what the settings editor writes). */
export const SETTING_NAMES: Record<Action, string> = {
  playPause: "play_pause",
  seekBack: "seek_back",
  seekForward: "seek_forward",
  seekBackLong: "seek_back_long",
  seekForwardLong: "seek_forward_long",
  slower: "speed_down",
  faster: "speed_up",
  newSegment: "new_segment",
  split: "split_segment",
  nextSegment: "next_segment",
  previousSegment: "previous_segment",
  deleteSegment: "delete_segment",
  playSegment: "play_segment",
  loopSegment: "loop_segment",
  zoomToSelection: "zoom_to_segment",
  zoomToFit: "zoom_to_fit",
  undo: "undo",
  redo: "redo",
  complete: "complete",
  skip: "skip",
  nextPrediction: "next_prediction",
  acceptPrediction: "accept_prediction",
  rejectPrediction: "reject_prediction",
  help: "help",
};

const BY_SETTING_NAME = new Map(
  (Object.keys(SETTING_NAMES) as Action[]).map((action) => [SETTING_NAMES[action], action]),
);

/** Actions that still work while typing in a text field. */
export const IN_FIELD_ACTIONS: Action[] = ["complete"];

/**
 * The defaults with a project's `settings.keymap` on top: each action maps to a key string or
 * a list of them ("" or [] turns the action off). Unknown actions and bad entries are ignored.
 */
export function resolveKeymap(settings: unknown): Keymap {
  const keymap: Keymap = { ...DEFAULT_KEYMAP };
  const raw =
    settings && typeof settings === "object"
      ? (settings as { keymap?: unknown }).keymap
      : undefined;
  if (!raw || typeof raw !== "object") return keymap;
  for (const [name, keys] of Object.entries(raw as Record<string, unknown>)) {
    const action = BY_SETTING_NAME.get(name) ?? (name in ACTIONS ? (name as Action) : undefined);
    if (!action) continue;
    const list = typeof keys === "string" ? [keys] : Array.isArray(keys) ? keys : null;
    if (!list) continue;
    keymap[action] = list.filter((k): k is string => typeof k === "string" && k !== "");
  }
  return keymap;
}

interface Combo {
  key: string;
  mod: boolean;
  ctrl: boolean;
  meta: boolean;
  alt: boolean;
  shift: boolean;
}

const ALIASES: Record<string, string> = {
  space: " ",
  spacebar: " ",
  esc: "escape",
  del: "delete",
  left: "arrowleft",
  right: "arrowright",
  up: "arrowup",
  down: "arrowdown",
  return: "enter",
  plus: "+",
};

function normalKey(key: string): string {
  const lower = key.toLowerCase();
  return ALIASES[lower] ?? lower;
}

export function parseCombo(text: string): Combo | null {
  // "+" alone, or ending a combo ("Ctrl++"), is the plus key.
  const parts = text === "+" ? ["+"] : text.endsWith("++") ? [...text.slice(0, -2).split("+"), "+"] : text.split("+");
  const key = parts.pop();
  if (!key) return null;
  const combo: Combo = { key: normalKey(key), mod: false, ctrl: false, meta: false, alt: false, shift: false };
  for (const part of parts) {
    const p = part.toLowerCase();
    if (p === "mod" || p === "cmdorctrl") combo.mod = true;
    else if (p === "ctrl" || p === "control") combo.ctrl = true;
    else if (p === "meta" || p === "cmd" || p === "command") combo.meta = true;
    else if (p === "alt" || p === "option") combo.alt = true;
    else if (p === "shift") combo.shift = true;
    else return null;
  }
  return combo;
}

export interface KeyPress {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
}

/** Keys that are one printed character other than a letter: Shift already shaped them. */
function shapedByShift(key: string): boolean {
  return key.length === 1 && key !== " " && !/[a-z]/.test(key);
}

export function matches(binding: string, e: KeyPress): boolean {
  const combo = parseCombo(binding);
  if (!combo) return false;
  const key = normalKey(e.key);
  if (key !== combo.key) return false;
  if (combo.alt !== e.altKey) return false;
  if (combo.mod) {
    if (!(e.ctrlKey || e.metaKey)) return false;
  } else if (combo.ctrl !== e.ctrlKey || combo.meta !== e.metaKey) return false;
  if (!shapedByShift(key) && combo.shift !== e.shiftKey) return false;
  return true;
}

export function actionFor(keymap: Keymap, e: KeyPress): Action | null {
  for (const action of Object.keys(keymap) as Action[]) {
    if (keymap[action].some((binding) => matches(binding, e))) return action;
  }
  return null;
}

/** A label hotkey: sets (or toggles) a value, or toggles a boolean label. */
export interface LabelHotkey {
  key: string;
  label: Label;
  valueId: number | null;
}

export function labelHotkeys(labels: Label[]): LabelHotkey[] {
  const out: LabelHotkey[] = [];
  for (const label of labels) {
    if (label.kind === "single" || label.kind === "multi") {
      for (const value of label.values) {
        if (value.hotkey) out.push({ key: value.hotkey, label, valueId: value.id });
      }
    }
    if (label.hotkey) out.push({ key: label.hotkey, label, valueId: null });
  }
  return out;
}

export function labelHotkeyFor(hotkeys: LabelHotkey[], e: KeyPress): LabelHotkey | null {
  if (e.ctrlKey || e.metaKey || e.altKey) return null;
  return hotkeys.find((h) => matches(h.key, e)) ?? null;
}

/** How a binding reads on screen: "Mod+Shift+z" → "Ctrl+Shift+Z" (⌘ on a Mac). */
export function describeBinding(binding: string, mac = isMac()): string {
  const combo = parseCombo(binding);
  if (!combo) return binding;
  const names: string[] = [];
  if (combo.mod) names.push(mac ? "⌘" : "Ctrl");
  if (combo.ctrl) names.push("Ctrl");
  if (combo.meta) names.push(mac ? "⌘" : "Meta");
  if (combo.alt) names.push(mac ? "⌥" : "Alt");
  if (combo.shift) names.push("Shift");
  const key = combo.key;
  const pretty: Record<string, string> = {
    " ": "Space",
    arrowleft: "←",
    arrowright: "→",
    arrowup: "↑",
    arrowdown: "↓",
    enter: "Enter",
    escape: "Esc",
    delete: "Delete",
    backspace: "Backspace",
    tab: "Tab",
  };
  names.push(pretty[key] ?? (key.length === 1 ? key.toUpperCase() : key));
  return names.join("+");
}

export function isMac(): boolean {
  return typeof navigator !== "undefined" && /Mac|iPhone|iPad/.test(navigator.platform || "");
}

/** Whether a key press is aimed at a text field (shortcuts stay out of the way there). */
export function isTextField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === "TEXTAREA" || tag === "SELECT") return true;
  if (tag !== "INPUT") return false;
  const type = (target as HTMLInputElement).type;
  return !["checkbox", "radio", "button", "submit", "range", "reset"].includes(type);
}
