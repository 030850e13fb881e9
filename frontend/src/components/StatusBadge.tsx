// A pill with an item's status, or its review mark, in the one wording of status.ts.
import { MARKED_FOR_REVIEW, statusText } from "./status";

export function StatusBadge({ status }: { status: string }) {
  return <span className={`status work-status ${status}`}>{statusText(status)}</span>;
}

export function ReviewBadge() {
  return <span className="status work-status review">{MARKED_FOR_REVIEW}</span>;
}
