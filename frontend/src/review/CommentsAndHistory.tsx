// The editor's panel under the segment list: the item's comments and its history, as tabs.
import { useRef, type KeyboardEvent, type ReactNode } from "react";

export type NotesTab = "comments" | "history";

interface Props {
  tab: NotesTab;
  onTab(tab: NotesTab): void;
  openComments: number;
  comments: ReactNode;
  history: ReactNode;
}

export function CommentsAndHistory({ tab, onTab, openComments, comments, history }: Props) {
  const tabs = useRef<Record<NotesTab, HTMLButtonElement | null>>({ comments: null, history: null });
  // ←/→ move between the tabs, as tabs do.
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key !== "ArrowLeft" && e.key !== "ArrowRight") return;
    e.preventDefault();
    const next: NotesTab = tab === "comments" ? "history" : "comments";
    onTab(next);
    tabs.current[next]?.focus();
  };
  const button = (key: NotesTab, label: ReactNode) => (
    <button
      ref={(el) => {
        tabs.current[key] = el;
      }}
      type="button"
      role="tab"
      id={`notes-tab-${key}`}
      aria-selected={tab === key}
      aria-controls={`notes-${key}`}
      tabIndex={tab === key ? 0 : -1}
      className={tab === key ? "tab active" : "tab"}
      onClick={() => onTab(key)}
    >
      {label}
    </button>
  );
  return (
    <section className="panel notes-panel" aria-label="Comments and history">
      <div className="tabs" role="tablist" onKeyDown={onKeyDown}>
        {button(
          "comments",
          <>
            Comments{" "}
            <span className={openComments ? "badge open-badge" : "badge"} aria-label={`${openComments} open`}>
              {openComments}
            </span>
          </>,
        )}
        {button("history", "History")}
      </div>
      <div role="tabpanel" id={`notes-${tab}`} aria-labelledby={`notes-tab-${tab}`}>
        {tab === "comments" ? comments : history}
      </div>
    </section>
  );
}
