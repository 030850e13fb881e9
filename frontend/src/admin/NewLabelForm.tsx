// Adding a label to the schema: name, kind, scope, required, colour.
import { useRef, useState, type FormEvent } from "react";
import { api, unwrap, type Schemas } from "../api/client";
import { ErrorMessage } from "../components/ui";
import { useFormErrors } from "./labelErrors";
import {
  ColorField,
  KINDS,
  SCOPES,
  TextField,
  hasValues,
  type LabelKind,
  type LabelScope,
} from "./labelFields";
import { FieldError, useAction } from "./parts";

type Label = Schemas["LabelPublic"];

export function NewLabelForm(props: { projectId: number; onCreated(label: Label): void }) {
  const { projectId, onCreated } = props;
  const [name, setName] = useState("");
  const [kind, setKind] = useState<LabelKind>("single");
  const [scope, setScope] = useState<LabelScope>("segment");
  const [required, setRequired] = useState(false);
  const [color, setColor] = useState<string | null>(null);
  const nameInput = useRef<HTMLInputElement>(null);
  const action = useAction();
  const { at, general, edited } = useFormErrors(action);
  const about = KINDS.find((k) => k.value === kind)?.about;

  async function submit(event: FormEvent) {
    event.preventDefault();
    let created: Label | null = null;
    const ok = await action.run(async () => {
      created = await unwrap(
        api.POST("/api/projects/{project_id}/labels", {
          params: { path: { project_id: projectId } },
          body: { name: name.trim(), kind, scope, required, color },
        }),
      );
    });
    if (ok && created) {
      onCreated(created);
      setName("");
      setRequired(false);
      setColor(null);
      nameInput.current?.focus();
    }
  }

  return (
    <form className="card new-label" onSubmit={submit} aria-label="New label">
      <h2>New label</h2>
      <div className="form-row">
        <TextField
          id="new-label-name"
          label="Label name"
          value={name}
          required
          inputRef={nameInput}
          error={at("name")}
          onChange={(v) => {
            setName(v);
            edited("name");
          }}
        />
        <div className="field">
          <label htmlFor="new-label-kind">Kind</label>
          <select
            id="new-label-kind"
            value={kind}
            aria-describedby="new-label-kind-about"
            onChange={(e) => {
              setKind(e.target.value as LabelKind);
              edited("kind");
            }}
          >
            {KINDS.map((k) => (
              <option key={k.value} value={k.value}>
                {k.label}
              </option>
            ))}
          </select>
          <FieldError id="new-label-kind-error">{at("kind")}</FieldError>
        </div>
        <div className="field">
          <label htmlFor="new-label-scope">Scope</label>
          <select
            id="new-label-scope"
            value={scope}
            onChange={(e) => {
              setScope(e.target.value as LabelScope);
              edited("scope");
            }}
          >
            {SCOPES.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </select>
          <FieldError id="new-label-scope-error">{at("scope")}</FieldError>
        </div>
        <ColorField
          id="new-label-color"
          value={color}
          onChange={(v) => {
            setColor(v);
            edited("color");
          }}
          error={at("color")}
        />
        <label className="inline checkbox">
          <input
            type="checkbox"
            checked={required}
            onChange={(e) => setRequired(e.target.checked)}
          />
          Required
        </label>
        <button type="submit" className="primary" disabled={action.busy || !name.trim()}>
          {action.busy ? "Adding…" : "Add label"}
        </button>
      </div>
      <p className="hint" id="new-label-kind-about">
        {KINDS.find((k) => k.value === kind)?.label}: {about}.
        {hasValues(kind) ? " Add its values once the label exists." : ""} Set a hotkey with Edit
        after adding.
      </p>
      <ErrorMessage>{general}</ErrorMessage>
    </form>
  );
}
