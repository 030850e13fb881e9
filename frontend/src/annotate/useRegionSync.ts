// Keeps one wavesurfer region per segment in step with React: drawn, moved, recoloured, removed.
import { useEffect, useLayoutEffect, useRef } from "react";
import type { Region } from "wavesurfer.js/dist/plugins/regions.esm.js";
import {
  describeValues,
  layoutLanes,
  layoutLanesByChannel,
  segmentColor,
  withAlpha,
  type Label,
  type Segment,
} from "./state/segments";
import { channelAt, segmentBand, type LaneLayout } from "./engine/lanes";
import { toPlayer, toRecording, type TimeFrame } from "./engine/timeFrame";
import type { Waveform as WaveformHandle } from "./useWaveform";
import type { SegmentFlag } from "../quality/useValidation";

/** Times in and out are the recording's; regions are in the player's time (see timeFrame). */
export interface WaveformEvents {
  /** A segment drawn by dragging on an empty part of the waveform (on a channel's lane). */
  onCreate(start: number, end: number, channel: number | null): void;
  /** A region dropped after a move (no side) or a resize. */
  onChangeTimes(id: string, start: number, end: number, side?: "start" | "end"): void;
  onSelect(id: string): void;
  onPlay(id: string): void;
}

/** Someone else's segment, drawn read-only in its author's colour (while reviewing). */
export interface OtherRegion {
  segment: Segment;
  /** e.g. "bob · hello" */
  label: string;
  color: string;
  /** Its author's lane among the other authors (0: the first lane under the reviewed work). */
  lane: number;
  /** A model's prediction (nobody's work yet), and whether it is the one in hand. */
  prediction?: boolean;
  current?: boolean;
}

/** Other people's regions have ids of their own, never a segment's. */
const OTHER = "other:";

/**
 * Side-by-side lanes while reviewing: the work under review on top, then one lane per other
 * author, all of equal height (percent of the waveform's height each).
 */
export function laneShare(others: OtherRegion[]): number {
  const authors = others.reduce((n, o) => Math.max(n, o.lane + 1), 0);
  return 100 / (1 + authors);
}

interface Props extends WaveformEvents {
  waveform: WaveformHandle | null;
  ready: boolean;
  segments: Segment[];
  labels: Label[];
  selectedId: string | null;
  frame: TimeFrame;
  /** A Done item: regions are drawn but cannot be drawn, moved or resized. */
  readOnly?: boolean;
  others?: OtherRegion[];
  /** Segments that break the project's rules: marked along the region's bottom edge. */
  flags?: ReadonlyMap<string, SegmentFlag>;
  /** The split view's lanes: segments sit on their channel's lane and are drawn onto one. */
  lanes?: LaneLayout | null;
}

/** The player time under a pointer at `clientX` over wavesurfer's wrapper (the whole file). */
export function timeUnder(wrapper: HTMLElement, duration: number, clientX: number): number | null {
  const { left, width } = wrapper.getBoundingClientRect();
  if (!(width > 0) || !(duration > 0)) return null;
  return Math.min(duration, Math.max(0, ((clientX - left) / width) * duration));
}

function regionLabel(index: number, seg: Segment, labels: Label[]): HTMLElement {
  const el = document.createElement("div");
  const text = describeValues(seg.values, labels);
  el.textContent = text ? `${index + 1} · ${text}` : String(index + 1);
  Object.assign(el.style, {
    font: "600 11px/1.3 system-ui, sans-serif",
    color: "#1c2330",
    padding: "1px 4px",
    whiteSpace: "nowrap",
    overflow: "hidden",
    textOverflow: "ellipsis",
    maxWidth: "100%",
    pointerEvents: "none",
  });
  return el;
}

const NONE: OtherRegion[] = [];
const NO_FLAGS: ReadonlyMap<string, SegmentFlag> = new Map();
const FLAG_COLOR = { error: "#b42318", warning: "#c98a00" } as const;

/** Other people's segments: fixed regions that let clicks and drawing through. */
function drawOthers(
  waveform: WaveformHandle,
  drawn: Map<string, Region>,
  others: OtherRegion[],
  frame: TimeFrame,
  adding: { current: string | null },
  split: LaneLayout | null,
) {
  const seen = new Set<string>();
  const share = laneShare(others);
  // Within an author's lane, their own overlapping segments stack as the reviewed ones do.
  const lanes = new Map<string, { lane: number; of: number }>();
  for (const lane of new Set(others.map((o) => o.lane))) {
    const mine = others.filter((o) => o.lane === lane).map((o) => ({ ...o.segment, id: OTHER + o.segment.id }));
    for (const [id, at] of (split ? layoutLanesByChannel : layoutLanes)(mine)) lanes.set(id, at);
  }
  for (const o of others) {
    const id = OTHER + o.segment.id;
    seen.add(id);
    const start = toPlayer(frame, o.segment.start);
    const end = toPlayer(frame, o.segment.end);
    let region = drawn.get(id);
    if (!region) {
      const content = document.createElement("div");
      content.textContent = o.label;
      Object.assign(content.style, {
        font: "500 11px/1.3 system-ui, sans-serif",
        color: "#fff",
        background: o.color,
        borderRadius: "3px",
        padding: "0 4px",
        margin: "1px",
        display: "inline-block",
        maxWidth: "calc(100% - 2px)",
        whiteSpace: "nowrap",
        overflow: "hidden",
        textOverflow: "ellipsis",
      });
      adding.current = id;
      region = waveform.regions.addRegion({ id, start, end, color: withAlpha(o.color, 0.28), content, drag: false, resize: false });
      adding.current = null;
      drawn.set(id, region);
    } else if (region.start !== start || region.end !== end) region.setOptions({ start, end });
    const el = region.element;
    if (el) {
      // Its author's lane, under the work being reviewed.
      const { lane, of } = lanes.get(id) ?? { lane: 0, of: 1 };
      // Split view: the same rows inside the lane of the segment's channel, in pixels.
      const band = split ? segmentBand(split, o.segment.channel) : null;
      const unit = band ? band.height / 100 : 1;
      const at = share * (1 + o.lane) + (lane * share) / of;
      Object.assign(el.style, {
        top: band ? `${band.top + at * unit}px` : `${at}%`,
        height: band ? `${(share / of) * unit}px` : `${share / of}%`,
        border: o.current ? `2px solid #1c2330` : `1px dashed ${o.color}`,
        pointerEvents: "none",
        zIndex: o.current ? "2" : "0",
      });
      if (o.prediction) {
        el.setAttribute("data-prediction-id", o.segment.id);
        if (o.current) el.setAttribute("data-current", "true");
        else el.removeAttribute("data-current");
      } else el.setAttribute("data-other-segment-id", o.segment.id);
      el.setAttribute("data-lane", String(1 + o.lane));
    }
  }
  for (const [id, region] of drawn) {
    if (!seen.has(id)) {
      drawn.delete(id);
      region.remove();
    }
  }
}

/** Draws segments as regions; drag, resize and clicks come back through the callbacks. */
export function useRegionSync(props: Props) {
  const { waveform, ready, segments, labels, selectedId, frame, readOnly = false, others = NONE, flags = NO_FLAGS } = props;
  const lanes = props.lanes?.lanes.length ? props.lanes : null;
  const managed = useRef(new Map<string, Region>());
  const ghosts = useRef(new Map<string, Region>());
  // The id being added by the sync below, whose region-created event is not a drawing.
  const adding = useRef<string | null>(null);
  const events = useRef<WaveformEvents & { frame: TimeFrame; lanes?: LaneLayout | null }>(props);
  // Where the drawing pointer went down and is now (player time), while a drag draws, and the
  // lane it went down on.
  const drawing = useRef<{ press: number | null; last: number | null; channel: number | null }>({
    press: null,
    last: null,
    channel: null,
  });
  // In the commit itself: a drag or click right after a render (a new selection, the other
  // frame of a window) must meet the new handlers, not wait for the effects after the paint.
  useLayoutEffect(() => {
    events.current = props;
  });

  // Wire region events once per wavesurfer instance.
  useEffect(() => {
    if (!waveform) return;
    const { regions } = waveform;
    const known = managed.current;
    const subs = [
      regions.on("region-created", (region) => {
        if (known.get(region.id) === region || adding.current === region.id) return;
        // Drawn by the annotator: React makes it a segment and draws it from there. The
        // plugin starts a drawn region 5 px wide and grows it by the pointer's moves, so its
        // far edge lands 5 px past the pointer: the edges are where it went down and up.
        const { press, last, channel } = drawing.current;
        drawing.current = { press: null, last: null, channel: null };
        const start = press !== null && last !== null ? Math.min(press, last) : region.start;
        const end = press !== null && last !== null ? Math.max(press, last) : region.end;
        region.remove();
        const f = events.current.frame;
        if (end - start >= 0.02) events.current.onCreate(toRecording(f, start), toRecording(f, end), channel);
      }),
      regions.on("region-updated", (region, side) => {
        if (known.get(region.id) !== region) return;
        const f = events.current.frame;
        events.current.onChangeTimes(region.id, toRecording(f, region.start), toRecording(f, region.end), side);
      }),
      regions.on("region-clicked", (region) => {
        if (known.get(region.id) === region) events.current.onSelect(region.id);
      }),
      regions.on("region-double-clicked", (region) => {
        if (known.get(region.id) === region) events.current.onPlay(region.id);
      }),
    ];
    const drawnApart = ghosts.current;
    return () => {
      subs.forEach((off) => off());
      known.clear();
      drawnApart.clear();
    };
  }, [waveform]);

  // Drawing by dragging, unless the item is read-only; the pointer is followed alongside.
  useEffect(() => {
    if (!waveform || readOnly) return;
    const { ws, regions } = waveform;
    const wrapper = ws.getWrapper();
    const at = (e: PointerEvent) => timeUnder(wrapper, ws.getDuration(), e.clientX);
    const laneUnder = (e: PointerEvent) => {
      const layout = events.current.lanes;
      return layout ? channelAt(layout, e.clientY - wrapper.getBoundingClientRect().top) : null;
    };
    const down = (e: PointerEvent) => {
      drawing.current =
        e.button === 0 ? { press: at(e), last: null, channel: laneUnder(e) } : { press: null, last: null, channel: null };
    };
    const follow = (e: PointerEvent) => {
      if (drawing.current.press !== null) drawing.current.last = at(e);
    };
    wrapper.addEventListener("pointerdown", down);
    // Capture on window: seen before the plugin's own listeners on document finish the drawing.
    window.addEventListener("pointermove", follow, true);
    window.addEventListener("pointerup", follow, true);
    const disableDrag = regions.enableDragSelection({ color: "rgba(36, 87, 197, 0.25)" }, 4);
    return () => {
      disableDrag();
      wrapper.removeEventListener("pointerdown", down);
      window.removeEventListener("pointermove", follow, true);
      window.removeEventListener("pointerup", follow, true);
    };
  }, [waveform, readOnly]);

  // Draw the segments: add, move, recolour, relabel and remove regions as React's state says.
  useEffect(() => {
    if (!waveform || !ready) return;
    const known = managed.current;
    const stacks = lanes ? layoutLanesByChannel(segments) : layoutLanes(segments);
    // With other authors on screen, the reviewed work keeps the top lane only.
    const share = others.length ? laneShare(others) : 100;
    const order = new Map([...segments].sort((a, b) => a.start - b.start).map((s, i) => [s.id, i]));
    const seen = new Set<string>();
    for (const seg of segments) {
      seen.add(seg.id);
      const selected = seg.id === selectedId;
      const color = withAlpha(segmentColor(seg, labels), selected ? 0.42 : 0.22);
      const content = regionLabel(order.get(seg.id) ?? 0, seg, labels);
      const start = toPlayer(frame, seg.start);
      const end = toPlayer(frame, seg.end);
      let region = known.get(seg.id);
      if (!region) {
        adding.current = seg.id;
        region = waveform.regions.addRegion({
          id: seg.id,
          start,
          end,
          color,
          content,
          drag: !readOnly,
          resize: !readOnly,
          minLength: 0.02,
        });
        adding.current = null;
        known.set(seg.id, region);
      } else {
        if (region.start !== start || region.end !== end) region.setOptions({ start, end });
        if (region.color !== color) region.setOptions({ color });
        if (region.drag === readOnly) region.setOptions({ drag: !readOnly, resize: !readOnly });
        if (region.content?.textContent !== content.textContent) region.setContent(content);
      }
      const el = region.element;
      if (el) {
        const { lane, of } = stacks.get(seg.id) ?? { lane: 0, of: 1 };
        if (lanes) {
          // Split view: on its channel's lane (all of them when on all channels), in pixels.
          const band = segmentBand(lanes, seg.channel);
          const rows = (band.height * share) / 100;
          el.style.top = `${band.top + (lane * rows) / of}px`;
          el.style.height = `${rows / of}px`;
        } else {
          el.style.top = `${(lane * share) / of}%`;
          el.style.height = `${share / of}%`;
        }
        el.setAttribute("data-channel", seg.channel == null ? "all" : String(seg.channel));
        el.style.outline = selected ? "2px solid #1c2330" : "none";
        el.style.outlineOffset = "-2px";
        el.style.zIndex = selected ? "3" : "1";
        el.setAttribute("data-segment-id", seg.id);
        const flag = flags.get(seg.id);
        el.style.boxShadow = flag ? `inset 0 -4px 0 ${FLAG_COLOR[flag.severity]}` : "none";
        if (flag) {
          el.setAttribute("data-finding", flag.severity);
          el.title = flag.messages.join(" ");
        } else {
          el.removeAttribute("data-finding");
          el.removeAttribute("title");
        }
      }
    }
    for (const [id, region] of known) {
      if (!seen.has(id)) {
        known.delete(id);
        region.remove();
      }
    }
    drawOthers(waveform, ghosts.current, others, frame, adding, lanes);
  }, [waveform, ready, segments, labels, selectedId, frame, readOnly, others, flags, lanes]);
}
