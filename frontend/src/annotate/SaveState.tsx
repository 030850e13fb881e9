// What happened to the annotator's changes: Saved / Saving… / Offline / Conflict / refused.
import { formatTime, type Segment } from "./state/segments";
import type { Conflict, SaveView } from "./state/autosave";

export function saveStateText(view: SaveView): string {
  const n = view.pending;
  switch (view.status) {
    case "saved":
      return "Saved";
    case "saving":
      return "Saving…";
    case "offline":
      return `Offline – ${n} ${n === 1 ? "change" : "changes"} pending`;
    case "conflict":
      return "Conflict";
    default:
      return "Not saved";
  }
}

export function SaveState({ view }: { view: SaveView }) {
  return (
    <span
      className={`save-state ${view.status}`}
      data-testid="save-state"
      data-status={view.status}
      role="status"
      aria-live="polite"
    >
      {saveStateText(view)}
    </span>
  );
}

function describe(seg: Segment | { start: number; end: number; transcript?: string } | null): string {
  if (!seg) return "deleted";
  const text = seg.transcript ? ` “${seg.transcript.slice(0, 60)}”` : "";
  return `${formatTime(seg.start)}–${formatTime(seg.end)}${text}`;
}

/** The banner asking the annotator to settle a conflict or a refused change. */
export function SaveProblem({
  view,
  onResolve,
  onDiscard,
}: {
  view: SaveView;
  onResolve(choice: "mine" | "theirs"): void;
  onDiscard(): void;
}) {
  const conflict: Conflict | null = view.conflict;
  if (conflict) {
    const what =
      conflict.kind === "values"
        ? "The labels of this recording were changed elsewhere."
        : conflict.theirs
          ? `This segment was changed elsewhere (now ${describe(conflict.theirs)}; yours: ${describe(conflict.mine)}).`
          : `This segment was deleted elsewhere (yours: ${describe(conflict.mine)}).`;
    return (
      <div className="message error save-problem" role="alert">
        <span>{what}</span>
        <span className="actions">
          <button type="button" onClick={() => onResolve("mine")}>
            Keep mine
          </button>
          <button type="button" onClick={() => onResolve("theirs")}>
            Take theirs
          </button>
        </span>
      </div>
    );
  }
  if (view.error) {
    return (
      <div className="message error save-problem" role="alert">
        <span>Not saved: {view.error.message}</span>
        <span className="actions">
          <button type="button" onClick={onDiscard}>
            Discard this change
          </button>
        </span>
      </div>
    );
  }
  return null;
}
