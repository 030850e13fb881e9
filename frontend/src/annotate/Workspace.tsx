// The editor for one datapoint: waveform, transport, segment form, list and labels, wired to
// the keyboard and to autosave.
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from "react";
import { useLocation, useSearchParams } from "react-router-dom";
import { api, unwrap } from "../api/client";
import { Notice, ErrorMessage } from "../components/ui";
import { ingestOf } from "../jobs/api";
import { ProcessingPanel } from "../jobs/ProcessingPanel";
import type { Loaded } from "./AnnotatePage";
import { AnnotateHeader } from "./AnnotateHeader";
import { ChannelSwitch, LaneControls } from "./ChannelLanes";
import { DatapointPanel } from "./DatapointPanel";
import { labelHotkeys, resolveKeymap } from "./state/keymap";
import { SaveProblem } from "./SaveState";
import { SegmentForm } from "./SegmentForm";
import { SegmentTable } from "./SegmentTable";
import { SpectrogramControls } from "./SpectrogramControls";
import { readSpectrogramSettings, saveSpectrogramSettings } from "./engine/spectrogram";
import { contentKey, type Values } from "./state/segments";
import { ShortcutsOverlay } from "./ShortcutsOverlay";
import { frameOf, toPlayer, windowOf } from "./engine/timeFrame";
import { Transport } from "./Transport";
import { useAssignment } from "./useAssignment";
import { useChannelView } from "./useChannelView";
import { useEditorActions } from "./useEditorActions";
import { useRegionSync } from "./useRegionSync";
import { useSegmentEditor } from "./useSegmentEditor";
import { useShortcuts } from "./useShortcuts";
import { drawsBoxes, useSpectrogramBoxes } from "./useSpectrogramBoxes";
import { useStreamSource } from "./useStreamSource";
import { maxZoom, useWaveform } from "./useWaveform";
import { useViewport } from "./useViewport";
import { WordTimings } from "./WordTimings";
import type { NotesTab } from "../review/CommentsAndHistory";
import { EditorNotes } from "../review/EditorNotes";
import { RejectDialog } from "../review/RejectDialog";
import { RejectionNotice } from "../review/RejectionNotice";
import { ReviewBar } from "../review/ReviewBar";
import { latestRejection } from "../review/threads";
import { useComments } from "../review/useComments";
import { useMembers } from "../review/useMembers";
import { useOtherSegments } from "../review/useOtherSegments";
import { useReview } from "../review/useReview";
import { AgreementPanel } from "../quality/AgreementPanel";
import { PredictionsPanel } from "../models/PredictionsPanel";
import { predictionRegions } from "../models/predictionRegions";
import { usePredictions } from "../models/usePredictions";
import { GoldToggle } from "../quality/GoldToggle";
import { useActiveTime } from "../quality/useActiveTime";
import { useValidation } from "../quality/useValidation";
import { ValidationPanel } from "../quality/ValidationPanel";
import { readRules } from "../quality/validationRules";
import { RoundBar } from "../rounds/RoundBar";
import { useEditorRound } from "../rounds/useEditorRound";
import { GuidelinesDialog, useGuidelines } from "../guidelines/GuidelinesDialog";
import { readGuidelines } from "../guidelines/guidelines";

const DONE_LOCKED = "This item is done: Reopen it to change it.";

export function Workspace({ data }: { data: Loaded }) {
  const { project, labels, autosave, review, me } = data;
  // Loaded again when processing finishes.
  const [datapoint, setDatapoint] = useState(data.datapoint);
  const segmentLabels = useMemo(() => labels.filter((l) => l.scope === "segment"), [labels]);
  const datapointLabels = useMemo(() => labels.filter((l) => l.scope === "datapoint"), [labels]);
  const keymap = useMemo(() => resolveKeymap(project.settings), [project.settings]);
  const hotkeys = useMemo(() => labelHotkeys(labels), [labels]);

  const editor = useSegmentEditor(data.segments, autosave);
  const saveView = useSyncExternalStore(
    (listener) => autosave.subscribe(listener),
    () => autosave.getView(),
  );
  const [values, setValues] = useState<Values>(data.values);
  const [showHelp, setShowHelp] = useState(false);
  const guidelinesText = readGuidelines(project.settings);
  const guidelines = useGuidelines(project.id, me?.id ?? 0, guidelinesText);

  const waveBox = useRef<HTMLDivElement>(null);
  const minimapBox = useRef<HTMLDivElement>(null);
  const [spectrogram, setSpectrogram] = useState(readSpectrogramSettings);
  const stream = useStreamSource(datapoint, spectrogram);
  const source = stream.kind === "ready" ? stream.source : null;
  const { waveform, ready, error: waveError } = useWaveform(waveBox, minimapBox, source);
  // A lane per channel needs the server's per-channel peaks (streamed recordings).
  const channelView = useChannelView(waveform, source?.kind === "stream" ? source.peaks.info.channels : 1);
  const audioError = waveError ?? (stream.kind === "error" ? stream.message : null);
  const duration = datapoint.duration;
  // A window of a long recording plays part of it; segments stay in the recording's time.
  const { offset } = frameOf(datapoint);
  const frame = useMemo(() => ({ offset, duration }), [offset, duration]);
  const session = windowOf(datapoint);
  const ingest = ingestOf(datapoint);
  const manages = project.role === "manager" || project.role === "admin";
  const reloadDatapoint = useCallback(() => {
    const path = { datapoint_id: datapoint.id };
    unwrap(api.GET("/api/datapoints/{datapoint_id}", { params: { path } })).then(setDatapoint, () => undefined);
  }, [datapoint.id]);

  useEffect(() => {
    waveform?.view?.setSpectrogram(spectrogram);
    saveSpectrogramSettings(spectrogram);
  }, [waveform, spectrogram]);

  const actions = useEditorActions({ editor, waveform, frame, segmentLabels, keymap });
  const { selected, selectedId, looping } = actions;
  const viewport = useViewport({
    ws: waveform?.ws ?? null,
    ready,
    frame,
    maxZoom: source ? maxZoom(source, duration) : 1000,
    selected,
    memoryKey: String(datapoint.id),
    say: actions.say,
  });
  // The project's rules on the work on screen, checked by the server after every save.
  const hasRules = readRules(project.settings).length > 0;
  const validation = useValidation(datapoint.id, review?.user.id ?? null, hasRules, saveView.status);
  const assignment = useAssignment(data, autosave, actions.say, validation.refused);
  // A Done item is shown as it was handed in, read-only until the annotator reopens it; a
  // reviewer corrects submitted work in place.
  const readOnly = !review && assignment.status === "done";
  const { say } = actions;
  useEffect(() => editor.setLock(readOnly ? DONE_LOCKED : null, say), [editor, readOnly, say]);
  // Time spent on one's own work, idle time left out (reviewing is not annotating).
  useActiveTime(datapoint.id, !review && datapoint.my_assignment != null && !readOnly, waveform?.ws ?? null);
  const completeBlocked = review ? null : validation.blocked;
  const round = useEditorRound({ data, status: assignment.status, goTo: assignment.goTo, say });
  const complete = completeBlocked ? () => say(completeBlocked) : assignment.complete;
  const [saves, setSaves] = useState(0);
  useEffect(() => {
    if (saveView.status === "saved") setSaves((n) => n + 1);
  }, [saveView.status]);
  const overlap = review !== null && datapoint.assignments.length >= 2;

  // Review: comments, history, the verdict, other people's segments.
  const comments = useComments(datapoint.id);
  const members = useMembers(project.id);
  const verdict = useReview(data, autosave, assignment.took);
  const [, setParams] = useSearchParams();
  const [rejecting, setRejecting] = useState(false);
  const [notesTab, setNotesTab] = useState<NotesTab>("comments");
  const others = useOtherSegments(review);
  const predictions = usePredictions({
    datapointId: datapoint.id,
    whose: review?.user.id ?? null,
    editor,
    autosave,
    readOnly,
    say: actions.say,
    play: (start, end) => void waveform?.ws.play(toPlayer(frame, start), toPlayer(frame, end)),
  });
  const { show: showPredictions, list: predictionList } = predictions;
  const currentPrediction = predictions.current?.id ?? null;
  const predicted = useMemo(
    () => predictionRegions(showPredictions ? predictionList : [], currentPrediction, others.regions),
    [showPredictions, predictionList, currentPrediction, others.regions],
  );
  const arrival = (useLocation().state as { message?: string } | null)?.message ?? null;
  useEffect(() => {
    if (arrival) say(arrival);
  }, [arrival, say]);
  const rejection =
    !review && assignment.state === "rejected" ? latestRejection(comments.comments, me?.id) : null;
  // A reviewer's hand on the work: from the server (edited_by), or a change made here.
  const loaded = useMemo(() => new Map(data.segments.map((s) => [s.id, contentKey(s)])), [data.segments]);
  const onScreen = useMemo(() => new Map(editor.segments.map((s) => [s.id, s])), [editor.segments]);
  const correctionBy = review
    ? (id: string) => {
        const seg = onScreen.get(id);
        const changedHere = seg !== undefined && loaded.get(id) !== contentKey(seg);
        const by = (changedHere ? me?.username : data.editorOf.get(id)) ?? me?.username ?? null;
        return by && by !== review.user.name ? by : null;
      }
    : undefined;

  useRegionSync({
    waveform,
    ready,
    segments: editor.segments,
    labels: segmentLabels,
    selectedId,
    frame,
    readOnly,
    onCreate: actions.createFromDrag,
    onChangeTimes: actions.changeTimes,
    onSelect: (id) => actions.select(id, false),
    onPlay: (id) => actions.playSegment(id),
    others: predicted.length ? [...others.regions, ...predicted] : others.regions,
    flags: validation.bySegment,
    lanes: channelView.lanes,
  });

  useSpectrogramBoxes({
    waveform,
    ready,
    editor,
    segments: editor.segments,
    labels: segmentLabels,
    selectedId,
    frame,
    spectrogram,
    sampleRate: datapoint.sample_rate,
    canDraw: drawsBoxes(project.settings),
    readOnly,
    lanesHeight: channelView.lanes.height,
    onSelect: (id) => actions.select(id, false),
    onPlay: (id) => actions.playSegment(id),
  });

  function changeValues(next: Values) {
    if (readOnly) return actions.say(DONE_LOCKED);
    setValues(next);
    autosave.changeValues(next);
  }

  useShortcuts(
    keymap,
    hotkeys,
    {
      actions: {
        ...actions.keyActions,
        zoomToSelection: viewport.zoomToSelection,
        zoomToFit: viewport.zoomToFit,
        complete,
        skip: () => void round.skip(),
        help: () => setShowHelp((v) => !v),
        nextPrediction: predictions.next,
        acceptPrediction: predictions.accept,
        rejectPrediction: predictions.reject,
      },
      onLabelHotkey: (h) => {
        if (h.label.scope === "datapoint") {
          const next = actions.hotkeyValues(values, h);
          if (next) changeValues(next);
          return true;
        }
        return actions.segmentHotkey(h);
      },
      onEscape: () => actions.select(null, false),
    },
    showHelp || rejecting || guidelines.open,
  );

  // Save at once when the connection comes back or the tab is being left.
  useEffect(() => {
    const now = () => autosave.retryNow();
    const hidden = () => document.visibilityState === "hidden" && autosave.retryNow();
    window.addEventListener("online", now);
    document.addEventListener("visibilitychange", hidden);
    return () => {
      window.removeEventListener("online", now);
      document.removeEventListener("visibilitychange", hidden);
    };
  }, [autosave]);

  const number = selected ? editor.segments.findIndex((s) => s.id === selected.id) + 1 : 0;

  return (
    <div className="annotate">
      <div className="annotate-top">
        <AnnotateHeader
          projectId={project.id}
          projectName={project.name}
          fileName={datapoint.original_name}
          window={session}
          previousWindow={data.siblings.previous}
          nextWindow={data.siblings.next}
          onWindow={(id) => assignment.goTo(id)}
          status={assignment.status}
          state={assignment.state}
          reviewing={review !== null}
          marked={assignment.marked}
          saveView={saveView}
          busy={assignment.busy}
          hasPrevious={data.neighbours.previous !== null}
          hasNext={data.neighbours.next !== null}
          onPrevious={() => assignment.goTo(data.neighbours.previous)}
          onNext={() => assignment.goTo(data.neighbours.next)}
          onToggleReview={assignment.toggleReview}
          onComplete={complete}
          onReopen={assignment.reopen}
          onHelp={() => setShowHelp(true)}
          onGuidelines={guidelines.available ? guidelines.show : undefined}
          onSkip={round.canSkip && !round.inRound ? () => void round.skip() : undefined}
          skipKey={keymap.skip[0] ?? null}
          completeBlocked={completeBlocked}
          tools={manages ? <GoldToggle data={data} say={say} /> : null}
        />
        {round.round ? (
          <RoundBar
            round={round.round}
            canSkip={round.canSkip && round.inRound}
            busy={round.busy || assignment.busy}
            skipKeys={keymap.skip}
            onSkip={() => void round.skip()}
          />
        ) : null}
        {review ? (
          <ReviewBar
            review={review}
            state={assignment.state}
            marked={assignment.marked}
            submittedAt={data.assignment?.completed_at ?? null}
            reviewedAt={data.assignment?.reviewed_at ?? null}
            busy={verdict.busy || assignment.busy}
            colors={others.colors}
            showOthers={others.show}
            onShowOthers={others.setShow}
            onAuthor={(id) => void assignment.goTo(null).then(() => setParams({ review: String(id) }))}
            onAccept={() => void verdict.accept()}
            onReject={() => setRejecting(true)}
          />
        ) : null}
        <div className="annotate-messages">
          <SaveProblem
            view={saveView}
            onResolve={(choice) => {
              const conflict = autosave.resolve(choice);
              if (choice === "theirs" && conflict?.kind === "segment") actions.showServerCopy(conflict);
              if (choice === "theirs" && conflict?.kind === "values") setValues(conflict.theirs.values as Values);
            }}
            onDiscard={() => {
              const id = autosave.discardRefused();
              if (id) void actions.reloadSegment(id);
            }}
          />
          {rejection ? (
            <RejectionNotice comment={rejection} onShow={() => setNotesTab("comments")} />
          ) : null}
          <ErrorMessage>{verdict.error ?? assignment.error ?? audioError}</ErrorMessage>
          {actions.notice ? <Notice>{actions.notice}</Notice> : null}
        </div>
      </div>
      <div className="annotate-main">
        <div className="annotate-left">
          <section className="panel wave-panel" aria-label="Waveform">
            {stream.kind === "processing" ? (
              <ProcessingPanel ingest={ingest} canRetry={manages} onReady={reloadDatapoint} />
            ) : (
              <>
                <div ref={minimapBox} className="minimap" />
                <div className="wave-stack">
                  <div
                    ref={waveBox}
                    className={ready ? "waveform" : "waveform loading-wave"}
                    data-testid="waveform"
                    data-ready={ready ? "true" : "false"}
                    data-mode={source?.kind ?? ""}
                    data-split={channelView.split ? "true" : "false"}
                  />
                  <LaneControls view={channelView} />
                </div>
              </>
            )}
            {!ready && !audioError && stream.kind !== "processing" ? (
              <div className="wave-loading muted">Loading audio…</div>
            ) : null}
            <Transport
              ws={waveform?.ws ?? null}
              ready={ready}
              frame={frame}
              maxZoom={source ? maxZoom(source, duration) : 1000}
              spectrogram={
                source?.kind === "stream" ? (
                  <>
                    <ChannelSwitch view={channelView} />
                    <SpectrogramControls
                      settings={spectrogram}
                      channels={source.peaks.info.channels}
                      onChange={setSpectrogram}
                    />
                  </>
                ) : null
              }
              rate={actions.rate}
              onRate={actions.setRate}
              onSeek={actions.seekBy}
              onAddSegment={actions.newAtCursor}
              looping={looping}
              onZoomToSelection={viewport.zoomToSelection}
              onZoomToFit={viewport.zoomToFit}
              hasSelection={selected !== null}
            />
          </section>
          <WordTimings
            segment={selected}
            waveform={waveform}
            ready={ready}
            frame={frame}
            readOnly={readOnly}
            onWords={(words, what) => actions.changeSelected({ words }, what)}
          />
          <SegmentTable
            segments={editor.segments}
            labels={segmentLabels}
            selectedId={selectedId}
            onSelect={(id) => actions.select(id, true)}
            onTranscript={actions.setTranscript}
            readOnly={readOnly}
            openComments={comments.bySegment}
            correctionBy={correctionBy}
            flags={validation.bySegment}
            channels={channelView.channels}
          />
          {overlap ? <AgreementPanel datapointId={datapoint.id} refreshKey={saves} /> : null}
          <EditorNotes
            data={data}
            editor={editor}
            autosave={autosave}
            saveStatus={saveView.status}
            comments={comments}
            members={members}
            selected={selected}
            onSelect={(id) => actions.select(id, true)}
            say={say}
            tab={notesTab}
            onTab={setNotesTab}
          />
        </div>
        <aside className="annotate-side">
          {predictions.list.length > 0 ? <PredictionsPanel predictions={predictions} readOnly={readOnly} /> : null}
          {hasRules || validation.findings.length > 0 ? (
            <ValidationPanel
              validation={validation}
              segments={editor.segments}
              whose={review?.user.name ?? null}
              onJump={(id) => actions.select(id, true)}
            />
          ) : null}
          <SegmentForm
            segment={selected}
            number={number}
            labels={segmentLabels}
            frame={frame}
            looping={looping}
            reference={datapoint.reference_transcript}
            nyquist={datapoint.sample_rate / 2}
            boxes={drawsBoxes(project.settings)}
            readOnly={readOnly}
            channels={channelView.channels}
            onChange={actions.changeSelected}
            onPlay={() => selected && actions.playSegment(selected.id)}
            onLoop={actions.toggleLoop}
            onSplit={actions.split}
            onDelete={actions.deleteSelected}
          />
          <DatapointPanel
            labels={datapointLabels}
            values={values}
            onChange={changeValues}
            reference={datapoint.reference_transcript}
            error={data.valuesError}
            readOnly={readOnly}
          />
          <p className="history-actions">
            <button type="button" onClick={actions.undo} disabled={!editor.canUndo} title="Undo (Ctrl/⌘+Z)">
              ↶ Undo
            </button>
            <button type="button" onClick={actions.redo} disabled={!editor.canRedo} title="Redo (Ctrl/⌘+Shift+Z)">
              ↷ Redo
            </button>
          </p>
        </aside>
      </div>
      {rejecting && review ? (
        <RejectDialog
          who={review.user.name}
          members={members}
          onReject={verdict.reject}
          onClose={() => setRejecting(false)}
        />
      ) : null}
      {guidelines.open && guidelines.available ? (
        <GuidelinesDialog text={guidelinesText} onClose={guidelines.close} />
      ) : null}
      {showHelp ? (
        <ShortcutsOverlay keymap={keymap} hotkeys={hotkeys} onClose={() => setShowHelp(false)} />
      ) : null}
    </div>
  );
}
