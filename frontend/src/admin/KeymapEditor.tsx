// A friendly editor for settings.keymap: one row per action, typed or recorded from a key press.
import { useState, type KeyboardEvent } from "react";
import {
  KEY_ACTIONS,
  comboFromEvent,
  keysText,
  parseKeys,
  readKeymap,
  withKeys,
  type Keymap,
} from "./keymap";
import type { Settings } from "./settingsJson";

export function KeymapEditor(props: {
  settings: Settings | null;
  problems: Record<string, string>;
  onChange(settings: Settings): void;
}) {
  const { settings, problems, onChange } = props;
  const keymap: Keymap = settings ? readKeymap(settings) : {};
  const [recording, setRecording] = useState<string | null>(null);
  // What is being typed in a box, kept as typed ("Delete, " on the way to a second key).
  const [drafts, setDrafts] = useState<Record<string, string>>({});
  const set = (action: string, keys: readonly string[] | null) =>
    settings && onChange(withKeys(settings, action, keys));
  const unknown = Object.keys(problems).filter((a) => !KEY_ACTIONS.some((k) => k.action === a));

  function record(action: string, event: KeyboardEvent) {
    if (recording !== action) return;
    event.preventDefault();
    event.stopPropagation();
    if (event.key === "Escape") {
      setRecording(null);
      return;
    }
    const combo = comboFromEvent(event);
    if (combo === null || !settings) return;
    onChange(withKeys(settings, action, [combo]));
    setRecording(null);
  }

  return (
    <fieldset className="keymap" disabled={!settings}>
      <legend>Annotation keys</legend>
      <p className="hint">
        Leave a box empty to keep the default shown in grey. Type a combo such as{" "}
        <kbd>Mod+Shift+z</kbd> (Mod is Ctrl, or ⌘ on a Mac; several keys separated by “, ”) or press{" "}
        <em>Record</em> and then the keys.
        {!settings ? " Fix the settings JSON below to edit keys here." : null}
      </p>
      <div className="keymap-grid">
        {KEY_ACTIONS.map(({ action, label, keys: defaults }) => {
          const problem = problems[action];
          const override = keymap[action];
          const off = override !== undefined && override.length === 0;
          const errorId = `key-${action}-error`;
          return (
            <div className={problem ? "keymap-row invalid" : "keymap-row"} key={action}>
              <label htmlFor={`key-${action}`}>
                {label}
                {off ? <span className="pill off">off</span> : null}
              </label>
              <div className="keymap-input">
                <input
                  id={`key-${action}`}
                  value={drafts[action] ?? (override ? keysText(override) : "")}
                  placeholder={off ? "off" : keysText(defaults)}
                  spellCheck={false}
                  autoComplete="off"
                  aria-invalid={problem ? true : undefined}
                  aria-describedby={problem ? errorId : undefined}
                  onChange={(e) => {
                    const keys = parseKeys(e.target.value);
                    setDrafts({ ...drafts, [action]: e.target.value });
                    set(action, keys.length ? keys : null);
                  }}
                  onBlur={() => {
                    const rest = { ...drafts };
                    delete rest[action];
                    setDrafts(rest);
                  }}
                />
                <button
                  type="button"
                  className={recording === action ? "recording" : undefined}
                  aria-label={
                    recording === action
                      ? `Press the new key for ${label}`
                      : `Record key for ${label}`
                  }
                  onClick={() => setRecording(recording === action ? null : action)}
                  onKeyDown={(e) => record(action, e)}
                  onBlur={() => recording === action && setRecording(null)}
                >
                  {recording === action ? "Press keys… (Esc)" : "Record"}
                </button>
                {override !== undefined ? (
                  <button
                    type="button"
                    aria-label={`Use the default key for ${label}`}
                    title={`Back to ${keysText(defaults)}`}
                    onClick={() => set(action, null)}
                  >
                    Default
                  </button>
                ) : null}
                {!off ? (
                  <button
                    type="button"
                    aria-label={`Turn off ${label}`}
                    title="No key for this action"
                    onClick={() => set(action, [])}
                  >
                    Off
                  </button>
                ) : null}
              </div>
              {problem ? (
                <span className="field-error" id={errorId}>
                  {problem}
                </span>
              ) : null}
            </div>
          );
        })}
      </div>
      {unknown.map((action) => (
        <p className="field-error" key={action}>
          {problems[action]}
        </p>
      ))}
    </fieldset>
  );
}
