// The label schema editor: add labels, edit them and their values, reorder by drag or buttons.
import { useEffect, useState } from "react";
import { api, errorMessage, unwrap, type Schemas } from "../api/client";
import { ErrorMessage, Loading } from "../components/ui";
import { LabelCard } from "./LabelCard";
import { refocus } from "./LabelValues";
import { NewLabelForm } from "./NewLabelForm";
import type { Keymap } from "./keymap";
import { move } from "./reorder";
import { useDragSort } from "./useDragSort";
import { useSerialSave } from "./useSerialSave";

type Label = Schemas["LabelPublic"];

export function LabelsTab({ projectId, keymap }: { projectId: number; keymap: Keymap }) {
  const [list, setList] = useState<Label[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [announce, setAnnounce] = useState("");

  const [tick, setTick] = useState(0);
  const save = useSerialSave();

  useEffect(() => {
    let live = true;
    const path = { params: { path: { project_id: projectId } } };
    unwrap(api.GET("/api/projects/{project_id}/labels", path)).then(
      (labels) => live && setList(labels),
      (err: unknown) => live && setLoadError(errorMessage(err)),
    );
    return () => {
      live = false;
    };
  }, [projectId, tick]);

  const update = (fn: (labels: Label[]) => Label[]) => setList((prev) => (prev ? fn(prev) : prev));
  const labels = list ?? [];
  const ids = labels.map((l) => l.id);

  function reorder(next: number[], moved?: { id: number; direction: "up" | "down" }) {
    const byId = new Map(labels.map((l) => [l.id, l]));
    setList(next.map((id) => byId.get(id)!));
    if (moved) {
      refocus(`label-${moved.id}`, moved.direction);
      const name = byId.get(moved.id)?.name;
      setAnnounce(`${name} moved to position ${next.indexOf(moved.id) + 1} of ${next.length}.`);
    }
    save.run(
      () =>
        unwrap(
          api.PUT("/api/projects/{project_id}/labels/order", {
            params: { path: { project_id: projectId } },
            body: { ids: next },
          }),
        ),
      (saved, last) => {
        if (!last) return;
        // Keep any edits made meanwhile; only the order comes from the answer.
        const rank = new Map(saved.map((l, i) => [l.id, i]));
        update((now) => [...now].sort((a, b) => (rank.get(a.id) ?? 0) - (rank.get(b.id) ?? 0)));
      },
      () => setTick((t) => t + 1),
    );
  }
  const drag = useDragSort("label", ids, reorder);

  return (
    <>
      <NewLabelForm projectId={projectId} onCreated={(label) => update((now) => [...now, label])} />
      <ErrorMessage>{loadError ?? save.error}</ErrorMessage>
      <p className="visually-hidden" aria-live="polite">
        {announce}
      </p>
      {list === null && !loadError ? <Loading what="Loading labels" /> : null}
      {list && list.length === 0 ? (
        <div className="card empty">
          No labels yet. Add what annotators should mark: a speaker (single choice), a transcript
          (text), noise flags (multiple choice)…
        </div>
      ) : null}
      {labels.length > 1 ? (
        <p className="hint">
          Drag labels and values by their handle ⠿, or use the ↑ ↓ buttons, to set the order
          annotators see.
        </p>
      ) : null}
      <ol className="label-list">
        {labels.map((label, i) => (
          <LabelCard
            key={label.id}
            projectId={projectId}
            label={label}
            index={i}
            count={labels.length}
            keymap={keymap}
            drag={drag(label.id)}
            onMove={(to, direction) => reorder(move(ids, i, to), { id: label.id, direction })}
            onChanged={(next) => update((now) => now.map((l) => (l.id === next.id ? next : l)))}
            onDeleted={() => update((now) => now.filter((l) => l.id !== label.id))}
          />
        ))}
      </ol>
    </>
  );
}
