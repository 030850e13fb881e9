// A label's values with their number keys (1–9); several at once when the label allows it.
import type { Label } from "./quickApi";

interface Props {
  label: Label;
  chosen: number[];
  disabled: boolean;
  onPick(id: number): void;
  onSubmit(): void;
}

export function ChoicePanel({ label, chosen, disabled, onPick, onSubmit }: Props) {
  const multi = label.kind === "multi";
  return (
    <div className="quick-choice">
      <div
        className="quick-options"
        role={multi ? "group" : "radiogroup"}
        aria-label={`${label.name}${multi ? " (choose any)" : ""}`}
      >
        {label.values.map((v, i) => (
          <button
            key={v.id}
            type="button"
            role={multi ? "checkbox" : "radio"}
            aria-checked={chosen.includes(v.id)}
            className={chosen.includes(v.id) ? "chosen" : undefined}
            disabled={disabled}
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => onPick(v.id)}
          >
            {i < 9 ? <kbd>{i + 1}</kbd> : null} {v.value}
          </button>
        ))}
      </div>
      <button
        type="button"
        className="primary"
        disabled={disabled || chosen.length === 0}
        onMouseDown={(e) => e.preventDefault()}
        onClick={onSubmit}
      >
        Submit <kbd>Enter</kbd>
      </button>
    </div>
  );
}
