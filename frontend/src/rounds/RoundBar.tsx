// Over the editor while a round runs: how much of it is submitted, and Skip (the item comes
// back at the end of the round).
import { ProgressBar } from "../jobs/ProcessingPanel";
import { describeBinding } from "../annotate/state/keymap";
import { roundShare } from "./queueSettings";
import type { Round } from "./useRound";
import "./rounds.css";

interface Props {
  round: Round;
  /** Whether the item on screen is one of the caller's open items of the round. */
  canSkip: boolean;
  busy: boolean;
  skipKeys: string[];
  onSkip(): void;
}

export function RoundBar({ round, canSkip, busy, skipKeys, onSkip }: Props) {
  const { submitted } = round.progress;
  const mine = round.mine;
  const key = skipKeys[0] ? describeBinding(skipKeys[0]) : null;
  return (
    <div className="round-bar" role="region" aria-label="Round progress" data-testid="round-bar">
      <strong>Round {round.number}</strong>
      <ProgressBar value={roundShare(submitted, round.size)} label={`Round ${round.number} progress`} />
      <span data-testid="round-count">
        {submitted} of {round.size} submitted
      </span>
      {mine && mine.items !== round.size ? (
        <span className="muted">
          · yours: {mine.submitted} of {mine.items}
        </span>
      ) : null}
      {round.progress.skipped ? <span className="muted">· {round.progress.skipped} skipped</span> : null}
      {canSkip ? (
        <button
          type="button"
          onClick={onSkip}
          disabled={busy}
          title={`Skip without submitting: it comes back at the end of the round${key ? ` (${key})` : ""}`}
        >
          Skip
        </button>
      ) : null}
    </div>
  );
}
