// "New project": pick a template (or a blank project), name it, create it, go to manage it.
import { useState, type FormEvent } from "react";
import { Link, useNavigate } from "react-router-dom";
import { api, errorMessage, unwrap } from "../api/client";
import { ErrorMessage, Loading } from "../components/ui";
import { useLoad } from "../components/useLoad";
import { TemplateCard } from "./TemplateCard";
import "./templates.css";

const BLANK = "";

export function NewProjectForm({ onCancel }: { onCancel(): void }) {
  const navigate = useNavigate();
  const templates = useLoad(() => unwrap(api.GET("/api/templates")), []);
  const [chosen, setChosen] = useState(BLANK);
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [error, setError] = useState<string | null>(null);
  const template = templates.data?.find((t) => t.id === chosen);

  async function submit(event: FormEvent) {
    event.preventDefault();
    try {
      const body = { name, description, template: chosen === BLANK ? null : chosen };
      const project = await unwrap(api.POST("/api/projects", { body }));
      navigate(`/projects/${project.id}/manage`);
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  return (
    <form className="card new-project" onSubmit={submit} aria-label="New project">
      <h2>New project</h2>
      <fieldset className="template-picker">
        <legend>Start from</legend>
        <ErrorMessage>{templates.error}</ErrorMessage>
        {templates.loading && !templates.data ? <Loading what="Loading templates" /> : null}
        <div className="template-grid">
          <article
            className={chosen === BLANK ? "card template selected" : "card template"}
            data-template="blank"
            onClick={() => setChosen(BLANK)}
          >
            <h3>
              <label className="inline">
                <input
                  type="radio"
                  name="template"
                  value="blank"
                  checked={chosen === BLANK}
                  onChange={() => setChosen(BLANK)}
                />{" "}
                Blank project
              </label>
            </h3>
            <p className="muted">No labels or rules yet: set everything up yourself.</p>
          </article>
          {templates.data?.map((t) => (
            <TemplateCard
              key={t.id}
              template={t}
              selected={chosen === t.id}
              onSelect={() => setChosen(t.id)}
            />
          ))}
        </div>
        <p className="muted">
          Everything a template sets can be changed afterwards.{" "}
          <Link to="/templates">Manage templates</Link>
        </p>
      </fieldset>
      <label>
        Name
        <input name="name" autoFocus value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      <label>
        Description
        <textarea
          name="description"
          value={description}
          placeholder={template?.description ?? ""}
          onChange={(e) => setDescription(e.target.value)}
        />
      </label>
      <ErrorMessage>{error}</ErrorMessage>
      <div className="actions">
        <button type="submit" className="primary">
          {template ? `Create from “${template.name}”` : "Create project"}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
