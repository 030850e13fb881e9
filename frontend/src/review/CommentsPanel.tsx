// The item's comments in the editor: a new comment on the recording or the selected segment,
// then the threads, open ones first; resolved ones fold away.
import { useState } from "react";
import { errorMessage } from "../api/client";
import type { Segment } from "../annotate/state/segments";
import { ErrorMessage } from "../components/ui";
import { CommentThread, type SegmentRef } from "./CommentThread";
import { when } from "./historySentences";
import { MentionBox } from "./MentionBox";
import { mayResolve, openFirst } from "./threads";
import type { Comments } from "./useComments";

interface Props {
  comments: Comments;
  me: number | null;
  /** Reviewers and managers resolve any thread; managers delete any comment. */
  reviews: boolean;
  manages: boolean;
  members: string[];
  /** The segments on screen, in time order (to say "segment 3 at 0.10 s"). */
  segments: Segment[];
  selected: Segment | null;
  onSelectSegment(id: string): void;
}

export function segmentWords(segments: Segment[], id: string): SegmentRef | null {
  const i = segments.findIndex((s) => s.id === id);
  return i === -1 ? null : { id, words: `segment ${i + 1} at ${when(segments[i].start)}` };
}

export function CommentsPanel(props: Props) {
  const { comments, segments, selected } = props;
  const [text, setText] = useState("");
  const [onSegment, setOnSegment] = useState(true);
  const [onlySelected, setOnlySelected] = useState(false);
  const [showResolved, setShowResolved] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const target = selected && onSegment ? segmentWords(segments, selected.id) : null;

  async function post() {
    const body = text.trim();
    if (!body || busy) return;
    setBusy(true);
    setError(null);
    try {
      await comments.add(body, { segmentId: target?.id ?? null });
      setText("");
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  const ordered = openFirst(comments.threads).filter(
    (t) => !(onlySelected && selected) || t.root.segment_id === selected.id,
  );
  const open = ordered.filter((t) => !t.root.resolved);
  const resolved = ordered.filter((t) => t.root.resolved);
  const shown = showResolved ? ordered : open;

  return (
    <div className="comments-panel">
      <form
        className="new-comment"
        onSubmit={(e) => {
          e.preventDefault();
          void post();
        }}
      >
        <MentionBox
          value={text}
          onChange={setText}
          members={props.members}
          label="New comment"
          placeholder={props.members.length ? "Write a comment; @ mentions a member" : "Write a comment"}
          onSubmit={() => void post()}
          rows={2}
        />
        <div className="actions">
          {selected ? (
            <label className="inline small">
              <input type="checkbox" checked={onSegment} onChange={(e) => setOnSegment(e.target.checked)} />
              On {segmentWords(segments, selected.id)?.words ?? "the selected segment"}
            </label>
          ) : (
            <span className="muted small">On the whole recording · select a segment to comment on it</span>
          )}
          <button type="submit" className="primary" disabled={busy || !text.trim()}>
            {busy ? "Posting…" : "Comment"}
          </button>
        </div>
      </form>
      <ErrorMessage>{error ?? comments.error}</ErrorMessage>
      {selected ? (
        <label className="inline small only-selected">
          <input type="checkbox" checked={onlySelected} onChange={(e) => setOnlySelected(e.target.checked)} />
          Only comments on the selected segment
        </label>
      ) : null}
      {comments.loaded && shown.length === 0 ? (
        <p className="muted empty-note">{resolved.length ? "No open comments." : "No comments yet."}</p>
      ) : null}
      <ul className="comment-threads" aria-label="Comments">
        {shown.map((t) => (
          <CommentThread
            key={t.root.id}
            thread={t}
            me={props.me}
            mayResolve={mayResolve(t.root, props.me, props.reviews)}
            manages={props.manages}
            members={props.members}
            segment={t.root.segment_id ? segmentWords(segments, t.root.segment_id) : null}
            aboutSegment={onlySelected}
            onSelectSegment={props.onSelectSegment}
            onReply={(body) => comments.add(body, { parentId: t.root.id })}
            onResolve={(value) => comments.setResolved(t.root.id, value)}
            onDelete={comments.remove}
          />
        ))}
      </ul>
      {resolved.length ? (
        <button type="button" className="link small" aria-expanded={showResolved} onClick={() => setShowResolved((v) => !v)}>
          {showResolved ? "Hide resolved" : `Show ${resolved.length} resolved`}
        </button>
      ) : null}
    </div>
  );
}
