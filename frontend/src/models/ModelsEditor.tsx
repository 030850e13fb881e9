// Project settings: which models pre-annotate every new recording (settings.models.at_ingest),
// each with its own settings, and running one on every item now as a job.
import { useState } from "react";
import { api, errorMessage, unwrap, type Schemas } from "../api/client";
import { ErrorMessage, Notice } from "../components/ui";
import { useLoad } from "../components/useLoad";
import type { Settings } from "../admin/settingsJson";
import "./models.css";

type Model = Schemas["ModelOut"];
type Run = { model: string; settings: Record<string, unknown> };

export function readRuns(settings: Settings | null): Run[] {
  const models = settings?.models as { at_ingest?: unknown } | undefined;
  const runs = models?.at_ingest;
  return Array.isArray(runs) ? (runs.filter((r) => r && typeof r === "object" && "model" in r) as Run[]) : [];
}

export function withRuns(settings: Settings, runs: Run[]): Settings {
  const next: Settings = { ...settings };
  if (runs.length) next.models = { at_ingest: runs };
  else delete next.models;
  return next;
}

function defaults(model: Model): Record<string, unknown> {
  return Object.fromEntries(model.settings.map((s) => [s.name, s.default]));
}

interface Props {
  projectId: number;
  settings: Settings | null;
  onChange(settings: Settings): void;
}

export function ModelsEditor({ projectId, settings, onChange }: Props) {
  const models = useLoad(() => unwrap(api.GET("/api/models")), []);
  const [started, setStarted] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const runs = readRuns(settings);
  if (!settings) return null;
  const current = settings;

  function set(model: Model, on: boolean) {
    const rest = runs.filter((r) => r.model !== model.name);
    onChange(withRuns(current, on ? [...rest, { model: model.name, settings: defaults(model) }] : rest));
  }

  function setValue(model: Model, name: string, value: unknown) {
    onChange(
      withRuns(
        current,
        runs.map((r) => (r.model === model.name ? { ...r, settings: { ...r.settings, [name]: value } } : r)),
      ),
    );
  }

  async function runNow(model: Model) {
    setError(null);
    setStarted(null);
    try {
      const run = runs.find((r) => r.model === model.name);
      const job = await unwrap(
        api.POST("/api/projects/{project_id}/predictions/jobs", {
          params: { path: { project_id: projectId } },
          body: { model: model.name, settings: run?.settings ?? {} },
        }),
      );
      setStarted(`Started ${model.title} on every item (job ${job.id}); follow it in the Jobs tab.`);
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  return (
    <fieldset className="models-editor" aria-label="Models">
      <legend>Models</legend>
      <p className="hint">
        A model pre-annotates recordings: its segments are shown apart from people’s work, and count as nobody’s
        annotation until someone accepts them.
      </p>
      <ErrorMessage>{models.error ?? error}</ErrorMessage>
      {started ? <Notice>{started}</Notice> : null}
      {(models.data ?? []).map((m) => {
        const run = runs.find((r) => r.model === m.name);
        return (
          <div key={m.name} className="model-row" data-testid="model-row">
            <label className="inline">
              <input
                type="checkbox"
                checked={run !== undefined}
                disabled={m.unavailable !== null && run === undefined}
                onChange={(e) => set(m, e.target.checked)}
              />
              Run <strong>{m.title}</strong> on every new recording
            </label>
            <p className="hint">{m.unavailable ?? m.description}</p>
            {run ? (
              <div className="model-settings">
                {m.settings.map((s) => (
                  <SettingField key={s.name} setting={s} value={run.settings[s.name] ?? s.default} onChange={(v) => setValue(m, s.name, v)} />
                ))}
              </div>
            ) : null}
            {m.unavailable === null ? (
              <button type="button" onClick={() => void runNow(m)}>
                Run on every item now
              </button>
            ) : null}
          </div>
        );
      })}
    </fieldset>
  );
}

function SettingField({ setting: s, value, onChange }: { setting: Schemas["SettingOut"]; value: unknown; onChange(v: unknown): void }) {
  if (s.kind === "boolean") {
    return (
      <label className="inline small" title={s.description}>
        <input type="checkbox" checked={Boolean(value)} onChange={(e) => onChange(e.target.checked)} /> {s.title}
      </label>
    );
  }
  if (s.kind === "choice" && s.choices) {
    return (
      <label className="small" title={s.description}>
        {s.title}
        <select value={String(value)} onChange={(e) => onChange(s.choices?.find((c) => String(c) === e.target.value) ?? e.target.value)}>
          {s.choices.map((c) => (
            <option key={String(c)} value={String(c)}>
              {String(c)}
            </option>
          ))}
        </select>
      </label>
    );
  }
  const numeric = s.kind === "number" || s.kind === "integer";
  return (
    <label className="small" title={s.description}>
      {s.title}
      <input
        type={numeric ? "number" : "text"}
        value={value === null || value === undefined ? "" : String(value)}
        min={s.minimum ?? undefined}
        max={s.maximum ?? undefined}
        step={s.kind === "integer" ? 1 : "any"}
        onChange={(e) => onChange(numeric ? (e.target.value === "" ? null : Number(e.target.value)) : e.target.value)}
      />
    </label>
  );
}
