// One label of the schema: its summary, move and delete, an edit form, and its values.
import { useState, type FormEvent } from "react";
import { api, unwrap, type Schemas } from "../api/client";
import { ErrorMessage } from "../components/ui";
import { keyClash, type Keymap } from "./keymap";
import { useFormErrors } from "./labelErrors";
import {
  ColorField,
  HotkeyBadge,
  HotkeyField,
  SCOPES,
  TextField,
  hasValues,
  kindLabel,
  scopeLabel,
} from "./labelFields";
import { LabelValues } from "./LabelValues";
import { DeleteButton } from "./DeleteDialog";
import { FieldError, useAction } from "./parts";
import type { DragProps } from "./useDragSort";

type Label = Schemas["LabelPublic"];

export function LabelCard(props: {
  projectId: number;
  label: Label;
  index: number;
  count: number;
  keymap: Keymap;
  drag: DragProps;
  onMove(to: number, direction: "up" | "down"): void;
  onChanged(label: Label): void;
  onDeleted(): void;
}) {
  const { projectId, label, index, count, keymap, drag, onMove, onChanged, onDeleted } = props;
  const [editing, setEditing] = useState(false);
  const headingId = `label-${label.id}-name`;

  return (
    <li className="label-card" data-label={label.name}>
      <section aria-labelledby={headingId}>
        <div className="label-head" {...drag} draggable={drag.draggable && !editing}>
          <span className="grip" aria-hidden="true" title="Drag to reorder">
            ⠿
          </span>
          <span
            className="swatch"
            style={{ background: label.color ?? "transparent" }}
            data-unset={label.color ? undefined : true}
            aria-hidden="true"
          />
          <h3 id={headingId}>{label.name}</h3>
          <span className="pill">{kindLabel(label.kind)}</span>
          <span className="pill">{scopeLabel(label.scope)}</span>
          {label.required ? <span className="pill warn">Required</span> : null}
          <HotkeyBadge hotkey={label.hotkey} clash={keyClash(label.hotkey, keymap)} />
          <div className="actions">
            <button
              type="button"
              id={`label-${label.id}-up`}
              aria-label={`Move ${label.name} up`}
              disabled={index === 0}
              onClick={() => onMove(index - 1, "up")}
            >
              ↑
            </button>
            <button
              type="button"
              id={`label-${label.id}-down`}
              aria-label={`Move ${label.name} down`}
              disabled={index === count - 1}
              onClick={() => onMove(index + 1, "down")}
            >
              ↓
            </button>
            <button
              type="button"
              aria-expanded={editing}
              aria-label={`Edit ${label.name}`}
              onClick={() => setEditing(!editing)}
            >
              {editing ? "Close" : "Edit"}
            </button>
            <DeleteButton projectId={projectId} label={label} onDeleted={onDeleted} />
          </div>
        </div>
        {editing ? (
          <EditLabel
            projectId={projectId}
            label={label}
            keymap={keymap}
            onSaved={(next) => {
              onChanged(next);
              setEditing(false);
            }}
            onCancel={() => setEditing(false)}
          />
        ) : hasValues(label.kind) ? (
          <LabelValues projectId={projectId} label={label} keymap={keymap} onChanged={onChanged} />
        ) : null}
      </section>
    </li>
  );
}

function EditLabel(props: {
  projectId: number;
  label: Label;
  keymap: Keymap;
  onSaved(label: Label): void;
  onCancel(): void;
}) {
  const { projectId, label, keymap, onSaved, onCancel } = props;
  const [name, setName] = useState(label.name);
  const [scope, setScope] = useState(label.scope);
  const [required, setRequired] = useState(label.required);
  const [color, setColor] = useState<string | null>(label.color);
  const [hotkey, setHotkey] = useState(label.hotkey ?? "");
  const action = useAction();
  const { at, general, edited } = useFormErrors(action);
  const id = `label-${label.id}-edit`;

  async function save(event: FormEvent) {
    event.preventDefault();
    let saved: Label | null = null;
    const ok = await action.run(async () => {
      saved = await unwrap(
        api.PATCH("/api/projects/{project_id}/labels/{label_id}", {
          params: { path: { project_id: projectId, label_id: label.id } },
          body: { name: name.trim(), scope, required, color, hotkey: hotkey || null },
        }),
      );
    });
    if (ok && saved) onSaved(saved);
  }

  return (
    <form className="label-edit" onSubmit={save} aria-label={`Edit ${label.name}`}>
      <div className="form-row">
        <TextField
          id={`${id}-name`}
          label="Name"
          value={name}
          required
          autoFocus
          error={at("name")}
          onChange={(v) => {
            setName(v);
            edited("name");
          }}
        />
        <div className="field">
          <label htmlFor={`${id}-scope`}>Scope</label>
          <select
            id={`${id}-scope`}
            value={scope}
            onChange={(e) => {
              setScope(e.target.value as Label["scope"]);
              edited("scope");
            }}
          >
            {SCOPES.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </select>
          <FieldError id={`${id}-scope-error`}>{at("scope")}</FieldError>
        </div>
        <ColorField
          id={`${id}-color`}
          value={color}
          onChange={(v) => {
            setColor(v);
            edited("color");
          }}
          error={at("color")}
        />
        <HotkeyField
          id={`${id}-hotkey`}
          value={hotkey}
          onChange={(v) => {
            setHotkey(v);
            edited("hotkey");
          }}
          error={at("hotkey")}
          clash={keyClash(hotkey, keymap)}
        />
        <label className="inline checkbox">
          <input
            type="checkbox"
            checked={required}
            onChange={(e) => setRequired(e.target.checked)}
          />
          Required
        </label>
      </div>
      <p className="hint">
        The kind ({kindLabel(label.kind)}) is fixed once a label exists; make a new label to change
        it.
      </p>
      <ErrorMessage>{general}</ErrorMessage>
      <div className="actions">
        <button type="submit" className="primary" disabled={action.busy || !name.trim()}>
          {action.busy ? "Saving…" : "Save label"}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
