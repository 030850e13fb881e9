// A comment's text box that completes @names of project members as they are typed:
// ↑/↓ choose, Enter or Tab take, Escape closes the list; Ctrl/⌘+Enter sends.
import { useId, useLayoutEffect, useRef, useState, type KeyboardEvent } from "react";
import { insertMention, matchMembers, mentionAt } from "./mentions";

interface Props {
  id?: string;
  value: string;
  onChange(value: string): void;
  /** Project members' usernames; empty: plain text, no completion. */
  members: string[];
  label: string;
  placeholder?: string;
  onSubmit?(): void;
  autoFocus?: boolean;
  rows?: number;
  required?: boolean;
}

export function MentionBox({ id, value, onChange, members, label, placeholder, onSubmit, autoFocus, rows = 3, required }: Props) {
  const box = useRef<HTMLTextAreaElement>(null);
  const listId = useId();
  const [caret, setCaret] = useState(0);
  const [active, setActive] = useState(0);
  const [closedAt, setClosedAt] = useState<number | null>(null);
  // Where the caret goes once the picked name is in the box: set in the same commit as the
  // new text, before the next key press can land (a later frame would move the caret back
  // over what was typed meanwhile).
  const placeCaret = useRef<{ text: string; caret: number } | null>(null);
  useLayoutEffect(() => {
    const wanted = placeCaret.current;
    if (!wanted || !box.current) return;
    placeCaret.current = null;
    if (box.current.value !== wanted.text) return;
    box.current.focus();
    box.current.setSelectionRange(wanted.caret, wanted.caret);
  }, [value]);
  const typing = mentionAt(value, caret);
  const options = typing ? matchMembers(members, typing.query) : [];
  // A name typed out in full needs no list (it would only hide what is under it).
  const complete = options.length === 1 && options[0].toLowerCase() === typing?.query.toLowerCase();
  const open = typing !== null && options.length > 0 && !complete && closedAt !== typing.start;
  const current = Math.min(active, options.length - 1);

  function pick(name: string) {
    if (!typing) return;
    const next = insertMention(value, typing.start, caret, name);
    placeCaret.current = { text: next.text, caret: next.caret };
    onChange(next.text);
    setCaret(next.caret);
    setActive(0);
  }

  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      // Sends the comment; the editor's Ctrl+Enter (Complete) must not fire as well.
      e.preventDefault();
      onSubmit?.();
      return;
    }
    if (!open) return;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      const step = e.key === "ArrowDown" ? 1 : -1;
      setActive((current + step + options.length) % options.length);
    } else if (e.key === "Enter" || e.key === "Tab") {
      e.preventDefault();
      pick(options[current]);
    } else if (e.key === "Escape") {
      e.preventDefault();
      e.stopPropagation();
      setClosedAt(typing?.start ?? null);
    }
  }

  return (
    <div className="mention-box">
      <textarea
        ref={box}
        id={id}
        value={value}
        rows={rows}
        dir="auto"
        aria-label={label}
        placeholder={placeholder}
        aria-required={required}
        autoFocus={autoFocus}
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={open}
        aria-controls={open ? listId : undefined}
        aria-activedescendant={open ? `${listId}-${current}` : undefined}
        onChange={(e) => {
          onChange(e.target.value);
          setCaret(e.target.selectionStart ?? e.target.value.length);
        }}
        onSelect={(e) => setCaret(e.currentTarget.selectionStart ?? 0)}
        onKeyDown={onKeyDown}
        onBlur={() => setClosedAt(typing?.start ?? null)}
        onFocus={() => setClosedAt(null)}
      />
      {open ? (
        <ul className="mention-list" role="listbox" id={listId} aria-label="Members to mention">
          {options.map((name, i) => (
            <li
              key={name}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === current}
              className={i === current ? "active" : undefined}
              // Taken on press, before the text box loses focus.
              onMouseDown={(e) => {
                e.preventDefault();
                pick(name);
              }}
            >
              @{name}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
