// The project's guidelines over the editor: opened from the header, and by itself the first
// time an annotator opens the project's editor (again after the text changes).
import { useEffect, useMemo, useState } from "react";
import { Overlay } from "../components/Overlay";
import { markSeen, renderGuidelines, unseen } from "./guidelines";

export function GuidelinesDialog({ text, onClose }: { text: string; onClose(): void }) {
  const html = useMemo(() => renderGuidelines(text), [text]);
  return (
    <Overlay title="Guidelines" className="guidelines-box" onClose={onClose}>
      {/* Sanitised by DOMPurify in renderGuidelines: no scripts, handlers or styles. */}
      <div className="guidelines-text" data-testid="guidelines-text" dangerouslySetInnerHTML={{ __html: html }} />
      <div className="actions">
        <button type="button" className="primary" onClick={onClose}>
          Got it
        </button>
      </div>
    </Overlay>
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
