// What the annotator can do to segments and playback, shared by buttons, keys and the waveform.
import { useCallback, useEffect, useRef, useState } from "react";
import { api, errorMessage, unwrap } from "../api/client";
import type { Conflict } from "./state/autosave";
import { created, deleted, updated } from "./state/history";
import type { Action, Keymap, LabelHotkey } from "./state/keymap";
import { applyHotkey } from "./state/labelValues";
import {
  fromServer,
  neighbourSegment,
  segmentAt,
  snapEdges,
  splitAt,
  type Label,
  type Segment,
  type Values,
} from "./state/segments";
import { clampToFrame, toPlayer, toRecording, type TimeFrame } from "./engine/timeFrame";
import { RATES } from "./Transport";
import type { Waveform } from "./useWaveform";
import type { SegmentEditor } from "./useSegmentEditor";

/** Edges snap to a neighbour's edge closer than this many pixels. */
const SNAP_PX = 8;

interface Deps {
  editor: SegmentEditor;
  waveform: Waveform | null;
  /** The part of the recording on the page; segments are in recording time, the player in its own. */
  frame: TimeFrame;
  segmentLabels: Label[];
  keymap: Keymap;
}

export function useEditorActions({ editor, waveform, frame }: Deps) {
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [loopId, setLoopId] = useState<string | null>(null);
  const [rate, setRate] = useState(1);
  const [notice, setNotice] = useState<string | null>(null);
  const noticeTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const ws = waveform?.ws ?? null;

  const say = useCallback((text: string | null) => {
    setNotice(text);
    if (noticeTimer.current) clearTimeout(noticeTimer.current);
    if (text) noticeTimer.current = setTimeout(() => setNotice(null), 4000);
  }, []);

  const { duration } = frame;
  /** The cursor in recording time. */
  const time = () => toRecording(frame, ws?.getCurrentTime() ?? 0);
  const segment = (id: string | null) => (id ? editor.current().segments[id] ?? null : null);
  const selected = segment(selectedId);

  useEffect(() => {
    ws?.setPlaybackRate(rate, true);
  }, [ws, rate]);

  // Looping: back to the segment's start whenever playback passes its end.
  useEffect(() => {
    if (!ws || !loopId) return;
    return ws.on("timeupdate", (playerTime) => {
      const seg = editor.current().segments[loopId];
      if (!seg) return;
      const t = toRecording(frame, playerTime);
      if (t >= seg.end - 0.005 || t < seg.start - 0.25) ws.setTime(toPlayer(frame, seg.start));
    });
  }, [ws, loopId, editor, frame]);

  useEffect(() => {
    if (loopId && !editor.current().segments[loopId]) setLoopId(null);
  }, [loopId, editor, editor.segments]);

  /** Scrolls the waveform so recording time `at` is visible. */
  const reveal = useCallback(
    (at: number) => {
      if (!ws || duration <= 0) return;
      const t = toPlayer(frame, at);
      const pxPerSec = ws.getWrapper().scrollWidth / duration;
      const from = ws.getScroll() / pxPerSec;
      const to = from + ws.getWidth() / pxPerSec;
      if (t < from || t > to) ws.setScrollTime(Math.max(0, t - (to - from) * 0.1));
    },
    [ws, duration, frame],
  );

  const select = useCallback(
    (id: string | null, seek: boolean) => {
      setSelectedId(id);
      const seg = id ? editor.current().segments[id] : null;
      if (seg && seek && ws) {
        ws.setTime(toPlayer(frame, seg.start));
        reveal(seg.start);
      }
    },
    [editor, ws, reveal, frame],
  );

  const seekBy = useCallback(
    (delta: number) => {
      if (!ws) return;
      const t = clampToFrame(frame, toRecording(frame, ws.getCurrentTime()) + delta);
      ws.setTime(toPlayer(frame, t));
      reveal(t);
    },
    [ws, frame, reveal],
  );

  const snapThreshold = () => {
    if (!ws || duration <= 0) return 0.05;
    const pxPerSec = ws.getWrapper().scrollWidth / duration;
    return pxPerSec > 0 ? SNAP_PX / pxPerSec : 0.05;
  };

  const others = () => Object.values(editor.current().segments);

  /** `channel`: the split view's lane it was drawn on (absent or null: all channels). */
  const createFromDrag = (start: number, end: number, channel: number | null = null) => {
    const id = crypto.randomUUID();
    const th = snapThreshold();
    let edges = snapEdges({ id, start, end }, others(), th, frame, "start");
    edges = snapEdges({ id, ...edges }, others(), th, frame, "end");
    const made = editor.edit("Create segment", () => [created({ id, ...edges, transcript: "", values: {}, channel })]);
    if (made.length) setSelectedId(id);
  };

  const changeTimes = (id: string, start: number, end: number, side?: "start" | "end") => {
    const edges = snapEdges({ id, start, end }, others(), snapThreshold(), frame, side);
    const changes = editor.edit(side ? "Resize segment" : "Move segment", (doc) => updated(doc, id, edges));
    setSelectedId(id);
    if (changes.length === 0) {
      // Snapped back to where it was: put the region there too.
      const seg = segment(id);
      const region = waveform?.regions.getRegions().find((r) => r.id === id);
      if (seg && region) region.setOptions({ start: toPlayer(frame, seg.start), end: toPlayer(frame, seg.end) });
    }
  };

  const newAtCursor = () => {
    const seg = segmentAt(crypto.randomUUID(), time(), others(), frame);
    if (!seg) return say("No room for a segment here.");
    if (!editor.edit("New segment", () => [created(seg)]).length) return;
    setSelectedId(seg.id);
    reveal(seg.start);
  };

  const split = () => {
    const seg = segment(selectedId);
    if (!seg) return say("Select a segment to split.");
    const parts = splitAt(seg, time(), crypto.randomUUID());
    if (!parts) return say("Put the cursor inside the selected segment to split it.");
    const made = editor.edit("Split segment", (doc) => [...updated(doc, seg.id, parts[0]), created(parts[1])]);
    if (made.length) setSelectedId(parts[1].id);
  };

  const deleteSelected = () => {
    const seg = segment(selectedId);
    if (!seg) return say("Select a segment to delete.");
    if (!editor.edit("Delete segment", () => [deleted(seg)]).length) return;
    setSelectedId(null);
    say("Segment deleted. Undo with Ctrl/⌘+Z.");
  };

  const changeSelected = (patch: Partial<Segment>, what: string, key?: string) => {
    if (selectedId) editor.edit(what, (doc) => updated(doc, selectedId, patch), key);
  };

  const setTranscript = (id: string, text: string) =>
    editor.edit("Edit transcript", (doc) => updated(doc, id, { transcript: text }), `transcript:${id}`);

  const afterHistory = (changes: { id: string; after: Segment | null }[], label: string) => {
    if (changes.length === 0) return editor.isLocked() ? undefined : say(`Nothing to ${label.toLowerCase()}.`);
    const shown = changes.find((c) => c.after !== null);
    setSelectedId(shown ? shown.id : null);
  };

  const playSegment = (id: string) => {
    const seg = segment(id);
    if (!seg || !ws) return;
    setSelectedId(id);
    if (loopId !== id) setLoopId(null);
    void ws.play(toPlayer(frame, seg.start), loopId === id ? undefined : toPlayer(frame, seg.end));
  };

  const toggleLoop = () => {
    const seg = segment(selectedId);
    if (!seg || !ws) return say("Select a segment to loop.");
    if (loopId === seg.id) {
      setLoopId(null);
      ws.pause();
    } else {
      setLoopId(seg.id);
      void ws.play(toPlayer(frame, seg.start));
    }
  };

  const segmentHotkey = (h: LabelHotkey): boolean => {
    const seg = segment(selectedId);
    if (!seg) {
      say(`Select a segment to set ${h.label.name}.`);
      return true;
    }
    const next = applyHotkey(seg.values, h.label, h.valueId);
    if (!next) {
      // A label hotkey on a text or number label: go to its field.
      const field = document.querySelector<HTMLElement>(`[data-label-id="${h.label.id}"]`);
      field?.focus();
      return field !== null;
    }
    editor.edit(`Set ${h.label.name}`, (doc) => updated(doc, seg.id, { values: next }));
    return true;
  };

  const hotkeyValues = (values: Values, h: LabelHotkey): Values | null => {
    const next = applyHotkey(values, h.label, h.valueId);
    if (!next) document.querySelector<HTMLElement>(`[data-label-id="${h.label.id}"]`)?.focus();
    return next;
  };

  const showServerCopy = (conflict: Extract<Conflict, { kind: "segment" }>) => {
    editor.replace(conflict.id, conflict.theirs ? fromServer(conflict.theirs) : null);
  };

  const reloadSegment = async (id: string) => {
    try {
      const seg = await unwrap(api.GET("/api/segments/{segment_id}", { params: { path: { segment_id: id } } }));
      editor.replace(id, fromServer(seg));
    } catch (err) {
      editor.replace(id, null);
      if (!(err instanceof Error && /does not exist/.test(err.message))) say(errorMessage(err));
    }
  };

  const step = (delta: 1 | -1) => {
    const next = neighbourSegment(editor.segments, selectedId, delta, time());
    if (next) select(next.id, true);
  };

  const changeRate = (delta: 1 | -1) => {
    const i = RATES.indexOf(rate);
    const next = RATES[Math.max(0, Math.min(RATES.length - 1, (i === -1 ? 2 : i) + delta))];
    setRate(next);
    say(`Speed ${next}×`);
  };

  const keyActions: Omit<
    Record<Action, () => void>,
    "complete" | "skip" | "help" | "zoomToSelection" | "zoomToFit" | "nextPrediction" | "acceptPrediction" | "rejectPrediction"
  > = {
    playPause: () => void ws?.playPause(),
    seekBack: () => seekBy(-1),
    seekForward: () => seekBy(1),
    seekBackLong: () => seekBy(-5),
    seekForwardLong: () => seekBy(5),
    slower: () => changeRate(-1),
    faster: () => changeRate(1),
    newSegment: newAtCursor,
    split,
    nextSegment: () => step(1),
    previousSegment: () => step(-1),
    deleteSegment: deleteSelected,
    playSegment: () => (selectedId ? playSegment(selectedId) : say("Select a segment to play.")),
    loopSegment: toggleLoop,
    undo: () => afterHistory(editor.undo(), "Undo"),
    redo: () => afterHistory(editor.redo(), "Redo"),
  };

  return {
    selected,
    selectedId,
    looping: loopId !== null && loopId === selectedId,
    rate,
    setRate,
    notice,
    say,
    select,
    seekBy,
    createFromDrag,
    changeTimes,
    newAtCursor,
    split,
    deleteSelected,
    changeSelected,
    setTranscript,
    playSegment,
    toggleLoop,
    segmentHotkey,
    hotkeyValues,
    showServerCopy,
    reloadSegment,
    undo: keyActions.undo,
    redo: keyActions.redo,
    keyActions,
  };
}
