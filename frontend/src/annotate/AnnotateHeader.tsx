// The slim bar over the editor: back to the list, the file, item navigation, review, complete.
import type { ReactNode } from "react";
import { Link } from "react-router-dom";
import type { SaveView } from "./state/autosave";
import { StatusBadge } from "../components/StatusBadge";
import { SaveState } from "./SaveState";
import { describeBinding } from "./state/keymap";
import { windowSpan, type WindowInfo } from "./engine/timeFrame";

interface Props {
  projectId: number;
  projectName: string;
  fileName: string;
  /** Set when the page shows one window of a long recording. */
  window: WindowInfo | null;
  /** The recording's windows before and after this one, when known. */
  previousWindow: number | null;
  nextWindow: number | null;
  onWindow(id: number): void;
  status: string | null;
  /** What the header says: to do, in progress, submitted, accepted, rejected. */
  state: string | null;
  marked: boolean;
  /** Someone else's work is on screen: the review bar has its actions, not this one. */
  reviewing: boolean;
  saveView: SaveView;
  busy: boolean;
  hasPrevious: boolean;
  hasNext: boolean;
  onPrevious(): void;
  onNext(): void;
  onToggleReview(): void;
  onComplete(): void;
  onReopen(): void;
  onHelp(): void;
  /** Skip & next (the item comes back at the end of the queue); absent when it cannot be skipped. */
  onSkip?: () => void;
  skipKey?: string | null;
  /** Opens the project's guidelines; absent when it has none. */
  onGuidelines?: () => void;
  /** Why Complete cannot be used now (the project's rules), or null. */
  completeBlocked?: string | null;
  /** More controls before the help button (a manager's gold mark). */
  tools?: ReactNode;
}

/** A step to the recording's window before or after, when it is known. */
function WindowStep(props: {
  id: number | null;
  busy: boolean;
  title: string;
  onGo(id: number): void;
  children: ReactNode;
}) {
  const { id } = props;
  if (id === null) return null;
  return (
    <button type="button" className="window-step" disabled={props.busy} title={props.title} onClick={() => props.onGo(id)}>
      {props.children}
    </button>
  );
}

export function AnnotateHeader(props: Props) {
  const { projectId, projectName, fileName, window, status, state, marked, saveView, busy, reviewing } = props;
  return (
    <header className="annotate-bar">
      <Link to={`/projects/${projectId}`} className="back" title="Back to the data list" aria-label={`Back to ${projectName}`}>
        ← <span className="project-name">{projectName}</span>
      </Link>
      <div className="file">
        {window ? (
          <>
            <span className="file-name window-name" title={fileName} data-testid="window-title">
              <strong>
                Window {window.index}
                {window.count > 0 ? ` of ${window.count}` : ""}
              </strong>{" "}
              · <span data-testid="window-span">{windowSpan(window)}</span> of {fileName}
            </span>
            <WindowStep id={props.previousWindow} busy={busy} onGo={props.onWindow} title="The window before this one">
              ‹ {window.index - 1}
            </WindowStep>
            <WindowStep id={props.nextWindow} busy={busy} onGo={props.onWindow} title="The window after this one">
              {window.index + 1} ›
            </WindowStep>
          </>
        ) : (
          <strong className="file-name" title={fileName}>
            {fileName}
          </strong>
        )}
        {!reviewing && (state ?? status) ? <StatusBadge status={state ?? status ?? ""} /> : null}
      </div>
      <SaveState view={saveView} />
      <div className="spacer" />
      <div className="bar-actions">
        <button type="button" onClick={props.onPrevious} disabled={!props.hasPrevious || busy} title="Previous item">
          ‹ <span className="wide-only">Previous</span>
        </button>
        <button type="button" onClick={props.onNext} disabled={!props.hasNext || busy} title="Next item">
          <span className="wide-only">Next</span> ›
        </button>
        {props.onSkip ? (
          <button
            type="button"
            onClick={props.onSkip}
            disabled={busy}
            title={`Skip without submitting: it comes back at the end of your queue${
              props.skipKey ? ` (${describeBinding(props.skipKey)})` : ""
            }`}
          >
            Skip
          </button>
        ) : null}
        {reviewing ? null : (
          <>
            <label className="inline review-toggle" title="Mark this item for review">
              <input type="checkbox" checked={marked} onChange={props.onToggleReview} disabled={busy} />
              <span>
                <span className="wide-only">Mark for </span>review
              </span>
            </label>
            {status === "done" ? (
              <button
                type="button"
                className="primary"
                onClick={props.onReopen}
                disabled={busy}
                title="This item is done and read-only: reopen it to change it"
              >
                Reopen
              </button>
            ) : (
              <button
                type="button"
                className="primary"
                onClick={props.onComplete}
                disabled={busy || Boolean(props.completeBlocked)}
                title={props.completeBlocked ?? "Complete (Ctrl/⌘+Enter)"}
                aria-describedby={props.completeBlocked ? "checks-summary" : undefined}
              >
                Complete
              </button>
            )}
          </>
        )}
        {props.tools}
        {props.onGuidelines ? (
          <button type="button" onClick={props.onGuidelines} title="The project's guidelines">
            Guidelines
          </button>
        ) : null}
        <button type="button" className="help" onClick={props.onHelp} title="Keyboard shortcuts (?)" aria-label="Keyboard shortcuts">
          ?
        </button>
      </div>
    </header>
  );
}
