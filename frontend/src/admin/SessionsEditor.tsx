// The "Sessions" part of the project settings: long recordings presented as consecutive windows,
// edited into settings.sessions (saved with the form), and splitting the recordings already there.
import { useState } from "react";
import { api, unwrap } from "../api/client";
import { ErrorMessage, Notice } from "../components/ui";
import { useAction } from "./parts";
import {
  MAX_LENGTH,
  MIN_LENGTH,
  MODES,
  readSessions,
  sessionsErrorField,
  sessionsProblems,
  splitSummary,
  withSessions,
  type Sessions,
  type SessionsField,
  type SessionsMode,
} from "./sessions";
import type { Settings } from "./settingsJson";

export function SessionsEditor(props: {
  projectId: number;
  settings: Settings | null;
  /** The option as saved on the server (what "Split now" uses). */
  saved: Settings;
  /** The save's error, when the server refused the sessions option. */
  serverCode: string | null;
  serverError: string | null;
  onChange(settings: Settings): void;
}) {
  const { projectId, settings, saved, onChange } = props;
  const sessions = readSessions(settings);
  const savedSessions = readSessions(saved);
  // What is being typed in a number box, kept as typed until it is a number.
  const [drafts, setDrafts] = useState<Partial<Record<SessionsField, string>>>({});
  const [result, setResult] = useState<string | null>(null);
  const split = useAction();
  const problems = sessionsProblems(sessions);
  const serverField = sessionsErrorField(props.serverCode, props.serverError);
  const off = sessions.mode === "off";
  const unsaved = JSON.stringify(sessions) !== JSON.stringify(savedSessions);

  const set = (next: Sessions) => settings && onChange(withSessions(settings, next));

  function errorFor(field: SessionsField): string | null {
    if (serverField === field) return props.serverError;
    return off ? null : problems[field] ?? null;
  }

  function secondsField(field: "length" | "longer_than", label: string, hint: string) {
    const error = errorFor(field);
    const id = `sessions-${field}`;
    return (
      <label className="sessions-field">
        <span>{label}</span>
        <span className="sessions-input">
          <input
            type="number"
            inputMode="decimal"
            min={field === "length" ? MIN_LENGTH : sessions.length}
            max={field === "length" ? MAX_LENGTH : undefined}
            step="any"
            value={drafts[field] ?? String(sessions[field])}
            disabled={off}
            aria-invalid={error ? true : undefined}
            aria-describedby={`${id}-error`}
            onChange={(e) => {
              const text = e.target.value;
              setDrafts({ ...drafts, [field]: text });
              const n = Number(text);
              if (text.trim() !== "" && Number.isFinite(n)) set({ ...sessions, [field]: n });
            }}
            onBlur={() => {
              const rest = { ...drafts };
              delete rest[field];
              setDrafts(rest);
            }}
          />{" "}
          s
        </span>
        <span className="hint">{hint}</span>
        <span className="field-error" id={`${id}-error`} aria-live="polite">
          {error}
        </span>
      </label>
    );
  }

  async function splitNow() {
    setResult(null);
    await split.run(async () => {
      const out = await unwrap(
        api.POST("/api/projects/{project_id}/windows", { params: { path: { project_id: projectId } } }),
      );
      setResult(splitSummary(out));
    });
  }

  return (
    <fieldset className="sessions" disabled={!settings} aria-label="Sessions">
      <legend>Sessions</legend>
      <p className="hint">
        Present long recordings as consecutive windows that annotators take one by one. Windows point
        into the recording (no copies); segments are kept in the recording&rsquo;s time.
      </p>
      <div className="sessions-grid">
        <label className="sessions-field">
          <span>Long recordings</span>
          <select
            value={sessions.mode}
            aria-invalid={serverField === "mode" ? true : undefined}
            onChange={(e) => set({ ...sessions, mode: e.target.value as SessionsMode })}
          >
            {MODES.map((m) => (
              <option key={m.mode} value={m.mode}>
                {m.label}
              </option>
            ))}
          </select>
          <span className="hint">
            {sessions.mode === "silence"
              ? "Cut at the quietest moment near the length (between half and one and a half times it)."
              : sessions.mode === "fixed"
                ? "Windows of exactly this length (the last one may be shorter)."
                : "Each recording is annotated whole."}
          </span>
          <span className="field-error" aria-live="polite">
            {serverField === "mode" ? props.serverError : null}
          </span>
        </label>
        {secondsField("length", "Window length", `${MIN_LENGTH}–${MAX_LENGTH} seconds.`)}
        {secondsField("longer_than", "Only recordings longer than", "Shorter recordings stay whole.")}
      </div>
      {serverField === "all" ? <p className="field-error">{props.serverError}</p> : null}
      <div className="actions">
        <button
          type="button"
          onClick={splitNow}
          disabled={split.busy || savedSessions.mode === "off" || unsaved}
          title="Split the recordings already uploaded that are long enough and have no segments yet"
        >
          {split.busy ? "Splitting…" : "Split existing recordings now"}
        </button>
        {unsaved ? <span className="hint">Save the changes first.</span> : null}
        {!unsaved && savedSessions.mode !== "off" ? (
          <span className="hint">
            New recordings longer than {savedSessions.longer_than} s are split when their processing finishes.
          </span>
        ) : null}
      </div>
      <ErrorMessage>{split.error}</ErrorMessage>
      {result ? <Notice>{result}</Notice> : null}
    </fieldset>
  );
}
