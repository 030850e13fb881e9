// Pieces the admin screens share: busy/error state for actions, copy, one-time secrets, confirms.
import { useCallback, useEffect, useRef, useState, type ReactNode } from "react";
import { ApiError, errorMessage } from "../api/client";

export interface Action {
  busy: boolean;
  error: string | null;
  /** The error code the server gave, to put a message next to the field it is about. */
  code: string | null;
  /** The whole error body ({detail, code, errors?}), for per-field messages. */
  body: unknown;
  /** Counts the runs, so a form can tell this run's error from the one before. */
  attempt: number;
  clear(): void;
  /** Runs fn with busy set; true when it worked, false when it failed (error set). */
  run(fn: () => Promise<unknown>): Promise<boolean>;
}

export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [code, setCode] = useState<string | null>(null);
  const [body, setBody] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);
  const clear = useCallback(() => {
    setError(null);
    setCode(null);
    setBody(null);
  }, []);
  const run = useCallback(async (fn: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    setCode(null);
    setBody(null);
    setAttempt((n) => n + 1);
    try {
      await fn();
      return true;
    } catch (err) {
      setError(errorMessage(err));
      setCode(err instanceof ApiError ? err.code : "error");
      setBody(err instanceof ApiError ? err.body : null);
      return false;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, code, body, attempt, clear, run };
}

async function copyText(text: string): Promise<void> {
  if (navigator.clipboard && window.isSecureContext) {
    await navigator.clipboard.writeText(text);
    return;
  }
  // Plain-HTTP deployments have no clipboard API; the old selection trick still works there.
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.appendChild(area);
  area.select();
  const ok = document.execCommand("copy");
  area.remove();
  if (!ok) throw new Error("copy refused");
}

export function CopyButton({ text, label = "Copy" }: { text: string; label?: string }) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  useEffect(() => {
    if (state === "idle") return;
    const timer = window.setTimeout(() => setState("idle"), 2000);
    return () => window.clearTimeout(timer);
  }, [state]);
  return (
    <button
      type="button"
      onClick={() =>
        copyText(text).then(
          () => setState("copied"),
          () => setState("failed"),
        )
      }
    >
      {state === "copied" ? "Copied ✓" : state === "failed" ? "Select and copy by hand" : label}
    </button>
  );
}

/** A password or key the server shows once: large, selectable, with a copy button. */
export function OneTimeSecret(props: {
  title: string;
  secret: string;
  children?: ReactNode;
  onDone(): void;
}) {
  const { title, secret, children, onDone } = props;
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => box.current?.focus(), []);
  return (
    // No aria-label here: "Password for …" would also answer to the form's "Password" label.
    <div className="card secret-card" tabIndex={-1} ref={box}>
      <h2>{title}</h2>
      <p className="muted">Shown only this once. Copy it now and keep it somewhere safe.</p>
      <div className="secret-row">
        <code className="secret">{secret}</code>
        <CopyButton text={secret} />
      </div>
      {children}
      <div className="actions">
        <button type="button" onClick={onDone}>
          Done
        </button>
      </div>
    </div>
  );
}

/** A destructive button that asks once more, inline, before it acts. */
export function ConfirmButton(props: {
  children: ReactNode;
  question: ReactNode;
  confirm: string;
  onConfirm(): Promise<unknown> | void;
  disabled?: boolean;
  className?: string;
  title?: string;
  /** An accessible name when the visible text alone is ambiguous ("Delete" in a list). */
  label?: string;
}) {
  const {
    children,
    question,
    confirm,
    onConfirm,
    disabled,
    className = "danger",
    title,
    label,
  } = props;
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const cancel = useRef<HTMLButtonElement>(null);
  const trigger = useRef<HTMLButtonElement>(null);
  const asked = useRef(false);
  useEffect(() => {
    // Focus follows the question in and back out, so keyboard users stay in place.
    if (asking) cancel.current?.focus();
    else if (asked.current) trigger.current?.focus();
    asked.current = asking;
  }, [asking]);
  if (!asking) {
    return (
      <button
        type="button"
        className={className}
        disabled={disabled}
        title={title}
        aria-label={label}
        ref={trigger}
        onClick={() => setAsking(true)}
      >
        {children}
      </button>
    );
  }
  return (
    <span
      className="confirm"
      role="group"
      onKeyDown={(e) => {
        if (e.key === "Escape" && !busy) setAsking(false);
      }}
    >
      <span>{question}</span>
      <button
        type="button"
        className="danger"
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          try {
            await onConfirm();
          } finally {
            setBusy(false);
            setAsking(false);
          }
        }}
      >
        {busy ? "Working…" : confirm}
      </button>
      <button type="button" ref={cancel} disabled={busy} onClick={() => setAsking(false)}>
        Cancel
      </button>
    </span>
  );
}

/** A field's message from the server, placed under the field it is about. */
export function FieldError({ id, children }: { id: string; children: ReactNode }) {
  if (!children) return null;
  return (
    <span className="field-error" id={id} role="alert">
      {children}
    </span>
  );
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return "–";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}
