// Routes key presses to actions and label hotkeys; text fields keep their keys.
import { useEffect, useLayoutEffect, useRef } from "react";
import {
  actionFor,
  IN_FIELD_ACTIONS,
  isTextField,
  labelHotkeyFor,
  type Action,
  type Keymap,
  type LabelHotkey,
} from "./state/keymap";

export interface ShortcutHandlers {
  actions: Record<Action, () => void>;
  /** Returns whether the hotkey did something (then the key is consumed). */
  onLabelHotkey(hotkey: LabelHotkey): boolean;
  onEscape(): void;
}

export function useShortcuts(
  keymap: Keymap,
  hotkeys: LabelHotkey[],
  handlers: ShortcutHandlers,
  paused: boolean,
): void {
  const latest = useRef({ keymap, hotkeys, handlers, paused });
  // In the commit itself: a key pressed just after a click (a new selection) must meet the
  // new handlers, not wait for the passive effects after the paint.
  useLayoutEffect(() => {
    latest.current = { keymap, hotkeys, handlers, paused };
  });

  useEffect(() => {
    function onKeyDown(e: KeyboardEvent) {
      const { keymap, hotkeys, handlers, paused } = latest.current;
      if (e.defaultPrevented || e.isComposing || paused) return;
      if (isTextField(e.target)) {
        if (e.key === "Escape") {
          (e.target as HTMLElement).blur();
          e.preventDefault();
          return;
        }
        const action = actionFor(keymap, e);
        if (action && IN_FIELD_ACTIONS.includes(action)) {
          e.preventDefault();
          handlers.actions[action]();
        }
        return;
      }
      const hotkey = labelHotkeyFor(hotkeys, e);
      if (hotkey && handlers.onLabelHotkey(hotkey)) {
        e.preventDefault();
        return;
      }
      const action = actionFor(keymap, e);
      if (action) {
        e.preventDefault();
        handlers.actions[action]();
      } else if (e.key === "Escape") {
        handlers.onEscape();
      }
    }
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, []);
}
