// Accept / reject / ignore: one key each (A, X, Space), Backspace takes the last one back.
const BUTTONS = [
  { value: "accept", key: "A", className: "quick-accept" },
  { value: "reject", key: "X", className: "quick-reject" },
  { value: "ignore", key: "Space", className: "quick-ignore" },
];

interface Props {
  /** What is decided (the label's name, or "Prediction"). */
  name: string;
  disabled: boolean;
  onDecide(value: string): void;
}

export function BinaryPanel({ name, disabled, onDecide }: Props) {
  return (
    <div className="quick-decisions" role="group" aria-label={name}>
      {BUTTONS.map((b) => (
        <button
          key={b.value}
          type="button"
          className={b.className}
          disabled={disabled}
          onMouseDown={(e) => e.preventDefault()} // keeps keys for decisions, not for this button
          onClick={() => onDecide(b.value)}
        >
          {b.value[0].toUpperCase() + b.value.slice(1)} <kbd>{b.key}</kbd>
        </button>
      ))}
    </div>
  );
}
