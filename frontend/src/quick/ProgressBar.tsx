// How far through the queue: a bar and the counts (done by value, and left).
import { share, type Progress } from "./progress";

export function ProgressBar({ progress, names }: { progress: Progress; names: string[] }) {
  // Without values to count (transcripts), the done count stands alone.
  const shown = names.length
    ? [...names, ...Object.keys(progress.counts).filter((n) => n !== "" && !names.includes(n))]
    : [];
  return (
    <div className="quick-progress" data-testid="quick-progress">
      <progress max={1} value={share(progress)} aria-label="Done so far" />
      <ul className="quick-counts">
        {shown.map((name) => (
          <li key={name} data-count={name}>
            <strong>{progress.counts[name] ?? 0}</strong> {name === "" ? "no value" : name}
          </li>
        ))}
        {names.length ? null : (
          <li data-count="done">
            <strong>{progress.done}</strong> done
          </li>
        )}
        <li data-count="left">
          <strong>{progress.left}</strong> left
        </li>
      </ul>
    </div>
  );
}
