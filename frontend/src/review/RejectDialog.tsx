// "Reject…": sends the work back to its annotator with a comment saying what to fix.
import { useEffect, useRef, useState } from "react";
import { errorMessage } from "../api/client";
import { ErrorMessage } from "../components/ui";
import { MentionBox } from "./MentionBox";

interface Props {
  who: string;
  members: string[];
  onReject(comment: string): Promise<void>;
  onClose(): void;
}

export function RejectDialog({ who, members, onReject, onClose }: Props) {
  const box = useRef<HTMLDialogElement>(null);
  const [text, setText] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const dialog = box.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);

  async function send() {
    const comment = text.trim();
    if (!comment) {
      setError(`Say what ${who} should fix: the comment goes back with the work.`);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await onReject(comment);
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  }

  return (
    <dialog
      ref={box}
      className="reject-dialog"
      aria-labelledby="reject-title"
      onCancel={(e) => {
        e.preventDefault();
        if (!busy) onClose();
      }}
    >
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void send();
        }}
      >
        <h2 id="reject-title">Reject {who}’s work?</h2>
        <p className="muted">
          It goes back to {who}’s queue marked Rejected, with your comment on top when they open it.
        </p>
        <label className="field-label" htmlFor="reject-comment">
          What should {who} fix?
        </label>
        <MentionBox
          id="reject-comment"
          value={text}
          onChange={(value) => {
            setText(value);
            if (value.trim()) setError(null);
          }}
          members={members}
          label={`What should ${who} fix?`}
          placeholder="e.g. The second speaker is labelled as the first from 0:12 on."
          rows={4}
          autoFocus
          required
          onSubmit={() => void send()}
        />
        <ErrorMessage>{error}</ErrorMessage>
        <div className="actions">
          <button type="submit" className="danger-solid" disabled={busy}>
            {busy ? "Sending back…" : `Send back to ${who}`}
          </button>
          <button type="button" onClick={onClose} disabled={busy}>
            Cancel
          </button>
        </div>
      </form>
    </dialog>
  );
}
