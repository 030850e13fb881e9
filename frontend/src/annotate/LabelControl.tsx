// One form control per label kind: single and multi choice, text, number, yes/no.
import { useEffect, useState } from "react";
import type { Label, LabelValue } from "./state/segments";

interface Props {
  label: Label;
  value: LabelValue | undefined;
  onChange(value: LabelValue | null): void;
  /** Set when the value is required and missing, to say so next to the control. */
  missing?: boolean;
}

function Name({ label, missing }: { label: Label; missing?: boolean }) {
  return (
    <span className="label-name">
      {label.name}
      {label.required ? (
        <abbr className={missing ? "required missing" : "required"} title="required">
          *
        </abbr>
      ) : null}
      {label.hotkey ? <kbd className="hint">{label.hotkey}</kbd> : null}
    </span>
  );
}

function hint(hotkey: string | null | undefined): string {
  return hotkey ? ` (${hotkey})` : "";
}

export function LabelControl({ label, value, onChange, missing }: Props) {
  const id = `label-${label.id}`;
  switch (label.kind) {
    case "single":
      return (
        <label className="field" htmlFor={id}>
          <Name label={label} missing={missing} />
          <select
            id={id}
            data-label-id={label.id}
            value={typeof value === "number" ? String(value) : ""}
            onChange={(e) => onChange(e.target.value === "" ? null : Number(e.target.value))}
          >
            <option value="">—</option>
            {label.values.map((v) => (
              <option key={v.id} value={v.id}>
                {v.value}
                {hint(v.hotkey)}
              </option>
            ))}
          </select>
        </label>
      );
    case "multi": {
      const chosen = Array.isArray(value) ? value : [];
      return (
        <fieldset className="field choices" aria-label={label.name} data-label-id={label.id}>
          <legend>
            <Name label={label} missing={missing} />
          </legend>
          {label.values.map((v) => (
            <label key={v.id} className="inline chip">
              <input
                type="checkbox"
                checked={chosen.includes(v.id)}
                onChange={(e) =>
                  onChange(
                    e.target.checked ? [...chosen, v.id] : chosen.filter((x) => x !== v.id),
                  )
                }
              />
              {v.color ? <span className="swatch" style={{ background: v.color }} /> : null}
              {v.value}
              {v.hotkey ? <kbd className="hint">{v.hotkey}</kbd> : null}
            </label>
          ))}
        </fieldset>
      );
    }
    case "boolean":
      return (
        <label className="field inline" htmlFor={id}>
          <input
            id={id}
            type="checkbox"
            data-label-id={label.id}
            checked={value === true}
            onChange={(e) => onChange(e.target.checked ? true : null)}
          />
          <Name label={label} missing={missing} />
        </label>
      );
    case "number":
      return <NumberField id={id} label={label} value={value} onChange={onChange} missing={missing} />;
    default:
      return (
        <label className="field" htmlFor={id}>
          <Name label={label} missing={missing} />
          <input
            id={id}
            type="text"
            dir="auto"
            data-label-id={label.id}
            value={typeof value === "string" ? value : ""}
            onChange={(e) => onChange(e.target.value === "" ? null : e.target.value)}
          />
        </label>
      );
  }
}

function NumberField({ id, label, value, onChange, missing }: Props & { id: string }) {
  const shown = typeof value === "number" ? String(value) : "";
  const [draft, setDraft] = useState(shown);
  useEffect(() => setDraft(shown), [shown]);
  return (
    <label className="field" htmlFor={id}>
      <Name label={label} missing={missing} />
      <input
        id={id}
        type="number"
        step="any"
        inputMode="decimal"
        data-label-id={label.id}
        value={draft}
        onChange={(e) => {
          setDraft(e.target.value);
          const n = e.target.valueAsNumber;
          if (e.target.value === "") onChange(null);
          else if (Number.isFinite(n)) onChange(n);
        }}
      />
    </label>
  );
}
