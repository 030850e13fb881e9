// What a manager can do to the chosen items at once: set an item label, mark for review.
import { useState } from "react";
import { api, unwrap, type Schemas } from "../api/client";
import { LabelValueOptions } from "./LabelValueOptions";
import { useAction } from "../admin/parts";
import { ErrorMessage } from "../components/ui";

type Label = Schemas["LabelPublic"];
type Member = Schemas["MemberPublic"];

export function SelectionActions(props: {
  projectId: number;
  ids: number[];
  labels: Label[];
  members: Member[];
  me: number | null;
  onDone(message: string): void;
}) {
  const { projectId, ids, labels, members, me, onDone } = props;
  const itemLabels = labels.filter((l) => l.scope === "datapoint" && l.kind !== "text" && l.kind !== "number");
  const [labelId, setLabelId] = useState<string>("");
  const [value, setValue] = useState<string>("");
  const [who, setWho] = useState<string>(me !== null && members.some((m) => m.user_id === me) ? String(me) : "");
  const action = useAction();
  const label = itemLabels.find((l) => String(l.id) === labelId);

  async function setLabel() {
    if (!label || value === "" || !who) return;
    const sent: unknown = label.kind === "boolean" ? value === "true" : Number(value);
    let message = "";
    const ok = await action.run(async () => {
      const out = await unwrap(
        api.POST("/api/projects/{project_id}/selection/label", {
          params: { path: { project_id: projectId } },
          body: { datapoint_ids: ids, label: label.id, value: sent, user: Number(who) },
        }),
      );
      message = out.message;
    });
    if (ok) onDone(message);
  }

  async function markForReview() {
    let message = "";
    const ok = await action.run(async () => {
      const out = await unwrap(
        api.POST("/api/projects/{project_id}/selection/review", {
          params: { path: { project_id: projectId } },
          body: { datapoint_ids: ids, marked: true },
        }),
      );
      message = out.message;
    });
    if (ok) onDone(message);
  }

  return (
    <div className="selection-actions" role="group" aria-label="Change the selected items">
      {itemLabels.length ? (
        <>
          <select aria-label="Label to set" value={labelId} onChange={(e) => { setLabelId(e.target.value); setValue(""); }}>
            <option value="">Set label…</option>
            {itemLabels.map((l) => (
              <option key={l.id} value={l.id}>
                {l.name}
              </option>
            ))}
          </select>
          {label ? (
            <>
              <select aria-label="Value to set" value={value} onChange={(e) => setValue(e.target.value)}>
                <option value="">value…</option>
                <LabelValueOptions label={label} by="id" />
              </select>
              <select aria-label="As whose label" value={who} onChange={(e) => setWho(e.target.value)}>
                <option value="">as…</option>
                {members.map((m) => (
                  <option key={m.user_id} value={m.user_id}>
                    {m.username}
                  </option>
                ))}
              </select>
              <button type="button" disabled={value === "" || !who || action.busy} onClick={setLabel}>
                Set on {ids.length}
              </button>
            </>
          ) : null}
        </>
      ) : null}
      <button type="button" disabled={action.busy} onClick={markForReview}>
        Mark for review
      </button>
      <ErrorMessage>{action.error}</ErrorMessage>
    </div>
  );
}
