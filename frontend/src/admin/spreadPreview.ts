// What an overlap spread will hand out, computed the way the server does (services/distribution).

export interface Preview {
  slots: number;
  distinct: number;
  doubles: number;
}

/** Slots to fill, distinct datapoints used, and how many of those go to two annotators. */
export function spreadPreview(users: number, perUser: number, overlapPercent: number): Preview {
  const overlap = Math.min(100, Math.max(0, overlapPercent)) / 100;
  const slots = Math.max(0, Math.floor(perUser)) * users;
  if (slots === 0) return { slots: 0, distinct: 0, doubles: 0 };
  const distinct = Math.max(1, Math.round(slots / (1 + overlap)));
  const doubles = Math.min(distinct, slots - distinct);
  return { slots, distinct, doubles };
}

/** Why the form cannot be sent yet, or null. */
export function spreadProblem(
  users: number,
  perUser: number,
  overlapPercent: number,
): string | null {
  if (users === 0) return "Tick at least one annotator.";
  if (!Number.isInteger(perUser) || perUser < 1)
    return "Give each annotator at least one datapoint.";
  if (!(overlapPercent >= 0 && overlapPercent <= 100))
    return "Overlap is a percentage from 0 to 100.";
  if (overlapPercent > 0 && users < 2) return "Overlap needs at least two annotators.";
  return null;
}
