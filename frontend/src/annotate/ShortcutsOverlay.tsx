// The "?" overlay: every shortcut of this project, the label hotkeys included.
import { useEffect, useRef } from "react";
import { ACTIONS, describeBinding, type Action, type Keymap, type LabelHotkey } from "./keymap";

interface Props {
  keymap: Keymap;
  hotkeys: LabelHotkey[];
  onClose(): void;
}

export function ShortcutsOverlay({ keymap, hotkeys, onClose }: Props) {
  const closeButton = useRef<HTMLButtonElement>(null);
  useEffect(() => closeButton.current?.focus(), []);
  const taken = new Map<string, Action>();
  for (const action of Object.keys(keymap) as Action[]) {
    for (const key of keymap[action]) taken.set(key.toLowerCase(), action);
  }
  return (
    <div className="overlay" role="presentation" onClick={onClose}>
      <div
        className="overlay-box"
        role="dialog"
        aria-modal="true"
        aria-label="Keyboard shortcuts"
        onClick={(e) => e.stopPropagation()}
        onKeyDown={(e) => {
          if (e.key === "Escape" || e.key === "?") {
            e.stopPropagation();
            onClose();
          }
        }}
      >
        <div className="overlay-head">
          <h2>Keyboard shortcuts</h2>
          <button ref={closeButton} type="button" onClick={onClose} aria-label="Close">
            ✕
          </button>
        </div>
        <p className="muted small">
          Shortcuts are off while typing in a field; <kbd>Esc</kbd> leaves the field.
        </p>
        <table className="shortcuts">
          <tbody>
            {(Object.keys(ACTIONS) as Action[]).map((action) => (
              <tr key={action}>
                <td>{ACTIONS[action]}</td>
                <td>
                  {keymap[action].length ? (
                    keymap[action].map((k) => <kbd key={k}>{describeBinding(k)}</kbd>)
                  ) : (
                    <span className="muted">off</span>
                  )}
                </td>
              </tr>
            ))}
            {hotkeys.map((h) => {
              const value = h.valueId === null ? null : h.label.values.find((v) => v.id === h.valueId);
              const clash = taken.get(h.key.toLowerCase());
              return (
                <tr key={`${h.label.id}:${h.valueId}`}>
                  <td>
                    {h.label.name}: {value ? value.value : h.label.kind === "boolean" ? "yes / no" : "(focus)"}
                    {clash ? <span className="muted small"> — replaces “{ACTIONS[clash]}”</span> : null}
                  </td>
                  <td>
                    <kbd>{describeBinding(h.key)}</kbd>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        <p className="muted small">
          Also: click the waveform to seek, drag on it to draw a segment, drag a segment or its
          edges to change it, double-click a segment to play it, Ctrl/⌘ + wheel to zoom.
        </p>
      </div>
    </div>
  );
}
