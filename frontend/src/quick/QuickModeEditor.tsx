// Project settings: the quick mode annotators get (settings.quick), and the label it sets.
import { api, unwrap } from "../api/client";
import { useLoad } from "../components/useLoad";
import type { Settings } from "../admin/settingsJson";
import { MODES, choiceOf, needsLabel, quickProblem, readQuick, withQuick } from "./quickSettings";

interface Props {
  projectId: number;
  settings: Settings | null;
  onChange(settings: Settings): void;
}

export function QuickModeEditor({ projectId, settings, onChange }: Props) {
  const labels = useLoad(
    () => unwrap(api.GET("/api/projects/{project_id}/labels", { params: { path: { project_id: projectId } } })),
    [projectId],
  );
  const quick = readQuick(settings);
  const about = choiceOf(quick);
  const usable = (labels.data ?? []).filter(
    (l) => l.scope === "datapoint" && (l.kind === "single" || (l.kind === "multi" && quick?.mode === "choice")),
  );
  const problem = quickProblem(quick);
  return (
    <fieldset className="sessions quick-editor" disabled={!settings} aria-label="Quick mode">
      <legend>Quick mode</legend>
      <div className="sessions-grid">
        <label className="sessions-field">
          <span>Annotators work in</span>
          <select
            aria-label="Annotators work in"
            value={about?.key ?? ""}
            onChange={(e) => {
              if (!settings) return;
              const chosen = MODES.find((m) => m.key === e.target.value);
              if (!chosen) {
                onChange(withQuick(settings, null));
                return;
              }
              const next = { mode: chosen.mode, over: chosen.over };
              onChange(withQuick(settings, { ...next, label: needsLabel(next) ? quick?.label : undefined }));
            }}
          >
            <option value="">The full editor (no quick mode)</option>
            {MODES.map((m) => (
              <option key={m.key} value={m.key}>
                {m.name}
              </option>
            ))}
          </select>
          <span className="hint">{about?.hint ?? "Segments, all labels, the waveform."}</span>
        </label>
        {quick && needsLabel(quick) ? (
          <label className="sessions-field">
            <span>Item label it sets</span>
            <select
              aria-label="Quick mode label"
              value={quick.label ?? ""}
              onChange={(e) => settings && onChange(withQuick(settings, { mode: quick.mode, label: e.target.value || undefined }))}
            >
              <option value="">Choose a label…</option>
              {quick.label && !usable.some((l) => l.name === quick.label) ? (
                <option value={quick.label}>{quick.label} (not usable)</option>
              ) : null}
              {usable.map((l) => (
                <option key={l.id} value={l.name}>
                  {l.name}
                </option>
              ))}
            </select>
          </label>
        ) : null}
      </div>
      {problem ? <p className="field-error">{problem}</p> : null}
    </fieldset>
  );
}
