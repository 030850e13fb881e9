// The values of a single or multiple choice label: add, edit, delete, reorder.
import { useRef, useState, type FormEvent } from "react";
import { api, unwrap, type Schemas } from "../api/client";
import { ErrorMessage } from "../components/ui";
import { keyClash, type Keymap } from "./keymap";
import { useFormErrors } from "./labelErrors";
import { DeleteButton } from "./DeleteDialog";
import { ColorField, HotkeyBadge, HotkeyField, TextField } from "./labelFields";
import { useAction } from "./parts";
import { move } from "./reorder";
import { useDragSort } from "./useDragSort";
import { useSerialSave } from "./useSerialSave";

type Label = Schemas["LabelPublic"];
type Value = Schemas["ValuePublic"];

export function LabelValues(props: {
  projectId: number;
  label: Label;
  keymap: Keymap;
  onChanged(label: Label): void;
}) {
  const { projectId, label, keymap, onChanged } = props;
  const [editing, setEditing] = useState<number | null>(null);
  const save = useSerialSave();
  const values = label.values;
  const ids = values.map((v) => v.id);
  const base = { project_id: projectId, label_id: label.id };

  function reorder(next: number[], focus?: { id: number; direction: "up" | "down" }) {
    onChanged({ ...label, values: next.map((id) => values.find((v) => v.id === id)!) });
    if (focus) refocus(`value-${focus.id}`, focus.direction);
    save.run(
      () =>
        unwrap(
          api.PUT("/api/projects/{project_id}/labels/{label_id}/values/order", {
            params: { path: base },
            body: { ids: next },
          }),
        ),
      (saved, last) => last && onChanged(saved),
      // The order on screen is not the saved one: show the server's.
      () =>
        void unwrap(
          api.GET("/api/projects/{project_id}/labels/{label_id}", { params: { path: base } }),
        ).then(onChanged, () => undefined),
    );
  }
  const drag = useDragSort(`value-${label.id}`, ids, reorder);
  const replace = (value: Value) =>
    onChanged({ ...label, values: values.map((v) => (v.id === value.id ? value : v)) });

  return (
    <div className="values">
      {values.length === 0 ? (
        <p className="hint">
          No values yet: a {label.kind === "single" ? "single" : "multiple"} choice label needs
          some.
        </p>
      ) : (
        <ol className="value-list" aria-label={`Choices of ${label.name}`}>
          {values.map((v, i) =>
            editing === v.id ? (
              <li key={v.id} className="value-row editing">
                <ValueForm
                  projectId={projectId}
                  label={label}
                  value={v}
                  keymap={keymap}
                  onDone={(saved) => {
                    if (saved) replace(saved as Value);
                    setEditing(null);
                  }}
                />
              </li>
            ) : (
              <li key={v.id} className="value-row" {...drag(v.id)}>
                <span className="grip" aria-hidden="true">
                  ⠿
                </span>
                <span
                  className="swatch"
                  style={{ background: v.color ?? "transparent" }}
                  data-unset={v.color ? undefined : true}
                  aria-hidden="true"
                />
                <span className="value-text">{v.value}</span>
                <HotkeyBadge hotkey={v.hotkey} clash={keyClash(v.hotkey, keymap)} />
                <div className="actions">
                  <button
                    type="button"
                    id={`value-${v.id}-up`}
                    aria-label={`Move “${v.value}” up`}
                    disabled={i === 0}
                    onClick={() => reorder(move(ids, i, i - 1), { id: v.id, direction: "up" })}
                  >
                    ↑
                  </button>
                  <button
                    type="button"
                    id={`value-${v.id}-down`}
                    aria-label={`Move “${v.value}” down`}
                    disabled={i === values.length - 1}
                    onClick={() => reorder(move(ids, i, i + 1), { id: v.id, direction: "down" })}
                  >
                    ↓
                  </button>
                  <button
                    type="button"
                    aria-label={`Edit “${v.value}”`}
                    disabled={editing !== null}
                    onClick={() => setEditing(v.id)}
                  >
                    Edit
                  </button>
                  <DeleteButton
                    projectId={projectId}
                    label={label}
                    value={v}
                    onDeleted={() =>
                      onChanged({ ...label, values: values.filter((x) => x.id !== v.id) })
                    }
                  />
                </div>
              </li>
            ),
          )}
        </ol>
      )}
      <ErrorMessage>{save.error}</ErrorMessage>
      {editing === null ? (
        <ValueForm
          projectId={projectId}
          label={label}
          keymap={keymap}
          onDone={(saved) => saved && onChanged({ ...label, values: [...values, saved as Value] })}
        />
      ) : null}
    </div>
  );
}

/** Moves focus back to the moved item's button (or its twin once it reached an end). */
export function refocus(prefix: string, direction: "up" | "down") {
  requestAnimationFrame(() => {
    const first = document.getElementById(`${prefix}-${direction}`) as HTMLButtonElement | null;
    const other = document.getElementById(`${prefix}-${direction === "up" ? "down" : "up"}`);
    if (first && !first.disabled) first.focus();
    else other?.focus();
  });
}

/** Adds a value (no `value` given) or edits one; the same three fields either way. */
function ValueForm(props: {
  projectId: number;
  label: Label;
  value?: Value;
  keymap: Keymap;
  onDone(saved: Value | null): void;
}) {
  const { projectId, label, value, keymap, onDone } = props;
  const [text, setText] = useState(value?.value ?? "");
  const [color, setColor] = useState<string | null>(value?.color ?? null);
  const [hotkey, setHotkey] = useState(value?.hotkey ?? "");
  const textInput = useRef<HTMLInputElement>(null);
  const action = useAction();
  // The server names a value's text "name" in some messages; it is this form's Value field.
  const { at, general, edited } = useFormErrors(action, { name: "value" });
  const id = value ? `value-${value.id}-edit` : `label-${label.id}-new-value`;

  async function submit(event: FormEvent) {
    event.preventDefault();
    const body = { value: text.trim(), color, hotkey: hotkey || null };
    const base = { project_id: projectId, label_id: label.id };
    let saved: Value | null = null;
    const ok = await action.run(async () => {
      saved = value
        ? await unwrap(
            api.PATCH("/api/projects/{project_id}/labels/{label_id}/values/{value_id}", {
              params: { path: { ...base, value_id: value.id } },
              body,
            }),
          )
        : await unwrap(
            api.POST("/api/projects/{project_id}/labels/{label_id}/values", {
              params: { path: base },
              body,
            }),
          );
    });
    if (!ok) return;
    onDone(saved);
    if (!value) {
      setText("");
      setColor(null);
      setHotkey("");
      textInput.current?.focus();
    }
  }

  return (
    <form
      className={value ? "value-form" : "value-form new"}
      onSubmit={submit}
      aria-label={value ? `Edit “${value.value}”` : `New choice for ${label.name}`}
    >
      <div className="form-row">
        <TextField
          id={`${id}-text`}
          label="Value"
          value={text}
          required
          autoFocus={!!value}
          inputRef={textInput}
          error={at("value")}
          onChange={(v) => {
            setText(v);
            edited("value");
          }}
        />
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
        <button
          type="submit"
          className={value ? "primary" : undefined}
          disabled={action.busy || !text.trim()}
        >
          {value ? "Save" : "Add value"}
        </button>
        {value ? (
          <button type="button" onClick={() => onDone(null)}>
            Cancel
          </button>
        ) : null}
      </div>
      <ErrorMessage>{general}</ErrorMessage>
    </form>
  );
}
