// The project's guidelines over the editor: opened from the header, and by itself the first
// time an annotator opens the project's editor (again after the text changes).
import { useEffect, useMemo, useRef, useState } from "react";
import { markSeen, renderGuidelines, unseen } from "./guidelines";

export function GuidelinesDialog({ text, onClose }: { text: string; onClose(): void }) {
  const closeButton = useRef<HTMLButtonElement>(null);
  useEffect(() => closeButton.current?.focus(), []);
  const html = useMemo(() => renderGuidelines(text), [text]);
  return (
    <div className="overlay" role="presentation" onClick={onClose}>
      <div
        className="overlay-box guidelines-box"
        role="dialog"
        aria-modal="true"
        aria-label="Guidelines"
        onClick={(e) => e.stopPropagation()}
        onKeyDown={(e) => {
          if (e.key === "Escape") {
            e.stopPropagation();
            onClose();
          }
        }}
      >
        <div className="overlay-head">
          <h2>Guidelines</h2>
          <button ref={closeButton} type="button" onClick={onClose} aria-label="Close">
            ✕
          </button>
        </div>
        {/* Sanitised by DOMPurify in renderGuidelines: no scripts, handlers or styles. */}
        <div className="guidelines-text" data-testid="guidelines-text" dangerouslySetInnerHTML={{ __html: html }} />
        <div className="actions">
          <button type="button" className="primary" onClick={onClose}>
            Got it
          </button>
        </div>
      </div>
    </div>
  );
}

/** Whether the guidelines are open, opened by themselves while this text is unseen. */
export function useGuidelines(projectId: number, userId: number, text: string) {
  const [open, setOpen] = useState(() => unseen(projectId, userId, text));
  useEffect(() => {
    if (open) markSeen(projectId, userId, text);
  }, [open, projectId, userId, text]);
  return { open, show: () => setOpen(true), close: () => setOpen(false), available: text.trim() !== "" };
}
