// The binary mode over predictions: one predicted region at a time, played with a little
// context; A makes it the annotator's own segment, X rejects it, Space leaves it aside.
import { useRef } from "react";
import { Link } from "react-router-dom";
import { useAuth } from "../auth/AuthContext";
import { PageTitle } from "../components/ui";
import { BinaryPanel } from "./BinaryPanel";
import { stepSpeed, type Command } from "./keys";
import { playSpan, spanText } from "./predictionQueue";
import { QueueFooter, QueueStatus } from "./QueueParts";
import type { Progress } from "./progress";
import { QuickPlayer, type PlayerHandle } from "./QuickPlayer";
import { useQuickKeys } from "./useQuickKeys";
import { undoKey } from "./undoStack";
import { usePredictionQueue } from "./usePredictionQueue";
import "./quick.css";

const VERDICTS = ["accept", "reject", "ignore"];

interface Props {
  projectId: number;
  name: string;
  start: Progress;
}

export function PredictionQuick({ projectId, name, start }: Props) {
  const { me } = useAuth();
  const userId = me?.id ?? null;
  const queue = usePredictionQueue(projectId, userId, start, undoKey(projectId, "predictions", userId));
  const { item, prediction, phase } = queue;
  const player = useRef<PlayerHandle>(null);
  const disabled = phase !== "ready" || !prediction;

  useQuickKeys(
    "binary",
    (command: Command) => {
      if (command.kind === "speed") player.current?.setSpeed(stepSpeed(player.current.speed(), command.step));
      else if (command.kind === "replay") player.current?.replay();
      else if (command.kind === "undo") queue.undo();
      else if (command.kind === "skip") queue.skip();
      else if (command.kind === "decide" && !disabled && VERDICTS.includes(command.value)) {
        queue.decide(command.value as "accept" | "reject" | "ignore");
      }
    },
    phase === "saving" || phase === "loading",
    prediction?.id ?? null,
  );

  const span = item && prediction ? playSpan(prediction, item.duration) : null;
  return (
    <div className="quick-page" data-mode="binary" data-over="predictions">
      <PageTitle
        actions={
          <>
            {item ? (
              <Link className="button" to={`/datapoints/${item.id}`}>
                Full editor
              </Link>
            ) : null}
            <Link className="button" to={`/projects/${projectId}`}>
              Back to project
            </Link>
          </>
        }
      >
        Accept or reject predictions: {name}
      </PageTitle>
      <QueueStatus
        queue={queue}
        names={VERDICTS}
        problem={queue.problem}
        projectId={projectId}
        finished="All done: no predictions left to decide in your queue."
      />
      {item && prediction ? (
        <section className="card quick-card" aria-label="Prediction" aria-busy={phase === "saving"}>
          <QuickPlayer ref={player} item={item} loop={false} span={span} />
          <p className="quick-question" data-testid="prediction-region" data-prediction-id={prediction.id}>
            {prediction.model ?? "A model"} found{" "}
            {prediction.transcript ? <q>{prediction.transcript}</q> : "this"} at <strong>{spanText(prediction)}</strong>
            {prediction.confidence !== null && prediction.confidence !== undefined
              ? ` (${Math.round(prediction.confidence * 100)}% sure)`
              : null}
            <span className="hint"> · {queue.leftInItem} left in this item</span>
          </p>
          <BinaryPanel name="Prediction" disabled={disabled} onDecide={(v) => queue.decide(v as "accept" | "reject" | "ignore")} />
          <QueueFooter queue={queue} disabled={disabled} skipName="Skip item" keys />
        </section>
      ) : null}
    </div>
  );
}
