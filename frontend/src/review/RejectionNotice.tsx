// What the reviewer asked for, over the editor, when one's work came back rejected.
import { fullTime, timeAgo } from "../components/timeAgo";
import { splitMentions } from "./mentions";
import type { Comment } from "./threads";

export function RejectionNotice({ comment, onShow }: { comment: Comment; onShow(): void }) {
  return (
    <div className="message rejection-notice" role="status" data-testid="rejection-notice">
      <strong>Rejected by {comment.author ?? "a reviewer"}</strong>{" "}
      <time dateTime={comment.created_at ?? undefined} title={fullTime(comment.created_at)}>
        {timeAgo(comment.created_at)}
      </time>
      :{" "}
      <q dir="auto">{splitMentions(comment.body, comment.mentions).map((p) => p.text).join("")}</q>{" "}
      <span>Fix it, then Complete it again to send it back for review.</span>{" "}
      <button type="button" className="link" onClick={onShow}>
        Show comments
      </button>
    </div>
  );
}
