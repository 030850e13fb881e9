// Deleting a label or one of its values: first how many annotations use it, then what happens
// to them — moved to another value of the label, or cleared — so no annotation keeps an id
// that no longer exists. The server does the rewrite and the delete in one transaction.
import { useEffect, useRef, useState } from "react";
import { api, errorMessage, unwrap, type Schemas } from "../api/client";
import { ErrorMessage, Loading } from "../components/ui";
import { inUse, usageText, valueUsage, type LabelUsage } from "./labelUsage";
import { useAction } from "./parts";

type Label = Schemas["LabelPublic"];
type Value = Schemas["ValuePublic"];

export function DeleteButton(props: {
  projectId: number;
  label: Label;
  /** The value to delete; without it the whole label goes. */
  value?: Value;
  onDeleted(): void;
}) {
  const { projectId, label, value, onDeleted } = props;
  const [open, setOpen] = useState(false);
  const name = value ? `“${value.value}”` : label.name;
  return (
    <>
      <button
        type="button"
        className="danger"
        aria-label={`Delete ${name}`}
        aria-haspopup="dialog"
        onClick={() => setOpen(true)}
      >
        Delete
      </button>
      {open ? (
        <DeleteDialog
          projectId={projectId}
          label={label}
          value={value}
          onClose={() => setOpen(false)}
          onDeleted={() => {
            setOpen(false);
            onDeleted();
          }}
        />
      ) : null}
    </>
  );
}

function DeleteDialog(props: {
  projectId: number;
  label: Label;
  value?: Value;
  onClose(): void;
  onDeleted(): void;
}) {
  const { projectId, label, value, onClose, onDeleted } = props;
  const box = useRef<HTMLDialogElement>(null);
  const [usage, setUsage] = useState<LabelUsage | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const others = value ? label.values.filter((v) => v.id !== value.id) : [];
  const [choice, setChoice] = useState<"move" | "clear">(others.length ? "move" : "clear");
  const [target, setTarget] = useState<number | null>(others[0]?.id ?? null);
  const action = useAction();
  const labelId = label.id;
  const path = { project_id: projectId, label_id: labelId };
  const what = value ? `“${value.value}”` : `“${label.name}”`;
  const titleId = `delete-${label.id}-${value?.id ?? "label"}-title`;

  useEffect(() => {
    const dialog = box.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);

  useEffect(() => {
    let live = true;
    const where = { params: { path: { project_id: projectId, label_id: labelId } } };
    unwrap(api.GET("/api/projects/{project_id}/labels/{label_id}/usage", where)).then(
      (found) => live && setUsage(found),
      (err: unknown) => live && setLoadError(errorMessage(err)),
    );
    return () => {
      live = false;
    };
  }, [projectId, labelId]);

  const counts = usage ? (value ? valueUsage(usage, value.id) : usage) : null;
  const used = counts ? inUse(counts) : false;
  const targetName = others.find((v) => v.id === target)?.value;

  async function remove() {
    const ok = await action.run(async () => {
      const in_use = used ? (value ? choice : "clear") : "refuse";
      const move_to = used && value && choice === "move" && target !== null ? target : undefined;
      if (value) {
        await unwrap(
          api.DELETE("/api/projects/{project_id}/labels/{label_id}/values/{value_id}", {
            params: { path: { ...path, value_id: value.id }, query: { in_use, move_to } },
          }),
        );
      } else {
        await unwrap(
          api.DELETE("/api/projects/{project_id}/labels/{label_id}", {
            params: { path, query: { in_use } },
          }),
        );
      }
    });
    if (ok) onDeleted();
  }

  const confirm = !used
    ? value
      ? "Delete value"
      : "Delete label"
    : value && choice === "move"
      ? `Move to “${targetName ?? "…"}” and delete`
      : "Clear and delete";

  return (
    <dialog
      ref={box}
      className="delete-dialog"
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        if (!action.busy) onClose();
      }}
    >
      <h2 id={titleId}>Delete {what}?</h2>
      {loadError ? <ErrorMessage>{loadError}</ErrorMessage> : null}
      {!counts && !loadError ? <Loading what={`Checking where ${what} is used`} /> : null}
      {counts && !used ? (
        <p>No annotation uses {what}; deleting it changes no one’s work.</p>
      ) : null}
      {counts && used ? (
        <>
          <p className="usage" role="status">
            {what} is used by <strong>{usageText(counts)}</strong>.
          </p>
          {value ? (
            <fieldset className="in-use-choice">
              <legend>What should happen to them?</legend>
              <label className="inline">
                <input
                  type="radio"
                  name={`${titleId}-choice`}
                  checked={choice === "move"}
                  disabled={others.length === 0}
                  onChange={() => setChoice("move")}
                />
                Move them to
              </label>{" "}
              <select
                aria-label="Move them to"
                value={target ?? ""}
                disabled={others.length === 0}
                onChange={(e) => {
                  setTarget(Number(e.target.value));
                  setChoice("move");
                }}
              >
                {others.map((v) => (
                  <option key={v.id} value={v.id}>
                    {v.value}
                  </option>
                ))}
              </select>
              {others.length === 0 ? (
                <p className="hint">{label.name} has no other value to move them to.</p>
              ) : null}
              <label className="inline">
                <input
                  type="radio"
                  name={`${titleId}-choice`}
                  checked={choice === "clear"}
                  onChange={() => setChoice("clear")}
                />
                Clear {what} from them
                {label.required ? " (the label is required: done items need a value)" : ""}
              </label>
            </fieldset>
          ) : (
            <p>
              Deleting the label clears it from all of them. This cannot be undone; export the
              project first to keep a copy.
            </p>
          )}
        </>
      ) : null}
      <ErrorMessage>{action.error}</ErrorMessage>
      <div className="actions">
        <button
          type="button"
          className="danger"
          disabled={!counts || action.busy || (used && !!value && choice === "move" && !targetName)}
          onClick={() => void remove()}
        >
          {action.busy ? "Deleting…" : confirm}
        </button>
        <button type="button" disabled={action.busy} onClick={onClose} autoFocus>
          Cancel
        </button>
      </div>
    </dialog>
  );
}
