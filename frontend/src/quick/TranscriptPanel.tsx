// One text box for what is said, the reference transcript above it when the item has one.
import { useEffect, useRef } from "react";

interface Props {
  reference: string;
  text: string;
  disabled: boolean;
  onChange(text: string): void;
  onSubmit(): void;
}

export function TranscriptPanel({ reference, text, disabled, onChange, onSubmit }: Props) {
  const box = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    if (!disabled) box.current?.focus();
  }, [disabled]);
  return (
    <div className="quick-transcript">
      {reference ? (
        <p className="quick-reference" data-testid="quick-reference">
          <span className="hint">Reference:</span> {reference}
        </p>
      ) : null}
      <label>
        Transcript
        <textarea
          ref={box}
          dir="auto"
          rows={3}
          value={text}
          readOnly={disabled}
          onChange={(e) => onChange(e.target.value)}
        />
      </label>
      <div className="actions">
        <button type="button" className="primary" disabled={disabled} onClick={onSubmit}>
          Submit <kbd>Enter</kbd>
        </button>
        <span className="hint">Shift+Enter: new line · Ctrl+↑ / Ctrl+↓: speed</span>
      </div>
    </div>
  );
}
