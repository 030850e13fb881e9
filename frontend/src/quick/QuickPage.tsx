// Quick mode (/projects/:projectId/quick): the annotator's queue one clip at a time, with the
// project's mode (settings.quick): accept/reject, choosing a value, or transcribing.
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { Link, useParams } from "react-router-dom";
import { errorMessage } from "../api/client";
import { useAuth } from "../auth/AuthContext";
import { ErrorMessage, Loading, Notice, PageTitle } from "../components/ui";
import { BinaryPanel } from "./BinaryPanel";
import { ChoicePanel } from "./ChoicePanel";
import { pickValue, stepSpeed, type Command } from "./keys";
import { QueueFooter, QueueStatus } from "./QueueParts";
import type { Progress } from "./progress";
import { loadSetup, mySpanningSegment, saveTranscript, saveValues, type Label, type Values } from "./quickApi";
import { QuickPlayer, type PlayerHandle } from "./QuickPlayer";
import { needsLabel, overOf, readQuick, type QuickSetting } from "./quickSettings";
import { TranscriptPanel } from "./TranscriptPanel";
import { useQuickKeys } from "./useQuickKeys";
import { useQuickQueue } from "./useQuickQueue";
import { undoKey } from "./undoStack";
import { PredictionQuick } from "./PredictionQuick";
import "./quick.css";

interface Setup {
  name: string;
  quick: QuickSetting | null;
  label: Label | null;
  start: Progress;
}

export function QuickPage() {
  const projectId = Number(useParams().projectId);
  const [setup, setSetup] = useState<Setup | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    loadSetup(projectId).then(
      ({ project, labels, progress }) => {
        const quick = readQuick(project.settings);
        const label = labels.find((l) => l.name === quick?.label && l.scope === "datapoint") ?? null;
        setSetup({
          name: project.name,
          quick,
          label,
          start: { done: progress.done, left: progress.left, counts: progress.counts },
        });
      },
      (err) => setError(errorMessage(err)),
    );
  }, [projectId]);

  if (error) return <ErrorMessage>{error}</ErrorMessage>;
  if (!setup) return <Loading />;
  const { quick, label } = setup;
  const broken = !quick ? "This project has no quick mode." : needsLabel(quick) && !label
    ? `The quick mode's label “${quick.label ?? ""}” is not an item label of this project any more.`
    : null;
  if (!quick || broken) {
    return (
      <>
        <PageTitle>{setup.name}</PageTitle>
        <Notice>
          {broken} <Link to={`/projects/${projectId}`}>Back to the project</Link> to use the full editor.
        </Notice>
      </>
    );
  }
  if (overOf(quick) === "predictions") return <PredictionQuick projectId={projectId} name={setup.name} start={setup.start} />;
  return <QuickQueue projectId={projectId} setup={setup} mode={quick.mode} label={label} />;
}

interface QueueProps {
  projectId: number;
  setup: Setup;
  mode: QuickSetting["mode"];
  label: Label | null;
}

function QuickQueue({ projectId, setup, mode, label }: QueueProps) {
  const { me } = useAuth();
  const userId = me?.id ?? null;
  const queue = useQuickQueue(projectId, setup.start, undoKey(projectId, mode, userId));
  const { item, phase } = queue;
  const player = useRef<PlayerHandle>(null);
  const [chosen, setChosen] = useState<number[]>([]);
  const [text, setText] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const before: Values = useMemo(() => (item?.my_assignment?.values ?? {}) as Values, [item]);
  // A new transcript segment's id, one per item, so a repeated save is the same segment.
  const newId = useMemo(() => (item ? crypto.randomUUID() : ""), [item]);

  // Each item starts from what is stored for it (an undone item shows its earlier answer).
  useEffect(() => {
    setProblem(null);
    if (!item) return;
    if (label) {
      const stored = before[String(label.id)];
      setChosen(Array.isArray(stored) ? (stored as number[]) : typeof stored === "number" ? [stored] : []);
    }
    setText("");
    if (mode === "transcript" && userId !== null) {
      let stale = false;
      mySpanningSegment(item.id, userId).then(
        (s) => !stale && s && setText(s.transcript),
        () => undefined,
      );
      return () => {
        stale = true;
      };
    }
  }, [item, label, mode, userId, before]);

  const names = label && mode === "binary" ? ["accept", "reject", "ignore"] : label ? label.values.map((v) => v.value) : [];
  const disabled = phase !== "ready" || !item;

  const decideBinary = useCallback(
    (value: string) => {
      if (!item || !label || disabled) return;
      const id = label.values.find((v) => v.value === value)?.id;
      if (id === undefined) return;
      const values = { ...before, [String(label.id)]: id };
      queue.decide(() => saveValues(item.id, values), [value], before);
    },
    [item, label, before, queue, disabled],
  );

  const submitChoice = useCallback(() => {
    if (!item || !label || disabled) return;
    if (chosen.length === 0) {
      setProblem(`Choose a value of ${label.name} first (keys 1–9).`);
      return;
    }
    const multi = label.kind === "multi";
    const values = { ...before, [String(label.id)]: multi ? chosen : chosen[0] };
    const counted = label.values.filter((v) => chosen.includes(v.id)).map((v) => v.value);
    queue.decide(() => saveValues(item.id, values), counted, before);
  }, [item, label, before, chosen, queue, disabled]);

  const submitTranscript = useCallback(() => {
    if (!item || userId === null || disabled) return;
    const typed = text.trim();
    if (!typed) {
      setProblem("Type the transcript first (Enter submits it).");
      return;
    }
    queue.decide(() => saveTranscript(item, userId, typed, newId), [], before);
  }, [item, userId, text, newId, queue, before, disabled]);

  useQuickKeys(
    mode,
    (command: Command) => {
      switch (command.kind) {
        case "speed":
          player.current?.setSpeed(stepSpeed(player.current.speed(), command.step));
          return;
        case "replay":
          player.current?.replay();
          return;
        case "undo":
          queue.undo();
          return;
        case "skip":
          queue.skip();
          return;
        case "decide":
          decideBinary(command.value);
          return;
        case "pick": {
          const value = label?.values[command.index];
          if (value) setChosen((c) => pickValue(c, value.id, label?.kind === "multi"));
          return;
        }
        case "submit":
          if (mode === "choice") submitChoice();
          else if (mode === "transcript") submitTranscript();
      }
    },
    phase === "saving" || phase === "loading",
    item,
  );

  const title = { binary: "Accept or reject", choice: "Choose", transcript: "Transcribe" }[mode];
  return (
    <div className="quick-page" data-mode={mode}>
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
        {title}: {setup.name}
      </PageTitle>
      <QueueStatus
        queue={queue}
        names={names}
        problem={queue.problem ?? problem}
        projectId={projectId}
        finished="All done: nothing left in your queue for this project."
      >
        {queue.retry ? (
          <button type="button" className="primary" onClick={queue.retry}>
            Try saving again
          </button>
        ) : null}
      </QueueStatus>
      {item ? (
        <section className="card quick-card" aria-label="Clip" aria-busy={phase === "saving"}>
          <QuickPlayer ref={player} item={item} loop={mode === "transcript"} />
          {mode === "binary" && label ? (
            <>
              <p className="quick-question">{label.name}</p>
              <BinaryPanel name={label.name} disabled={disabled} onDecide={decideBinary} />
            </>
          ) : null}
          {mode === "choice" && label ? (
            <ChoicePanel
              label={label}
              chosen={chosen}
              disabled={disabled}
              onPick={(id) => setChosen((c) => pickValue(c, id, label.kind === "multi"))}
              onSubmit={submitChoice}
            />
          ) : null}
          {mode === "transcript" ? (
            <TranscriptPanel
              reference={item.reference_transcript}
              text={text}
              disabled={disabled}
              onChange={setText}
              onSubmit={submitTranscript}
            />
          ) : null}
          <QueueFooter queue={queue} disabled={disabled} skipName="Skip" keys={mode !== "transcript"} />
        </section>
      ) : null}
    </div>
  );
}
