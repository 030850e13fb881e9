// A modal box over the page: a titled dialog that closes on its ✕, a click outside or the
// given keys, with focus on its close button.
import { useEffect, useRef, type ReactNode } from "react";

interface Props {
  title: string;
  onClose(): void;
  /** Keys that close it besides Escape (the shortcuts overlay's own "?"). */
  closeKeys?: string[];
  className?: string;
  children: ReactNode;
}

export function Overlay({ title, onClose, closeKeys = [], className, children }: Props) {
  const closeButton = useRef<HTMLButtonElement>(null);
  useEffect(() => closeButton.current?.focus(), []);
  return (
    <div className="overlay" role="presentation" onClick={onClose}>
      <div
        className={className ? `overlay-box ${className}` : "overlay-box"}
        role="dialog"
        aria-modal="true"
        aria-label={title}
        onClick={(e) => e.stopPropagation()}
        onKeyDown={(e) => {
          if (e.key === "Escape" || closeKeys.includes(e.key)) {
            e.stopPropagation();
            onClose();
          }
        }}
      >
        <div className="overlay-head">
          <h2>{title}</h2>
          <button ref={closeButton} type="button" onClick={onClose} aria-label="Close">
            ✕
          </button>
        </div>
        {children}
      </div>
    </div>
  );
}
