// The "Validation rules" part of the project settings: one small form per rule, edited into
// settings.validation.rules and saved with the rest of the settings.
import { useEffect, useState } from "react";
import { api, unwrap, type Schemas } from "../api/client";
import type { Settings } from "../admin/settingsJson";
import {
  changeKind,
  describeRule,
  fieldText,
  kindOf,
  newRule,
  readRules,
  ruleOfError,
  rulesProblems,
  RULE_KINDS,
  setField,
  severityOf,
  withRules,
  type Field,
  type Rule,
  type Severity,
} from "./validationRules";
import "./quality.css";

interface Props {
  projectId: number;
  settings: Settings | null;
  /** The save's error, when the server refused the rules. */
  serverCode: string | null;
  serverError: string | null;
  onChange(settings: Settings): void;
}

type Label = Schemas["LabelPublic"];

function useSegmentLabels(projectId: number): Label[] {
  const [labels, setLabels] = useState<Label[]>([]);
  useEffect(() => {
    let live = true;
    unwrap(api.GET("/api/projects/{project_id}/labels", { params: { path: { project_id: projectId } } })).then(
      (all) => live && setLabels(all.filter((l) => l.scope === "segment")),
      () => undefined, // label names can still be typed in the JSON
    );
    return () => {
      live = false;
    };
  }, [projectId]);
  return labels;
}

/** One parameter; what is typed stays as typed while the box has the focus. */
function Param(props: { rule: Rule; field: Field; index: number; labels: Label[]; onChange(rule: Rule): void }) {
  const { rule, field, index, labels, onChange } = props;
  const [draft, setDraft] = useState<string | null>(null);
  const id = `rule-${index}-${field.key}`;
  const shown = draft ?? fieldText(rule, field);
  if (field.type === "label") {
    const names = labels.map((l) => l.name);
    if (shown && !names.includes(shown)) names.push(shown);
    return (
      <label className="rule-param" htmlFor={id}>
        <span>{field.label}</span>
        <select id={id} value={shown} onChange={(e) => onChange(setField(rule, field, e.target.value))}>
          <option value="">{field.optional ? "any segments" : "Choose a label…"}</option>
          {names.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      </label>
    );
  }
  const numeric = field.type === "seconds" || field.type === "percent";
  const chosen = typeof rule.label === "string" ? labels.find((l) => l.name === rule.label) : undefined;
  const hint =
    field.key === "values" && chosen?.values.length ? `Values: ${chosen.values.map((v) => v.value).join(", ")}` : field.hint;
  return (
    <label className={field.type === "text" || field.type === "list" ? "rule-param wide" : "rule-param"} htmlFor={id}>
      <span>{field.label}</span>
      <span className="rule-input">
        <input
          id={id}
          inputMode={numeric ? "decimal" : undefined}
          className={numeric ? "num" : undefined}
          spellCheck={false}
          value={shown}
          onChange={(e) => {
            setDraft(e.target.value);
            onChange(setField(rule, field, e.target.value));
          }}
          onBlur={() => setDraft(null)}
        />
        {field.type === "seconds" ? " s" : field.type === "percent" ? " %" : null}
      </span>
      {hint ? <span className="hint">{hint}</span> : null}
    </label>
  );
}

export function ValidationRulesEditor({ projectId, settings, serverCode, serverError, onChange }: Props) {
  const rules = readRules(settings);
  const labels = useSegmentLabels(projectId);
  const [adding, setAdding] = useState(RULE_KINDS[0].kind);
  const problems = rulesProblems(rules);
  const refused = ruleOfError(serverCode, serverError);

  const write = (next: Rule[]) => settings && onChange(withRules(settings, next));
  const put = (i: number, rule: Rule) => write(rules.map((r, j) => (j === i ? rule : r)));

  return (
    <fieldset className="validation-rules" disabled={!settings} aria-label="Validation rules">
      <legend>Validation rules</legend>
      <p className="hint">
        Checked in the editor after every save and again on Complete. Errors block Complete; warnings are shown
        but allowed.
      </p>
      {rules.length === 0 ? <p className="muted small">No rules: any work can be completed.</p> : null}
      <ol className="rule-list">
        {rules.map((rule, i) => {
          const kind = kindOf(rule);
          const error = refused === i ? serverError : problems.get(i) ?? null;
          return (
            <li key={i} className="rule" data-testid="validation-rule" aria-invalid={error ? true : undefined}>
              <div className="rule-row">
                <label className="rule-param">
                  <span>Rule {i + 1}</span>
                  <select
                    aria-label={`Kind of rule ${i + 1}`}
                    value={kind?.kind ?? String(rule.kind)}
                    onChange={(e) => put(i, changeKind(rule, e.target.value))}
                  >
                    {kind ? null : <option value={String(rule.kind)}>{String(rule.kind)}</option>}
                    {RULE_KINDS.map((k) => (
                      <option key={k.kind} value={k.kind}>
                        {k.title}
                      </option>
                    ))}
                  </select>
                </label>
                {kind?.fields.map((f) => (
                  <Param
                    key={`${kind.kind}:${f.key}`}
                    rule={rule}
                    field={f}
                    index={i}
                    labels={labels}
                    onChange={(r) => put(i, r)}
                  />
                ))}
                <label className="rule-param">
                  <span>If broken</span>
                  <select
                    aria-label={`Severity of rule ${i + 1}`}
                    value={severityOf(rule)}
                    onChange={(e) => put(i, { ...rule, severity: e.target.value as Severity })}
                  >
                    <option value="error">Error: blocks Complete</option>
                    <option value="warning">Warning only</option>
                  </select>
                </label>
                <button
                  type="button"
                  className="link danger-link rule-remove"
                  aria-label={`Remove rule ${i + 1}`}
                  onClick={() => write(rules.filter((_, j) => j !== i))}
                >
                  Remove
                </button>
              </div>
              <div className="rule-summary muted small">{describeRule(rule)}</div>
              <span className="field-error" aria-live="polite">
                {error}
              </span>
            </li>
          );
        })}
      </ol>
      {refused === "all" ? <p className="field-error">{serverError}</p> : null}
      <div className="actions">
        <select aria-label="Kind of the new rule" value={adding} onChange={(e) => setAdding(e.target.value)}>
          {RULE_KINDS.map((k) => (
            <option key={k.kind} value={k.kind}>
              {k.title}
            </option>
          ))}
        </select>
        <button type="button" onClick={() => write([...rules, newRule(adding)])}>
          Add rule
        </button>
      </div>
    </fieldset>
  );
}
