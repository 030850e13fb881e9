// One wording for the state of work on an item, used by every screen.

export type WorkStatus = "todo" | "in_progress" | "done";

const WORDS: Record<WorkStatus, string> = { todo: "To do", in_progress: "In progress", done: "Done" };

/** The words for a status (To do, In progress, Done); an unknown one as it came, spaced. */
export function statusText(status: string): string {
  return status in WORDS ? WORDS[status as WorkStatus] : status.replaceAll("_", " ");
}

/** The same in the middle of a sentence: "3 to do", "2 in progress". */
export function statusInSentence(status: string): string {
  return statusText(status).toLowerCase();
}

export const MARKED_FOR_REVIEW = "Marked for review";
