// Project settings: name, description, the settings JSON with its keymap, sessions and validation
// rules, and deleting the project.
import { useMemo, useState, type FormEvent } from "react";
import { useNavigate } from "react-router-dom";
import { api, unwrap, type Schemas } from "../api/client";
import { ErrorMessage, Notice } from "../components/ui";
import { KEY_ACTIONS, keymapProblems, readKeymap } from "./keymap";
import { KeymapEditor } from "./KeymapEditor";
import { useAction } from "./parts";
import { SessionsEditor } from "./SessionsEditor";
import { sessionsErrorField, sessionsProblems, readSessions } from "./sessions";
import { parseSettings, printSettings, type Settings } from "./settingsJson";
import { readRules, ruleOfError, rulesProblems } from "../quality/validationRules";
import { ValidationRulesEditor } from "../quality/ValidationRulesEditor";
import { ModelsEditor } from "../models/ModelsEditor";
import { queueProblem, readQueue } from "../rounds/queueSettings";
import { QueueEditor } from "../rounds/QueueEditor";
import { RoundPanel } from "../rounds/RoundPanel";
import { GuidelinesEditor } from "../guidelines/GuidelinesEditor";
import { QuickModeEditor } from "../quick/QuickModeEditor";
import { quickProblem, readQuick } from "../quick/quickSettings";

type Project = Schemas["ProjectPublic"];

export function SettingsTab({ project, onSaved }: { project: Project; onSaved(p: Project): void }) {
  const [name, setName] = useState(project.name);
  const [description, setDescription] = useState(project.description);
  const [text, setText] = useState(() => printSettings(project.settings));
  const [saved, setSaved] = useState(false);
  const action = useAction();
  const parsed = useMemo(() => parseSettings(text), [text]);
  const settings = parsed.ok ? parsed.value : null;
  const problems = useMemo(
    () => (settings ? keymapProblems(readKeymap(settings)) : {}),
    [settings],
  );
  const sessions = readSessions(settings);
  const badSessions = sessions.mode !== "off" && Object.keys(sessionsProblems(sessions)).length > 0;
  const badRules = rulesProblems(readRules(settings)).size > 0;
  const badQueue = queueProblem(readQueue(settings)) !== null;
  const badQuick = quickProblem(readQuick(settings)) !== null;
  const blocking =
    Object.keys(problems).some((a) => KEY_ACTIONS.some((k) => k.action === a)) ||
    badSessions ||
    badRules ||
    badQueue ||
    badQuick;
  // A refused sessions option or rule is shown next to its field, not under the form.
  const sessionsError = sessionsErrorField(action.code, action.error) !== null;
  const rulesError = ruleOfError(action.code, action.error) !== null;
  const dirty =
    name !== project.name ||
    description !== project.description ||
    settings === null ||
    JSON.stringify(settings) !== JSON.stringify(project.settings);

  function edit<T>(set: (v: T) => void) {
    return (value: T) => {
      set(value);
      setSaved(false);
    };
  }
  const changeSettings = edit((s: Settings) => setText(printSettings(s)));

  async function save(event: FormEvent) {
    event.preventDefault();
    if (!settings) return;
    await action.run(async () => {
      const updated = await unwrap(
        api.PATCH("/api/projects/{project_id}", {
          params: { path: { project_id: project.id } },
          body: { name: name.trim(), description, settings },
        }),
      );
      onSaved(updated);
      setText(printSettings(updated.settings));
      setSaved(true);
    });
  }

  return (
    <>
      <form className="card" onSubmit={save} aria-label="Project settings">
        <h2>Project</h2>
        <label>
          Name
          <input
            value={name}
            required
            maxLength={200}
            onChange={(e) => edit(setName)(e.target.value)}
          />
        </label>
        <label>
          Description
          <textarea
            value={description}
            maxLength={10000}
            onChange={(e) => edit(setDescription)(e.target.value)}
          />
        </label>
        <GuidelinesEditor settings={settings} onChange={changeSettings} />
        <SessionsEditor
          projectId={project.id}
          settings={settings}
          saved={project.settings}
          serverCode={action.code}
          serverError={action.error}
          onChange={changeSettings}
        />
        <KeymapEditor settings={settings} problems={problems} onChange={changeSettings} />
        <ValidationRulesEditor
          projectId={project.id}
          settings={settings}
          serverCode={action.code}
          serverError={action.error}
          onChange={changeSettings}
        />
        <ModelsEditor projectId={project.id} settings={settings} onChange={changeSettings} />
        <QueueEditor settings={settings} onChange={changeSettings} />
        <QuickModeEditor projectId={project.id} settings={settings} onChange={changeSettings} />
        <label>
          Settings (JSON)
          <textarea
            className="json"
            rows={Math.min(20, Math.max(4, text.split("\n").length + 1))}
            spellCheck={false}
            value={text}
            aria-invalid={parsed.ok ? undefined : true}
            aria-describedby="settings-json-error"
            onChange={(e) => edit(setText)(e.target.value)}
          />
          <span className="field-error" id="settings-json-error" aria-live="polite">
            {parsed.ok ? null : parsed.error}
          </span>
        </label>
        <ErrorMessage>
          {sessionsError
            ? "The sessions option was refused: see above."
            : rulesError
              ? "The validation rules were refused: see above."
              : action.error}
        </ErrorMessage>
        {saved && !dirty ? <Notice>Saved.</Notice> : null}
        <div className="actions">
          <button
            type="submit"
            className="primary"
            disabled={action.busy || !dirty || !parsed.ok || blocking || !name.trim()}
          >
            {action.busy ? "Saving…" : "Save changes"}
          </button>
          {dirty ? (
            <button
              type="button"
              onClick={() => {
                setName(project.name);
                setDescription(project.description);
                setText(printSettings(project.settings));
              }}
            >
              Discard changes
            </button>
          ) : null}
          {blocking ? (
            <span className="field-error">Fix the fields marked above to save.</span>
          ) : null}
        </div>
      </form>
      <RoundPanel key={JSON.stringify(project.settings.queue ?? null)} projectId={project.id} />
      <DeleteProject project={project} />
    </>
  );
}

function DeleteProject({ project }: { project: Project }) {
  const navigate = useNavigate();
  const [typed, setTyped] = useState("");
  const action = useAction();
  const total = project.counts.total ?? 0;

  async function remove(event: FormEvent) {
    event.preventDefault();
    const ok = await action.run(() =>
      unwrap(
        api.DELETE("/api/projects/{project_id}", { params: { path: { project_id: project.id } } }),
      ),
    );
    if (ok) navigate("/", { replace: true });
  }

  return (
    <form className="card danger-zone" onSubmit={remove} aria-label="Delete project">
      <h2>Delete project</h2>
      <p>
        This deletes the project with its {total} datapoint{total === 1 ? "" : "s"}, their audio,
        all segments, labels and keys. It cannot be undone; export first if you need the data.
      </p>
      <label>
        <span>
          Type <strong>{project.name}</strong> to confirm
        </span>
        <input value={typed} autoComplete="off" onChange={(e) => setTyped(e.target.value)} />
      </label>
      <ErrorMessage>{action.error}</ErrorMessage>
      <div className="actions">
        <button type="submit" className="danger" disabled={typed !== project.name || action.busy}>
          {action.busy ? "Deleting…" : "Delete this project"}
        </button>
      </div>
    </form>
  );
}
