// One thread: its first comment (a rejection says so), the replies, and what can be done —
// reply, resolve or reopen, delete.
import { useState } from "react";
import { errorMessage } from "../api/client";
import { fullTime, timeAgo } from "../components/timeAgo";
import { MentionBox } from "./MentionBox";
import { splitMentions } from "./mentions";
import type { Comment, Thread } from "./threads";

export interface SegmentRef {
  id: string;
  /** "segment 3 at 0.10 s" */
  words: string;
}

interface Props {
  thread: Thread;
  me: number | null;
  mayResolve: boolean;
  manages: boolean;
  members: string[];
  /** The segment the thread is about, when it is on screen. */
  segment: SegmentRef | null;
  aboutSegment: boolean;
  onSelectSegment(id: string): void;
  onReply(body: string): Promise<unknown>;
  onResolve(resolved: boolean): Promise<void>;
  onDelete(id: number): Promise<void>;
}

function Body({ comment }: { comment: Comment }) {
  return (
    <p className="comment-body" dir="auto">
      {splitMentions(comment.body, comment.mentions).map((part, i) =>
        part.mention ? (
          <strong key={i} className="mention">
            {part.text}
          </strong>
        ) : (
          <span key={i}>{part.text}</span>
        ),
      )}
    </p>
  );
}

function Meta({ comment }: { comment: Comment }) {
  return (
    <div className="comment-meta">
      <strong>{comment.author ?? "Someone"}</strong>
      <time dateTime={comment.created_at ?? undefined} title={fullTime(comment.created_at)} className="muted">
        {timeAgo(comment.created_at)}
      </time>
    </div>
  );
}

export function CommentThread(props: Props) {
  const { thread, me, segment } = props;
  const { root, replies } = thread;
  const [replying, setReplying] = useState(false);
  const [text, setText] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function run(work: () => Promise<unknown>) {
    setBusy(true);
    setError(null);
    try {
      await work();
      return true;
    } catch (err) {
      setError(errorMessage(err));
      return false;
    } finally {
      setBusy(false);
    }
  }

  async function send() {
    if (!text.trim()) return;
    if (await run(() => props.onReply(text.trim()))) {
      setText("");
      setReplying(false);
    }
  }

  const mayDelete = (c: Comment) => props.manages || (me !== null && c.author_id === me);
  const rejection = root.kind === "rejection";
  return (
    <li
      className={`comment-thread${root.resolved ? " resolved" : ""}${rejection ? " rejection" : ""}`}
      data-testid="comment-thread"
      data-resolved={root.resolved ? "true" : "false"}
    >
      <div className="comment-tags">
        {rejection ? (
          <span className="status work-status rejected">
            Rejected{root.about_user_id === me ? " · your work" : root.about ? ` · ${root.about}’s work` : ""}
          </span>
        ) : null}
        {root.segment_id ? (
          segment ? (
            <button type="button" className="link segment-link" onClick={() => props.onSelectSegment(segment.id)}>
              On {segment.words}
            </button>
          ) : (
            <span className="muted">On a segment not shown here</span>
          )
        ) : props.aboutSegment ? null : (
          <span className="muted">On the whole recording</span>
        )}
        {root.resolved ? <span className="muted">Resolved{root.resolved_by ? ` by ${root.resolved_by}` : ""}</span> : null}
      </div>
      <Meta comment={root} />
      <Body comment={root} />
      {replies.length ? (
        <ul className="comment-replies">
          {replies.map((r) => (
            <li key={r.id} data-testid="comment-reply">
              <Meta comment={r} />
              <Body comment={r} />
              {mayDelete(r) ? (
                <button type="button" className="link small" disabled={busy} onClick={() => void run(() => props.onDelete(r.id))}>
                  Delete
                </button>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
      {replying ? (
        <form
          className="comment-reply-form"
          onSubmit={(e) => {
            e.preventDefault();
            void send();
          }}
        >
          <MentionBox value={text} onChange={setText} members={props.members} label="Your reply" rows={2} autoFocus onSubmit={() => void send()} />
          <div className="actions">
            <button type="submit" className="primary" disabled={busy || !text.trim()}>
              Reply
            </button>
            <button type="button" onClick={() => setReplying(false)} disabled={busy}>
              Cancel
            </button>
          </div>
        </form>
      ) : null}
      <div className="comment-actions">
        {!replying ? (
          <button type="button" className="link" onClick={() => setReplying(true)}>
            Reply
          </button>
        ) : null}
        {props.mayResolve ? (
          <button type="button" className="link" disabled={busy} onClick={() => void run(() => props.onResolve(!root.resolved))}>
            {root.resolved ? "Reopen" : "Resolve"}
          </button>
        ) : null}
        {mayDelete(root) ? (
          <button
            type="button"
            className="link danger-link"
            disabled={busy}
            onClick={() => {
              const also = replies.length ? ` and its ${replies.length} repl${replies.length === 1 ? "y" : "ies"}` : "";
              if (window.confirm(`Delete this comment${also}?`)) void run(() => props.onDelete(root.id));
            }}
          >
            Delete
          </button>
        ) : null}
      </div>
      {error ? (
        <p className="message error" role="alert">
          {error}
        </p>
      ) : null}
    </li>
  );
}
