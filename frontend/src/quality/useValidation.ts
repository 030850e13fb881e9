// The project's validation rules on the work on screen, as the server finds them: read on
// opening and after every save, and taken from a refused Complete (400 validation_failed).
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { api, ApiError, errorMessage, unwrap, type Schemas } from "../api/client";
import type { SaveStatus } from "../annotate/state/autosave";

export type Finding = Schemas["FindingOut"];
export type Severity = Finding["severity"];

export interface Validation {
  findings: Finding[];
  errors: number;
  warnings: number;
  /** Each flagged segment's worst severity and what is wrong, for markers on rows and regions. */
  bySegment: ReadonlyMap<string, SegmentFlag>;
  /** Why Complete is blocked, or null when it is not. */
  blocked: string | null;
  /** The check could not be made (the server says why). */
  error: string | null;
  /** Takes the findings of a refused Complete; false when the error was something else. */
  refused(err: unknown): boolean;
}

/** The findings a refused Complete carries (400 validation_failed, body `findings`). */
export function refusedFindings(err: unknown): Finding[] | null {
  if (!(err instanceof ApiError) || err.code !== "validation_failed") return null;
  const body = err.body as { findings?: unknown } | null;
  return Array.isArray(body?.findings) ? (body.findings as Finding[]) : [];
}

export interface SegmentFlag {
  severity: Severity;
  messages: string[];
}

export function worstBySegment(findings: Finding[]): Map<string, SegmentFlag> {
  const out = new Map<string, SegmentFlag>();
  for (const f of findings) {
    if (!f.segment_id) continue;
    const flag = out.get(f.segment_id) ?? { severity: f.severity, messages: [] };
    if (f.severity === "error") flag.severity = "error";
    flag.messages.push(f.message);
    out.set(f.segment_id, flag);
  }
  return out;
}

/** "Fix the error first: …" or "Fix 3 errors first: the first, …". */
export function blockedReason(findings: Finding[]): string | null {
  const errors = findings.filter((f) => f.severity === "error");
  if (errors.length === 0) return null;
  const head = errors.length === 1 ? "Fix the error first" : `Fix ${errors.length} errors first`;
  return `${head}: ${errors[0].message}`;
}

/**
 * `whose`: the reviewed person's id while reviewing, else null (one's own work).
 * `enabled`: the project has rules (without any, nothing is asked).
 */
export function useValidation(
  datapointId: number,
  whose: number | null,
  enabled: boolean,
  saveStatus: SaveStatus,
): Validation {
  const [findings, setFindings] = useState<Finding[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  // Rules added since the editor opened show up in a refused Complete: asked from then on.
  const [asked, setAsked] = useState(enabled);
  const on = enabled || asked;
  const latest = useRef(0);

  useEffect(() => {
    if (saveStatus === "saved") setTick((t) => t + 1);
  }, [saveStatus]);

  useEffect(() => {
    if (!on || tick === 0) return;
    const call = ++latest.current;
    const path = { datapoint_id: datapointId };
    const query = whose === null ? {} : { user_id: whose };
    unwrap(api.GET("/api/datapoints/{datapoint_id}/validation", { params: { path, query } })).then(
      (out) => {
        if (call !== latest.current) return;
        setFindings(out.findings);
        setError(null);
      },
      (err: unknown) => call === latest.current && setError(errorMessage(err)),
    );
  }, [datapointId, whose, on, tick]);

  const refused = useCallback((err: unknown) => {
    const found = refusedFindings(err);
    if (found === null) return false;
    ++latest.current; // an answer still on its way is older than this
    // The refusal lists errors only; the warnings stay as last read.
    setFindings((old) => [...found, ...old.filter((f) => f.severity !== "error")]);
    setAsked(true);
    setTick((t) => t + 1);
    return true;
  }, []);

  return useMemo(() => {
    const errors = findings.filter((f) => f.severity === "error").length;
    return {
      findings,
      errors,
      warnings: findings.length - errors,
      bySegment: worstBySegment(findings),
      blocked: blockedReason(findings),
      error,
      refused,
    };
  }, [findings, error, refused]);
}
