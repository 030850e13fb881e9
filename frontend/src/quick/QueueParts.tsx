// What every quick queue page shows around its clip: the progress, problems and notices, the
// end of the queue (with undo), and the footer with undo, skip and the saving state.
import type { ReactNode } from "react";
import { Link } from "react-router-dom";
import { ErrorMessage, Loading, Notice } from "../components/ui";
import { ProgressBar } from "./ProgressBar";
import type { Progress } from "./progress";
import type { Phase } from "./useQuickQueue";

interface Queue {
  phase: Phase;
  progress: Progress | null;
  notice: string | null;
  canUndo: boolean;
  undo(): void;
  skip(): void;
}

const keepFocus = (e: { preventDefault(): void }) => e.preventDefault(); // keys stay for decisions

export function QueueStatus(props: {
  queue: Queue;
  names: string[];
  problem: string | null;
  projectId: number;
  finished: string;
  children?: ReactNode;
}) {
  const { queue } = props;
  return (
    <>
      {queue.progress ? <ProgressBar progress={queue.progress} names={props.names} /> : null}
      <ErrorMessage>{props.problem}</ErrorMessage>
      {props.children}
      {queue.notice ? <Notice>{queue.notice}</Notice> : null}
      {queue.phase === "loading" ? <Loading what="Loading your queue" /> : null}
      {queue.phase === "finished" ? (
        <Notice>
          {props.finished} <Link to={`/projects/${props.projectId}`}>Back to the project</Link>
          {queue.canUndo ? (
            <button type="button" onMouseDown={keepFocus} onClick={queue.undo}>
              Undo<kbd>Backspace</kbd>
            </button>
          ) : null}
        </Notice>
      ) : null}
    </>
  );
}

export function QueueFooter(props: { queue: Queue; disabled: boolean; skipName: string; keys: boolean }) {
  const { queue, disabled, keys } = props;
  return (
    <div className="quick-footer">
      <button type="button" onMouseDown={keepFocus} disabled={!queue.canUndo || queue.phase !== "ready"} onClick={queue.undo}>
        Undo{keys ? <kbd>Backspace</kbd> : null}
      </button>
      <button type="button" onMouseDown={keepFocus} disabled={disabled} onClick={queue.skip}>
        {props.skipName}
        {keys ? <kbd>Shift+S</kbd> : null}
      </button>
      {queue.phase === "saving" ? (
        <span className="hint" role="status">
          Saving…
        </span>
      ) : null}
    </div>
  );
}
