// The bar under the editor's header while reviewing: whose work it is (a switch between the
// assignees), its state, other people's segments shown or not, and the verdict buttons.
import type { Author, ReviewMode } from "../annotate/loadEditor";
import { statusText } from "../components/status";
import { ReviewBadge, StatusBadge } from "../components/StatusBadge";
import { fullTime, timeAgo } from "../components/timeAgo";
import { verdicts } from "./reviewTarget";

interface Props {
  review: ReviewMode;
  state: string | null;
  marked: boolean;
  submittedAt: string | null;
  reviewedAt: string | null;
  busy: boolean;
  /** Other authors' colours, for the legend (author id → colour). */
  colors: ReadonlyMap<number | null, string>;
  showOthers: boolean;
  onShowOthers(show: boolean): void;
  onAuthor(userId: number): void;
  onAccept(): void;
  onReject(): void;
}

function othersWords(review: ReviewMode): { id: number | null; name: string; count: number }[] {
  const out = new Map<number | null, { id: number | null; name: string; count: number }>();
  for (const o of review.others) {
    const row = out.get(o.authorId) ?? { id: o.authorId, name: o.author, count: 0 };
    row.count += 1;
    out.set(o.authorId, row);
  }
  return [...out.values()];
}

/** "Reviewing ann’s work", or with several assignees "Reviewing the work of [ann ▾]". */
function Whose({ review, onAuthor }: { review: ReviewMode; onAuthor(id: number): void }) {
  if (review.authors.length < 2) {
    return (
      <span className="review-title">
        Reviewing <strong>{review.user.name}’s</strong> work
      </span>
    );
  }
  const label = (a: Author) => `${a.name} — ${statusText(a.state)}${a.marked ? ", marked for review" : ""}`;
  return (
    <span className="review-title">
      Reviewing the work of{" "}
      <select aria-label="Whose work" value={review.user.id} onChange={(e) => onAuthor(Number(e.target.value))}>
        {review.authors.map((a) => (
          <option key={a.id} value={a.id}>
            {label(a)}
          </option>
        ))}
      </select>
    </span>
  );
}

export function ReviewBar(props: Props) {
  const { review, state, marked, busy } = props;
  const can = verdicts(state, marked);
  const name = review.user.name;
  const others = othersWords(review);
  const why = can.accept ? undefined : `${name} has not submitted this work yet`;
  return (
    <div className="review-bar" role="region" aria-label="Review" data-testid="review-bar">
      <Whose review={review} onAuthor={props.onAuthor} />
      {state ? <StatusBadge status={state} /> : null}
      {marked ? <ReviewBadge /> : null}
      {props.submittedAt && state === "submitted" ? (
        <span className="muted small" title={fullTime(props.submittedAt)}>
          submitted {timeAgo(props.submittedAt)}
        </span>
      ) : null}
      {props.reviewedAt && (state === "accepted" || state === "rejected") ? (
        <span className="muted small" title={fullTime(props.reviewedAt)}>
          {state} {timeAgo(props.reviewedAt)}
        </span>
      ) : null}
      {others.length ? (
        <label className="inline small others-toggle">
          <input type="checkbox" checked={props.showOthers} onChange={(e) => props.onShowOthers(e.target.checked)} />
          Show others’ segments
          {props.showOthers
            ? others.map((o) => (
                <span key={String(o.id)} className="author-key">
                  <span className="swatch" style={{ background: props.colors.get(o.id) }} />
                  {o.name} ({o.count})
                </span>
              ))
            : ` (${others.reduce((n, o) => n + o.count, 0)})`}
          {props.showOthers ? <span className="muted"> in lanes under {name}’s</span> : null}
        </label>
      ) : null}
      <div className="spacer" />
      <div className="bar-actions">
        <button
          type="button"
          className="danger"
          onClick={props.onReject}
          disabled={busy || !can.reject}
          aria-haspopup="dialog"
          title={can.reject ? `Send it back to ${name} with a comment` : why}
        >
          Reject…
        </button>
        <button
          type="button"
          className="primary accept"
          onClick={props.onAccept}
          disabled={busy || !can.accept}
          title={can.accept ? `Accept ${name}’s work, corrections included` : state === "accepted" ? "Accepted already" : why}
        >
          Accept
        </button>
      </div>
    </div>
  );
}
