// How many annotations use a label or a value, in words, for the delete dialogs.
import type { Schemas } from "../api/client";
import { plural } from "./plural";

export type Usage = Pick<Schemas["ValueUsagePublic"], "segments" | "assignments" | "datapoints">;
export type LabelUsage = Schemas["LabelUsagePublic"];

export const inUse = (u: Usage) => u.segments + u.assignments > 0;

/** "3 segments and 1 whole-recording answer on 2 datapoints". */
export function usageText(u: Usage): string {
  const parts: string[] = [];
  if (u.segments) parts.push(plural(u.segments, "segment"));
  if (u.assignments) parts.push(plural(u.assignments, "whole-recording answer"));
  return `${parts.join(" and ")} on ${plural(u.datapoints, "datapoint")}`;
}

/** The counts of one value, zero when the value has no uses. */
export function valueUsage(usage: LabelUsage, valueId: number): Usage {
  return (
    usage.values.find((v) => v.value_id === valueId) ?? { segments: 0, assignments: 0, datapoints: 0 }
  );
}
