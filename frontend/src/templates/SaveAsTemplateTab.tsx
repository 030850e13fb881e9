// Manage → Template: save this project's labels, settings, rules and guidelines as a template.
import { useState, type FormEvent } from "react";
import { Link } from "react-router-dom";
import { api, unwrap, type Schemas } from "../api/client";
import { ErrorMessage, Notice } from "../components/ui";
import { useLoad } from "../components/useLoad";
import { useAction } from "../admin/parts";
import "./templates.css";

type Project = Schemas["ProjectPublic"];

export function SaveAsTemplateTab({ project }: { project: Project }) {
  const formats = useLoad(() => unwrap(api.GET("/api/formats")), []);
  const [name, setName] = useState(`${project.name} template`);
  const [summary, setSummary] = useState(project.description.slice(0, 500));
  const [exports, setExports] = useState<string[]>([]);
  const [saved, setSaved] = useState<string | null>(null);
  const action = useAction();

  function toggle(format: string, on: boolean) {
    setExports((list) => (on ? [...list, format] : list.filter((f) => f !== format)));
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSaved(null);
    await action.run(async () => {
      const t = await unwrap(
        api.POST("/api/projects/{project_id}/template", {
          params: { path: { project_id: project.id } },
          body: { name, summary, exports },
        }),
      );
      setSaved(t.name);
    });
  }

  return (
    <form className="card narrow save-template" onSubmit={submit} aria-label="Save as template">
      <h2>Save as template</h2>
      <p className="muted">
        Keeps this project’s labels (with their colours and hotkeys), settings, validation
        rules and guidelines, so that new projects can start from them. Its audio,
        annotations and members are not copied. Templates are shared: everyone signed in
        to this server can see them.
      </p>
      <label>
        Template name
        <input name="template-name" value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      <label>
        What it is for
        <input name="summary" value={summary} onChange={(e) => setSummary(e.target.value)} />
      </label>
      <fieldset className="card">
        <legend>Suggested exports</legend>
        <div className="template-chips">
          {formats.data?.map((f) => (
            <label key={f.name} className="inline template-chip" title={f.description}>
              <input
                type="checkbox"
                checked={exports.includes(f.name)}
                onChange={(e) => toggle(f.name, e.target.checked)}
              />
              {f.name}
            </label>
          ))}
        </div>
      </fieldset>
      <ErrorMessage>{action.error}</ErrorMessage>
      {saved ? (
        <Notice>
          Saved the template “{saved}”. <Link to="/templates">See all templates</Link>
        </Notice>
      ) : null}
      <div className="actions">
        <button type="submit" className="primary" disabled={action.busy}>
          Save as template
        </button>
        <Link className="button" to="/templates">
          All templates
        </Link>
      </div>
    </form>
  );
}
