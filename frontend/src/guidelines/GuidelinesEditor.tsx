// The guidelines field of the project settings: Markdown with a preview as annotators see it.
import { useMemo, useState } from "react";
import { MAX_GUIDELINES, readGuidelines, renderGuidelines } from "./guidelines";

type Settings = Record<string, unknown>;

export function GuidelinesEditor({ settings, onChange }: { settings: Settings | null; onChange(s: Settings): void }) {
  const text = readGuidelines(settings);
  const [preview, setPreview] = useState(false);
  const html = useMemo(() => (preview ? renderGuidelines(text) : ""), [preview, text]);
  if (!settings) return null;
  function change(value: string) {
    const next: Settings = { ...settings };
    if (value) next.guidelines = value;
    else delete next.guidelines;
    onChange(next);
  }
  return (
    <fieldset className="guidelines-editor">
      <legend>Guidelines</legend>
      <p className="muted small">
        Instructions for annotators, in Markdown: shown in the editor when someone first opens the project (and
        again after you change them), and at any time from its Guidelines button.
      </p>
      <div className="actions">
        <button type="button" aria-pressed={!preview} onClick={() => setPreview(false)}>
          Write
        </button>
        <button type="button" aria-pressed={preview} onClick={() => setPreview(true)} disabled={!text.trim()}>
          Preview
        </button>
        <span className="muted small">
          {text.length.toLocaleString()} / {MAX_GUIDELINES.toLocaleString()} characters
        </span>
      </div>
      {preview ? (
        <div className="guidelines-text card" data-testid="guidelines-preview" dangerouslySetInnerHTML={{ __html: html }} />
      ) : (
        <textarea
          aria-label="Guidelines (Markdown)"
          rows={8}
          maxLength={MAX_GUIDELINES}
          value={text}
          placeholder={"## What to mark\n\n- every stretch of speech, also short ones\n- not: coughs, music"}
          onChange={(e) => change(e.target.value)}
        />
      )}
    </fieldset>
  );
}
