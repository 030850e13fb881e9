// A pill with an item's status, or its review mark, in the one wording of status.ts.
import { MARKED_FOR_REVIEW, statusText } from "./status";

export function StatusBadge({ status, who }: { status: string; who?: string | null }) {
  return (
    <span className={`status work-status ${status}`} data-testid="status-badge" data-state={status}>
      {who ? <span className="status-who">{who}: </span> : null}
      {statusText(status)}
    </span>
  );
}

export function ReviewBadge() {
  return <span className="status work-status review">{MARKED_FOR_REVIEW}</span>;
}

/** "2 open comments" as a small count; nothing when all are resolved. */
export function CommentCount({ count }: { count: number }) {
  if (count <= 0) return null;
  const words = `${count} open comment${count === 1 ? "" : "s"}`;
  return (
    <span className="comment-count" title={words} aria-label={words} data-testid="comment-count">
      <svg viewBox="0 0 16 16" width="13" height="13" aria-hidden="true">
        <path d="M2 3h12v8H6l-3 3v-3H2z" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinejoin="round" />
      </svg>
      {count}
    </span>
  );
}
