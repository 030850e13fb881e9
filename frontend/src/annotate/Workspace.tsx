// The editor for one datapoint: waveform, transport, segment form, list and labels, wired to
// the keyboard and to autosave.
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from "react";
import { api, unwrap } from "../api/client";
import { Notice, ErrorMessage } from "../components/ui";
import { ingestOf } from "../jobs/api";
import { ProcessingPanel } from "../jobs/ProcessingPanel";
import type { Loaded } from "./AnnotatePage";
import { AnnotateHeader } from "./AnnotateHeader";
import { DatapointPanel } from "./DatapointPanel";
import { labelHotkeys, resolveKeymap } from "./keymap";
import { SaveProblem } from "./SaveState";
import { SegmentForm } from "./SegmentForm";
import { SegmentTable } from "./SegmentTable";
import { SpectrogramControls } from "./SpectrogramControls";
import { readSpectrogramSettings, saveSpectrogramSettings } from "./spectrogram";
import type { Values } from "./segments";
import { ShortcutsOverlay } from "./ShortcutsOverlay";
import { frameOf, windowOf } from "./timeFrame";
import { Transport } from "./Transport";
import { useAssignment } from "./useAssignment";
import { useEditorActions } from "./useEditorActions";
import { useRegionSync } from "./useRegionSync";
import { useSegmentEditor } from "./useSegmentEditor";
import { useShortcuts } from "./useShortcuts";
import { useStreamSource } from "./useStreamSource";
import { maxZoom, useWaveform } from "./useWaveform";
import { useViewport } from "./useViewport";

const DONE_LOCKED = "This item is done: Reopen it to change it.";

export function Workspace({ data }: { data: Loaded }) {
  const { project, labels, autosave } = data;
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

  const waveBox = useRef<HTMLDivElement>(null);
  const minimapBox = useRef<HTMLDivElement>(null);
  const [spectrogram, setSpectrogram] = useState(readSpectrogramSettings);
  const stream = useStreamSource(datapoint, spectrogram);
  const source = stream.kind === "ready" ? stream.source : null;
  const { waveform, ready, error: waveError } = useWaveform(waveBox, minimapBox, source);
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
  const assignment = useAssignment(data, autosave, actions.say);
  // A Done item is shown as it was handed in, read-only until the annotator reopens it.
  const readOnly = assignment.status === "done";
  const { say } = actions;
  useEffect(() => editor.setLock(readOnly ? DONE_LOCKED : null, say), [editor, readOnly, say]);

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
        complete: assignment.complete,
        help: () => setShowHelp((v) => !v),
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
    showHelp,
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
          marked={assignment.marked}
          saveView={saveView}
          busy={assignment.busy}
          hasPrevious={data.neighbours.previous !== null}
          hasNext={data.neighbours.next !== null}
          onPrevious={() => assignment.goTo(data.neighbours.previous)}
          onNext={() => assignment.goTo(data.neighbours.next)}
          onToggleReview={assignment.toggleReview}
          onComplete={assignment.complete}
          onReopen={assignment.reopen}
          onHelp={() => setShowHelp(true)}
        />
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
          <ErrorMessage>{assignment.error ?? audioError}</ErrorMessage>
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
                <div
                  ref={waveBox}
                  className={ready ? "waveform" : "waveform loading-wave"}
                  data-testid="waveform"
                  data-ready={ready ? "true" : "false"}
                  data-mode={source?.kind ?? ""}
                />
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
                  <SpectrogramControls
                    settings={spectrogram}
                    channels={source.peaks.info.channels}
                    onChange={setSpectrogram}
                  />
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
          <SegmentTable
            segments={editor.segments}
            labels={segmentLabels}
            selectedId={selectedId}
            onSelect={(id) => actions.select(id, true)}
            onTranscript={actions.setTranscript}
            readOnly={readOnly}
          />
        </div>
        <aside className="annotate-side">
          <SegmentForm
            segment={selected}
            number={number}
            labels={segmentLabels}
            frame={frame}
            looping={looping}
            reference={datapoint.reference_transcript}
            readOnly={readOnly}
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
      {showHelp ? (
        <ShortcutsOverlay keymap={keymap} hotkeys={hotkeys} onClose={() => setShowHelp(false)} />
      ) : null}
    </div>
  );
}
