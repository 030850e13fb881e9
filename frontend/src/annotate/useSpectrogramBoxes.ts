// Wires the box layer (engine/BoxLayer) to the editor: segments with a frequency band are drawn
// as boxes on the spectrogram lane, and drawing, moving and resizing one is an undoable edit.
// Drawing new boxes is on where the project asks for it (`settings.spectrogram_boxes`, set by
// the bioacoustic template); elsewhere a drag on the lane still draws a plain segment, while
// boxes already there (imported, say) can still be moved and resized.
import { useEffect, useLayoutEffect, useRef } from "react";
import { BoxLayer, type BoxItem } from "./engine/BoxLayer";
import type { Box, Handle } from "./engine/boxes";
import type { SpectrogramSettings } from "./engine/spectrogram";
import { toPlayer, toRecording, type TimeFrame } from "./engine/timeFrame";
import { created, updated } from "./state/history";
import { describeValues, isBoxed, segmentColor, type Label, type Segment } from "./state/segments";
import type { SegmentEditor } from "./useSegmentEditor";
import { SPECTROGRAM_HEIGHT, type Waveform } from "./useWaveform";

interface Props {
  waveform: Waveform | null;
  ready: boolean;
  editor: SegmentEditor;
  segments: Segment[];
  labels: Label[];
  selectedId: string | null;
  frame: TimeFrame;
  spectrogram: SpectrogramSettings;
  sampleRate: number;
  canDraw: boolean;
  readOnly: boolean;
  /** Height of the waveform lanes above the spectrogram (more in the split view by channel). */
  lanesHeight: number;
  onSelect(id: string): void;
  onPlay(id: string): void;
}

/** Whether a project draws boxes on the spectrogram (its template's setting). */
export function drawsBoxes(settings: unknown): boolean {
  return typeof settings === "object" && settings !== null && (settings as Record<string, unknown>).spectrogram_boxes === true;
}

/** The fields a drop changes: all of them for a move, the grabbed sides for a resize. */
export function boxPatch(handle: Handle, box: Box): Partial<Segment> {
  if (handle === "move") return { start: box.start, end: box.end, low_hz: box.low, high_hz: box.high };
  const patch: Partial<Segment> = {};
  if (handle.includes("w")) patch.start = box.start;
  if (handle.includes("e")) patch.end = box.end;
  if (handle.includes("n")) patch.high_hz = box.high;
  if (handle.includes("s")) patch.low_hz = box.low;
  return patch;
}

/**
 * A box's time region stays on the waveform lane: cut off above the spectrogram, where the
 * box itself shows the band (the region's tint would hide the spectrogram around it).
 * After useRegionSync's own styling, which never sets clip-path.
 */
function clipRegions(wrapper: HTMLElement, boxed: Set<string>, laneTop: number | null) {
  for (const el of wrapper.querySelectorAll<HTMLElement>("[data-segment-id]")) {
    const cut = laneTop === null ? 0 : el.offsetTop + el.offsetHeight - laneTop;
    el.style.clipPath = boxed.has(el.dataset.segmentId ?? "") && cut > 0 ? `inset(0 0 ${cut}px 0)` : "";
  }
}

export function useSpectrogramBoxes(props: Props) {
  const { waveform, ready, segments, labels, selectedId, frame, spectrogram, sampleRate, canDraw, readOnly, lanesHeight } =
    props;
  const layer = useRef<BoxLayer | null>(null);
  const latest = useRef(props);
  // In the commit itself, so a press right after a render meets the new handlers.
  useLayoutEffect(() => {
    latest.current = props;
  });

  // One layer per wavesurfer instance that streams (only those have a spectrogram lane).
  useEffect(() => {
    if (!waveform?.view || !ready) return;
    const { ws } = waveform;
    const toRecordingBox = (box: Box) => {
      const f = latest.current.frame;
      return { start: toRecording(f, box.start), end: toRecording(f, box.end), low_hz: box.low, high_hz: box.high };
    };
    const made = new BoxLayer(
      ws.getWrapper(),
      () => ws.getDuration(),
      { top: 0, height: 0, scale: "linear", nyquist: 1, canDraw: false, readOnly: true },
      {
        onDraw(box) {
          const { editor, onSelect } = latest.current;
          const id = crypto.randomUUID();
          const seg = { id, transcript: "", values: {}, ...toRecordingBox(box) };
          if (editor.edit("Draw box", () => [created(seg)]).length) onSelect(id);
        },
        onChange(id, box, handle) {
          const { editor, onSelect } = latest.current;
          const { start, end, low_hz, high_hz } = toRecordingBox(box);
          const patch = boxPatch(handle, { start, end, low: low_hz, high: high_hz });
          editor.edit(handle === "move" ? "Move box" : "Resize box", (doc) => updated(doc, id, patch));
          onSelect(id);
        },
        onSelect: (id) => latest.current.onSelect(id),
        onPlay: (id) => latest.current.onPlay(id),
      },
    );
    layer.current = made;
    return () => {
      made.destroy();
      layer.current = null;
    };
  }, [waveform, ready]);

  // The lane: where the spectrogram canvas lies in the wrapper, its scale and the rules.
  useEffect(() => {
    const l = layer.current;
    if (!l || !waveform) return;
    const canvas = waveform.ws.getWrapper().querySelector<HTMLElement>("[data-testid=spectrogram]");
    l.setLane({
      // Right under the waveform lanes (not measured: after a switch to the split view the
      // canvases move only when they are next drawn).
      top: lanesHeight,
      height: spectrogram.show && canvas ? SPECTROGRAM_HEIGHT : 0,
      scale: spectrogram.scale,
      nyquist: sampleRate / 2,
      canDraw,
      readOnly,
    });
  }, [waveform, ready, spectrogram.show, spectrogram.scale, sampleRate, canDraw, readOnly, lanesHeight]);

  // The boxes: every segment with a band, numbered and coloured as its region is.
  useEffect(() => {
    const l = layer.current;
    if (!l) return;
    const order = new Map([...segments].sort((a, b) => a.start - b.start).map((s, i) => [s.id, i + 1]));
    const items: BoxItem[] = segments.filter(isBoxed).map((s) => {
      const text = describeValues(s.values, labels);
      return {
        id: s.id,
        box: { start: toPlayer(frame, s.start), end: toPlayer(frame, s.end), low: s.low_hz, high: s.high_hz },
        color: segmentColor(s, labels),
        label: text ? `${order.get(s.id)} · ${text}` : String(order.get(s.id)),
        selected: s.id === selectedId,
      };
    });
    l.setBoxes(items);
    if (waveform) clipRegions(waveform.ws.getWrapper(), new Set(items.map((i) => i.id)), l.laneTop);
  }, [waveform, ready, segments, labels, selectedId, frame, spectrogram.show, spectrogram.scale, sampleRate, lanesHeight]);
}
