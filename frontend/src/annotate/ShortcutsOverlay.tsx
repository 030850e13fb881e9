// The "?" overlay: every shortcut of this project, the label hotkeys included.
import { Overlay } from "../components/Overlay";
import { ACTIONS, describeBinding, type Action, type Keymap, type LabelHotkey } from "./state/keymap";

/** Arrow keys drawn as small icons: the monospace fonts pages get draw ← → as specks. */
const ARROWS: Record<string, { name: string; rotate: number }> = {
  "←": { name: "Left arrow", rotate: 180 },
  "→": { name: "Right arrow", rotate: 0 },
  "↑": { name: "Up arrow", rotate: 270 },
  "↓": { name: "Down arrow", rotate: 90 },
};

function Arrow({ glyph }: { glyph: string }) {
  const { name, rotate } = ARROWS[glyph];
  return (
    <svg className="key-arrow" viewBox="0 0 16 16" width="1.1em" height="1.1em" role="img" aria-label={name}>
      <path
        d="M2 8h11M9 4l4 4-4 4"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.8"
        strokeLinecap="round"
        strokeLinejoin="round"
        transform={`rotate(${rotate} 8 8)`}
      />
    </svg>
  );
}

/** A key as text, its arrows as icons: "Shift+←" → Shift+[icon]. */
export function KeyCap({ binding }: { binding: string }) {
  const parts = describeBinding(binding).split(/([←→↑↓])/u).filter(Boolean);
  return <kbd>{parts.map((part, i) => (part in ARROWS ? <Arrow key={i} glyph={part} /> : part))}</kbd>;
}

interface Props {
  keymap: Keymap;
  hotkeys: LabelHotkey[];
  onClose(): void;
}

export function ShortcutsOverlay({ keymap, hotkeys, onClose }: Props) {
  const taken = new Map<string, Action>();
  for (const action of Object.keys(keymap) as Action[]) {
    for (const key of keymap[action]) taken.set(key.toLowerCase(), action);
  }
  return (
    <Overlay title="Keyboard shortcuts" closeKeys={["?"]} onClose={onClose}>
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
                  keymap[action].map((k) => <KeyCap key={k} binding={k} />)
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
                  <KeyCap binding={h.key} />
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
    </Overlay>
  );
}
