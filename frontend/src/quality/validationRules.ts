// settings.validation.rules as the Settings tab edits them: one small form per rule kind,
// read from and written back to the JSON the server checks (audino/quality/validation.py).
import type { Settings } from "../admin/settingsJson";

export type Rule = Record<string, unknown>;
export type Severity = "error" | "warning";

/** How a parameter is typed in: seconds, a percentage (stored as a fraction), text, a list. */
export type FieldType = "seconds" | "percent" | "text" | "list" | "label";

export interface Field {
  key: string;
  label: string;
  type: FieldType;
  optional?: boolean;
  hint?: string;
}

export interface RuleKind {
  kind: string;
  title: string;
  fields: Field[];
  /** The parameters a new rule of this kind starts with. */
  defaults: Rule;
}

const seconds = (label: string): Field => ({ key: "seconds", label, type: "seconds" });
const label = (text: string, optional = false): Field => ({ key: "label", label: text, type: "label", optional });

export const RULE_KINDS: RuleKind[] = [
  { kind: "min_length", title: "Shortest segment", fields: [seconds("At least")], defaults: { seconds: 0.3 } },
  { kind: "max_length", title: "Longest segment", fields: [seconds("At most")], defaults: { seconds: 30 } },
  { kind: "max_gap", title: "Longest gap between segments", fields: [seconds("At most")], defaults: { seconds: 5 } },
  {
    kind: "no_overlap",
    title: "No overlapping segments",
    fields: [label("Only with the same value of", true)],
    defaults: {},
  },
  {
    kind: "min_coverage",
    title: "Coverage of the recording",
    fields: [{ key: "fraction", label: "At least", type: "percent" }],
    defaults: { fraction: 0.5 },
  },
  { kind: "transcript_required", title: "Every segment has a transcript", fields: [], defaults: {} },
  {
    kind: "transcript_pattern",
    title: "Transcripts follow a pattern",
    fields: [
      {
        key: "pattern",
        label: "Regular expression",
        type: "text",
        hint: "The whole transcript must match it (Python regex syntax).",
      },
    ],
    defaults: { pattern: "" },
  },
  {
    kind: "alphabet",
    title: "Allowed characters",
    fields: [{ key: "characters", label: "Characters", type: "text", hint: "Besides spaces and <tags>." }],
    defaults: { characters: "abcdefghijklmnopqrstuvwxyz'" },
  },
  { kind: "no_double_spaces", title: "No double spaces", fields: [], defaults: {} },
  {
    kind: "tags",
    title: "Tags like <laughs>",
    fields: [{ key: "allowed", label: "Tags allowed", type: "list", hint: "Comma-separated, without < >." }],
    defaults: { allowed: ["laughs", "noise"] },
  },
  {
    kind: "allowed_values",
    title: "Allowed values of a label",
    fields: [label("Label"), { key: "values", label: "Values allowed", type: "list", hint: "Comma-separated." }],
    defaults: { label: "", values: [] },
  },
  { kind: "required_value", title: "Every segment has a label", fields: [label("Label")], defaults: { label: "" } },
];

const KINDS = new Map(RULE_KINDS.map((k) => [k.kind, k]));

export function kindOf(rule: Rule): RuleKind | null {
  return typeof rule.kind === "string" ? KINDS.get(rule.kind) ?? null : null;
}

export function severityOf(rule: Rule): Severity {
  return rule.severity === "warning" ? "warning" : "error";
}

/** The rules as saved; anything that is not a list of objects reads as none. */
export function readRules(settings: Settings | null): Rule[] {
  const section = settings?.validation;
  if (!section || typeof section !== "object" || Array.isArray(section)) return [];
  const rules = (section as Record<string, unknown>).rules;
  if (!Array.isArray(rules)) return [];
  return rules.filter((r): r is Rule => r !== null && typeof r === "object" && !Array.isArray(r));
}

/** The settings with these rules; no rules and nothing else there: no validation section. */
export function withRules(settings: Settings, rules: Rule[]): Settings {
  const section = settings.validation;
  const rest = section && typeof section === "object" && !Array.isArray(section) ? { ...(section as Settings) } : {};
  delete rest.rules;
  if (rules.length === 0 && Object.keys(rest).length === 0) {
    const out = { ...settings };
    delete out.validation;
    return out;
  }
  return { ...settings, validation: { ...rest, rules } };
}

export function newRule(kind: string, severity: Severity = "error"): Rule {
  const k = KINDS.get(kind);
  return { kind, ...(k ? structuredClone(k.defaults) : {}), severity };
}

/** Another kind: its own parameters, the same severity. */
export function changeKind(rule: Rule, kind: string): Rule {
  return newRule(kind, severityOf(rule));
}

/** The value of a parameter as the form shows it. */
export function fieldText(rule: Rule, field: Field): string {
  const value = rule[field.key];
  if (value === undefined || value === null) return "";
  if (field.type === "percent" && typeof value === "number") return String(Math.round(value * 10000) / 100);
  if (field.type === "list" && Array.isArray(value)) return value.join(", ");
  return String(value);
}

/**
 * The rule with a parameter set from what was typed: numbers as numbers (a percentage as a
 * fraction), lists split at commas, an optional field left empty removed. Text that is not a
 * number is kept as typed, so the check below can say so.
 */
export function setField(rule: Rule, field: Field, text: string): Rule {
  const out = { ...rule };
  const trimmed = text.trim();
  if (field.optional && trimmed === "") {
    delete out[field.key];
    return out;
  }
  if (field.type === "seconds" || field.type === "percent") {
    const n = trimmed === "" ? NaN : Number(trimmed);
    out[field.key] = Number.isFinite(n) ? (field.type === "percent" ? Math.round(n * 100) / 10000 : n) : text;
  } else if (field.type === "list") {
    out[field.key] = text
      .split(",")
      .map((v) => v.trim())
      .filter((v) => v !== "");
  } else {
    out[field.key] = field.type === "label" ? trimmed : text;
  }
  return out;
}

/** What is wrong with each rule (by index), in the server's words where it can be told here. */
export function rulesProblems(rules: Rule[]): Map<number, string> {
  const out = new Map<number, string>();
  rules.forEach((rule, i) => {
    const kind = kindOf(rule);
    if (!kind) {
      out.set(i, `Unknown kind ${JSON.stringify(rule.kind)}: edit it in the JSON below, or remove it.`);
      return;
    }
    for (const field of kind.fields) {
      const value = rule[field.key];
      if (field.optional && value === undefined) continue;
      if (field.type === "seconds" && !(typeof value === "number" && value >= 0)) {
        out.set(i, `${field.label}: a number of seconds, 0 or more.`);
      } else if (field.type === "percent" && !(typeof value === "number" && value >= 0 && value <= 1)) {
        out.set(i, `${field.label}: a percentage from 0 to 100.`);
      } else if ((field.type === "text" || field.type === "label") && !(typeof value === "string" && value)) {
        out.set(i, `${field.label}: required.`);
      } else if (field.type === "list" && !Array.isArray(value)) {
        out.set(i, `${field.label}: a comma-separated list.`);
      }
      if (out.has(i)) return;
    }
  });
  return out;
}

/** The rule a refused save is about: "validation rule 3: …" is the third (index 2). */
export function ruleOfError(code: string | null, message: string | null): number | "all" | null {
  if (code !== "bad_validation" || !message) return null;
  const named = /^validation rule (\d+)\b/.exec(message);
  return named ? Number(named[1]) - 1 : "all";
}

/** One line saying what the rule asks, e.g. "Segments at least 0.3 s long". */
export function describeRule(rule: Rule): string {
  const p = (key: string) => rule[key];
  const list = (key: string) => (Array.isArray(p(key)) ? (p(key) as unknown[]).join(", ") : "");
  switch (rule.kind) {
    case "min_length":
      return `Segments at least ${p("seconds")} s long`;
    case "max_length":
      return `Segments at most ${p("seconds")} s long`;
    case "max_gap":
      return `Gaps between segments at most ${p("seconds")} s`;
    case "no_overlap":
      return p("label") ? `No overlap between segments with the same ${p("label")}` : "No overlapping segments";
    case "min_coverage":
      return `Segments cover at least ${typeof p("fraction") === "number" ? Math.round((p("fraction") as number) * 100) : "?"}% of the recording`;
    case "transcript_required":
      return "Every segment has a transcript";
    case "transcript_pattern":
      return `Transcripts match ${String(p("pattern"))}`;
    case "alphabet":
      return `Transcripts use only ${String(p("characters"))}`;
    case "no_double_spaces":
      return "No double spaces, nor spaces at either end";
    case "tags":
      return list("allowed") ? `Only the tags ${list("allowed")}` : "No <tags>";
    case "allowed_values":
      return `${String(p("label"))} is one of ${list("values") || "(none)"}`;
    case "required_value":
      return `Every segment has a ${String(p("label"))}`;
    default:
      return `Unknown rule ${JSON.stringify(rule.kind)}`;
  }
}
