// Project settings: the order each annotator's queue serves items in (settings.queue).
import { useId } from "react";
import { api, unwrap } from "../api/client";
import { useLoad } from "../components/useLoad";
import type { Settings } from "../admin/settingsJson";
import { queueProblem, readQueue, withQueue, type QueueOrder } from "./queueSettings";

const ORDERS: { order: QueueOrder; label: string; hint: string }[] = [
  { order: "id", label: "By upload (id)", hint: "Items in progress first, then the rest in the order they were added." },
  {
    order: "uncertainty",
    label: "Least confident first",
    hint: "Items whose weakest model prediction has the lowest confidence first; items without predictions last.",
  },
  {
    order: "disagreement",
    label: "Most disagreement first",
    hint: "Items where two models mark speech most differently (1 − frame IoU) first.",
  },
];

interface Props {
  settings: Settings | null;
  onChange(settings: Settings): void;
}

export function QueueEditor({ settings, onChange }: Props) {
  const models = useLoad(() => unwrap(api.GET("/api/models")), []);
  const list = useId();
  const queue = readQueue(settings);
  const problem = queueProblem(queue);
  const about = ORDERS.find((o) => o.order === queue.order);
  const set = (models: string[]) => settings && onChange(withQueue(settings, { ...queue, models }));
  const modelInput = (index: number, label: string, placeholder: string) => (
    <label className="sessions-field">
      <span>{label}</span>
      <input
        list={list}
        value={queue.models[index] ?? ""}
        placeholder={placeholder}
        spellCheck={false}
        maxLength={200}
        onChange={(e) => {
          const next = [...queue.models];
          next[index] = e.target.value.trim();
          set(next.filter((m, i) => m !== "" || i < index));
        }}
      />
    </label>
  );
  return (
    <fieldset className="sessions queue-editor" disabled={!settings} aria-label="Queue order">
      <legend>Queue order</legend>
      <div className="sessions-grid">
        <label className="sessions-field">
          <span>Serve items</span>
          <select
            aria-label="Queue order"
            value={queue.order}
            onChange={(e) =>
              settings && onChange(withQueue(settings, { order: e.target.value as QueueOrder, models: [] }))
            }
          >
            {ORDERS.map((o) => (
              <option key={o.order} value={o.order}>
                {o.label}
              </option>
            ))}
          </select>
          <span className="hint">{about?.hint}</span>
        </label>
        {queue.order === "uncertainty" ? modelInput(0, "Only predictions of", "any model") : null}
        {queue.order === "disagreement" ? (
          <>
            {modelInput(0, "First model", "model name")}
            {modelInput(1, "Second model", "model name")}
          </>
        ) : null}
      </div>
      <datalist id={list}>
        {(models.data ?? []).map((m) => (
          <option key={m.name} value={m.name}>
            {m.title}
          </option>
        ))}
      </datalist>
      {problem ? <p className="field-error">{problem}</p> : null}
    </fieldset>
  );
}
