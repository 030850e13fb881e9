// Inputs shared by the label and value forms: colour (or none), hotkey, and the kind names.
import type { Ref } from "react";
import type { Schemas } from "../api/client";
import { FieldError } from "./parts";

export type LabelKind = Schemas["LabelPublic"]["kind"];
export type LabelScope = Schemas["LabelPublic"]["scope"];

export const KINDS: { value: LabelKind; label: string; about: string }[] = [
  { value: "single", label: "Single choice", about: "pick one value from a list" },
  { value: "multi", label: "Multiple choice", about: "pick any number of values from a list" },
  { value: "text", label: "Text", about: "free text, such as a transcript or a note" },
  { value: "number", label: "Number", about: "a number, such as a rating" },
  { value: "boolean", label: "Yes / no", about: "a checkbox" },
];

export const SCOPES: { value: LabelScope; label: string }[] = [
  { value: "segment", label: "Each segment" },
  { value: "datapoint", label: "Whole recording" },
];

export const kindLabel = (kind: string) => KINDS.find((k) => k.value === kind)?.label ?? kind;
export const scopeLabel = (scope: string) => SCOPES.find((s) => s.value === scope)?.label ?? scope;
export const hasValues = (kind: string) => kind === "single" || kind === "multi";

/** A colour that may be unset: the picker plus a button to clear it. */
export function ColorField(props: {
  id: string;
  value: string | null;
  onChange(value: string | null): void;
  error?: string | null;
}) {
  const { id, value, onChange, error } = props;
  const errorId = `${id}-error`;
  return (
    <div className="field">
      <label htmlFor={id}>Colour</label>
      <div className="color-field">
        <input
          id={id}
          type="color"
          value={value ?? "#9aa4b2"}
          data-unset={value ? undefined : true}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? errorId : undefined}
          onChange={(e) => onChange(e.target.value)}
        />
        {value ? (
          // Says what it does: a caption "No colour" beside a coloured swatch read as a state.
          <button
            type="button"
            className="link"
            aria-label="Remove the colour"
            onClick={() => onChange(null)}
          >
            Remove
          </button>
        ) : (
          <span className="muted">No colour</span>
        )}
      </div>
      <FieldError id={errorId}>{error}</FieldError>
    </div>
  );
}

/** What a clashing hotkey does to the editor's key, said as the user types it. */
export function clashText(hotkey: string, action: string): string {
  return `“${hotkey}” is already the editor’s key for “${action}”: this hotkey would take it over. Pick another key.`;
}

/** A saved hotkey; flagged when it shadows an editor key. */
export function HotkeyBadge({ hotkey, clash }: { hotkey: string | null; clash: string | null }) {
  if (!hotkey) return null;
  if (!clash) return <kbd title="Hotkey">{hotkey}</kbd>;
  return (
    <span className="hotkey-clash" title={clashText(hotkey, clash)}>
      <kbd>{hotkey}</kbd>
      <span className="field-warning">⚠ also the editor’s key for {clash}</span>
    </span>
  );
}

/** A one-key shortcut; warns as you type when it would shadow an editor key. */
export function HotkeyField(props: {
  id: string;
  value: string;
  onChange(value: string): void;
  error?: string | null;
  clash: string | null;
}) {
  const { id, value, onChange, error, clash } = props;
  const errorId = `${id}-error`;
  const warnId = `${id}-warn`;
  const described = [error ? errorId : null, clash ? warnId : null].filter(Boolean).join(" ");
  return (
    <div className="field hotkey-field">
      <label htmlFor={id}>Hotkey</label>
      <input
        id={id}
        value={value}
        maxLength={32}
        spellCheck={false}
        autoComplete="off"
        placeholder="e.g. 1"
        aria-invalid={error ? true : undefined}
        aria-describedby={described || undefined}
        onChange={(e) => onChange(e.target.value)}
      />
      <FieldError id={errorId}>{error}</FieldError>
      <span className="field-warning" id={warnId} role="status">
        {clash && !error ? `⚠ ${clashText(value, clash)}` : null}
      </span>
    </div>
  );
}

/** An input with its label and the server's message for it. */
export function TextField(props: {
  id: string;
  label: string;
  value: string;
  onChange(value: string): void;
  error?: string | null;
  required?: boolean;
  autoFocus?: boolean;
  inputRef?: Ref<HTMLInputElement>;
}) {
  const { id, label, value, onChange, error, required, autoFocus, inputRef } = props;
  const errorId = `${id}-error`;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        ref={inputRef}
        value={value}
        required={required}
        maxLength={200}
        autoFocus={autoFocus}
        autoComplete="off"
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? errorId : undefined}
        onChange={(e) => onChange(e.target.value)}
      />
      <FieldError id={errorId}>{error}</FieldError>
    </div>
  );
}
