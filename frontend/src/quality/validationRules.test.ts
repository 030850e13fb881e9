import { describe, expect, it } from "vitest";
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
  withRules,
  type Rule,
} from "./validationRules";

const field = (kind: string, key: string) => {
  const f = RULE_KINDS.find((k) => k.kind === kind)?.fields.find((x) => x.key === key);
  if (!f) throw new Error(`${kind}.${key}`);
  return f;
};

describe("reading and writing settings.validation.rules", () => {
  it("reads the rules, and nothing from what is not a list of objects", () => {
    const rules = [{ kind: "min_length", seconds: 0.3 }];
    expect(readRules({ validation: { rules } })).toEqual(rules);
    expect(readRules({})).toEqual([]);
    expect(readRules(null)).toEqual([]);
    expect(readRules({ validation: { rules: "x" } })).toEqual([]);
    expect(readRules({ validation: { rules: [1, null, { kind: "tags", allowed: [] }] } })).toEqual([
      { kind: "tags", allowed: [] },
    ]);
  });

  it("writes the rules back, keeping the rest of the settings", () => {
    const settings = { keymap: { play: "Space" } };
    const out = withRules(settings, [newRule("min_length")]);
    expect(out).toEqual({
      keymap: { play: "Space" },
      validation: { rules: [{ kind: "min_length", seconds: 0.3, severity: "error" }] },
    });
    expect(withRules(out, [])).toEqual({ keymap: { play: "Space" } });
    expect(withRules({ validation: { other: 1 } }, [])).toEqual({ validation: { other: 1, rules: [] } });
  });

  it("round-trips every kind's new rule through its form fields", () => {
    for (const kind of RULE_KINDS) {
      let rule = newRule(kind.kind, "warning");
      for (const f of kind.fields) rule = setField(rule, f, fieldText(rule, f));
      expect(rule).toEqual(newRule(kind.kind, "warning"));
      expect(kindOf(rule)).toBe(kind);
    }
  });
});

describe("form fields", () => {
  it("types seconds as numbers and keeps what is not one, to be flagged", () => {
    const f = field("min_length", "seconds");
    const rule = setField(newRule("min_length"), f, "0.5");
    expect(rule.seconds).toBe(0.5);
    const bad = setField(rule, f, "long");
    expect(bad.seconds).toBe("long");
    expect(rulesProblems([bad]).get(0)).toBe("At least: a number of seconds, 0 or more.");
    expect(rulesProblems([setField(rule, f, "")]).get(0)).toMatch(/number of seconds/);
  });

  it("shows a coverage fraction as a percentage", () => {
    const f = field("min_coverage", "fraction");
    const rule = setField(newRule("min_coverage"), f, "80");
    expect(rule.fraction).toBe(0.8);
    expect(fieldText(rule, f)).toBe("80");
    expect(fieldText({ kind: "min_coverage", fraction: 1 / 3 }, f)).toBe("33.33");
    expect(rulesProblems([setField(rule, f, "120")]).get(0)).toBe("At least: a percentage from 0 to 100.");
  });

  it("splits lists at commas", () => {
    const f = field("tags", "allowed");
    const rule = setField(newRule("tags"), f, " laughs,noise , ,cough");
    expect(rule.allowed).toEqual(["laughs", "noise", "cough"]);
    expect(fieldText(rule, f)).toBe("laughs, noise, cough");
  });

  it("drops an optional label left empty", () => {
    const f = field("no_overlap", "label");
    const rule = setField(newRule("no_overlap"), f, "speaker");
    expect(rule).toEqual({ kind: "no_overlap", label: "speaker", severity: "error" });
    expect(setField(rule, f, "")).toEqual({ kind: "no_overlap", severity: "error" });
    expect(rulesProblems([newRule("no_overlap")]).size).toBe(0);
  });

  it("needs a label where one is named", () => {
    expect(rulesProblems([newRule("required_value")]).get(0)).toBe("Label: required.");
    expect(rulesProblems([{ kind: "required_value", label: "emotion" }]).size).toBe(0);
  });

  it("changes kind with fresh parameters and the same severity", () => {
    const rule: Rule = { kind: "min_length", seconds: 2, severity: "warning" };
    expect(changeKind(rule, "max_gap")).toEqual({ kind: "max_gap", seconds: 5, severity: "warning" });
  });

  it("flags a kind the form does not know", () => {
    expect(rulesProblems([{ kind: "mystery" }]).get(0)).toMatch(/^Unknown kind "mystery"/);
  });
});

describe("server errors and summaries", () => {
  it("finds the rule a refused save names", () => {
    expect(ruleOfError("bad_validation", "validation rule 2: seconds must be a number of 0 or more.")).toBe(1);
    expect(ruleOfError("bad_validation", "validation rules must be a list.")).toBe("all");
    expect(ruleOfError("bad_sessions", "validation rule 2: x")).toBeNull();
    expect(ruleOfError(null, null)).toBeNull();
  });

  it("says in a line what each rule asks", () => {
    expect(describeRule({ kind: "min_length", seconds: 0.3 })).toBe("Segments at least 0.3 s long");
    expect(describeRule({ kind: "min_coverage", fraction: 0.8 })).toBe("Segments cover at least 80% of the recording");
    expect(describeRule({ kind: "tags", allowed: [] })).toBe("No <tags>");
    expect(describeRule({ kind: "allowed_values", label: "emotion", values: ["calm", "sad"] })).toBe(
      "emotion is one of calm, sad",
    );
  });
});
