// One wording for the state of work on an item, used by every screen.

/** An item's status as the data list filters it (todo, in progress, done). */
export type WorkStatus = "todo" | "in_progress" | "done";
/** One person's work on an item, review included, as the API's `state` says it. */
export type WorkState = "todo" | "in_progress" | "submitted" | "accepted" | "rejected";

const WORDS: Record<WorkStatus | WorkState, string> = {
  todo: "To do",
  in_progress: "In progress",
  done: "Done",
  submitted: "Submitted",
  accepted: "Accepted",
  rejected: "Rejected",
};

/** The words for a status or state (To do … Rejected); an unknown one as it came, spaced. */
export function statusText(status: string): string {
  return status in WORDS ? WORDS[status as WorkStatus] : status.replaceAll("_", " ");
}

/** The same in the middle of a sentence: "3 to do", "2 in progress". */
export function statusInSentence(status: string): string {
  return statusText(status).toLowerCase();
}

export const MARKED_FOR_REVIEW = "Marked for review";

/** The show filter of the review queue, worded for its tabs. */
export const REVIEW_SHOWS = [
  { key: "waiting", label: "Waiting for review" },
  { key: "accepted", label: statusText("accepted") },
  { key: "rejected", label: statusText("rejected") },
  { key: "all", label: "All" },
] as const;
export type ReviewShow = (typeof REVIEW_SHOWS)[number]["key"];

const ORDER: WorkState[] = ["todo", "in_progress", "submitted", "accepted", "rejected"];

function isState(value: string): value is WorkState {
  return (ORDER as string[]).includes(value);
}

/**
 * One state for an item with several people's work, for a reviewer's list: rejected while
 * anyone's work was sent back, accepted once everyone's is, submitted once everyone handed
 * theirs in, in progress once anyone started, else to do. `fallback` is the item's own
 * status, for an item nobody is assigned to.
 */
export function itemState(states: string[], fallback: string): string {
  const known = states.filter(isState);
  if (known.length === 0) return fallback;
  if (known.includes("rejected")) return "rejected";
  if (known.every((s) => s === "accepted")) return "accepted";
  if (known.every((s) => s === "submitted" || s === "accepted")) return "submitted";
  if (known.some((s) => s !== "todo")) return "in_progress";
  return "todo";
}

/** Whether a reviewer can give a verdict on this work now (it was handed in or marked). */
export function awaitsVerdict(state: string, marked: boolean): boolean {
  return state === "submitted" || (marked && state !== "accepted");
}
