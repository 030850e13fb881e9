// Segments as the editor holds them, and the time arithmetic on them: order, snap, split, lanes.
import type { Schemas } from "../../api/client";
import { frameEnd, type TimeFrame } from "../engine/timeFrame";
import { readWords, splitWords, type Word } from "./words";

export type SegmentPublic = Schemas["SegmentPublic"];
export type Label = Schemas["LabelPublic"];
/** A label's value: a value id (single), value ids (multi), text, a number or a boolean. */
export type LabelValue = number | number[] | string | boolean;
export type Values = Record<string, LabelValue>;

/** What the annotator edits of a segment; the server's version is kept by the save queue. */
export interface Segment {
  id: string;
  start: number;
  end: number;
  transcript: string;
  values: Values;
  /** 0-based; null or absent: on all channels. */
  channel?: number | null;
  /** Word timings (attributes.words), in order, inside the segment; absent when it has none. */
  words?: Word[];
  /** The server's other attributes, sent back untouched. */
  attributes?: Record<string, unknown>;
  /** A box on the spectrogram: its frequency band in Hz (both set, or neither). */
  low_hz?: number | null;
  high_hz?: number | null;
}

/** Whether a segment is a time–frequency box. */
export function isBoxed(s: Segment): s is Segment & { low_hz: number; high_hz: number } {
  return typeof s.low_hz === "number" && typeof s.high_hz === "number";
}

/** Shortest segment the editor makes (seconds). */
export const MIN_LENGTH = 0.05;
/** Length of a segment made with the N key or the "+ Segment" button. */
export const NEW_LENGTH = 1;

/** Times are kept to the millisecond, as the server expects. */
export function roundTime(t: number): number {
  return Math.round(t * 1000) / 1000;
}

export function fromServer(s: SegmentPublic): Segment {
  return {
    id: s.id,
    start: s.start,
    end: s.end,
    transcript: s.transcript ?? "",
    values: (s.values ?? {}) as Values,
    channel: s.channel ?? null,
    ...attributesOf(s.attributes),
    ...(s.low_hz != null && s.high_hz != null ? { low_hz: s.low_hz, high_hz: s.high_hz } : {}),
  };
}

function attributesOf(raw: Record<string, unknown> | undefined): Pick<Segment, "words" | "attributes"> {
  if (!raw || Object.keys(raw).length === 0) return {};
  const rest = { ...raw };
  delete rest.words;
  const words = readWords(raw);
  return { ...(words.length ? { words } : {}), ...(Object.keys(rest).length ? { attributes: rest } : {}) };
}

/** The attributes to save: the server's, with the words as edited here. */
export function attributesToSave(s: Segment): Record<string, unknown> {
  return { ...(s.attributes ?? {}), ...(s.words?.length ? { words: s.words } : {}) };
}

/** What a segment says (times, text, values), to tell whether it changed since loading. */
export function contentKey(s: Segment): string {
  return JSON.stringify([s.start, s.end, s.transcript, s.values, s.channel ?? null, s.words ?? [], s.low_hz ?? null, s.high_hz ?? null]);
}

export function byTime(a: Segment, b: Segment): number {
  return a.start - b.start || a.end - b.end || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export function sortByTime(segments: Iterable<Segment>): Segment[] {
  return [...segments].sort(byTime);
}

function nearestEdge(t: number, others: Segment[], threshold: number): number | null {
  let best: number | null = null;
  for (const o of others) {
    for (const edge of [o.start, o.end]) {
      const d = Math.abs(edge - t);
      if (d <= threshold && (best === null || d < Math.abs(best - t))) best = edge;
    }
  }
  return best;
}

/**
 * Snaps a moved or resized segment's edges to its neighbours' edges when within `threshold`
 * seconds, keeping it inside `frame` (the recording, or the window being annotated). `side` is
 * the edge that was dragged; without it the whole segment moved and keeps its length.
 */
export function snapEdges(
  seg: { id: string; start: number; end: number },
  others: Segment[],
  threshold: number,
  frame: TimeFrame,
  side?: "start" | "end",
): { start: number; end: number } {
  const from = frame.offset;
  const to = frameEnd(frame);
  const rest = others.filter((o) => o.id !== seg.id);
  let { start, end } = seg;
  if (side === "start") {
    const s = nearestEdge(start, rest, threshold);
    if (s !== null && end - s >= MIN_LENGTH) start = s;
  } else if (side === "end") {
    const e = nearestEdge(end, rest, threshold);
    if (e !== null && e - start >= MIN_LENGTH) end = e;
  } else {
    const length = end - start;
    const s = nearestEdge(start, rest, threshold);
    const e = nearestEdge(end, rest, threshold);
    const ds = s === null ? Infinity : Math.abs(s - start);
    const de = e === null ? Infinity : Math.abs(e - end);
    if (s !== null && ds <= de) start = s;
    else if (e !== null) start = e - length;
    end = start + length;
    if (start < from) [start, end] = [from, from + length];
    if (end > to) [start, end] = [Math.max(from, to - length), to];
  }
  return { start: roundTime(Math.max(from, start)), end: roundTime(Math.min(to, end)) };
}

/** A new segment starting at `t`: NEW_LENGTH long, or up to the next segment's start. */
export function segmentAt(
  id: string,
  t: number,
  segments: Segment[],
  frame: TimeFrame,
): Segment | null {
  const from = frame.offset;
  const to = frameEnd(frame);
  let start = Math.max(from, Math.min(t, to));
  let end = Math.min(start + NEW_LENGTH, to);
  const next = segments
    .map((s) => s.start)
    .filter((s) => s > start + MIN_LENGTH)
    .sort((a, b) => a - b)[0];
  if (next !== undefined && next < end) end = next;
  if (end - start < MIN_LENGTH) {
    // At the very end of the recording: take the last NEW_LENGTH seconds instead.
    start = Math.max(from, to - NEW_LENGTH);
    end = to;
    if (end - start < MIN_LENGTH) return null;
  }
  return { id, start: roundTime(start), end: roundTime(end), transcript: "", values: {} };
}

/** Splits a segment at `t`: the left part keeps its id and transcript, both keep the labels. */
export function splitAt(seg: Segment, t: number, newId: string): [Segment, Segment] | null {
  const at = roundTime(t);
  if (at - seg.start < MIN_LENGTH || seg.end - at < MIN_LENGTH) return null;
  const left = { ...seg, end: at };
  const right = { ...seg, id: newId, start: at, transcript: "", values: cloneValues(seg.values) };
  if (seg.words?.length) {
    // Timed words say where the text splits: each part keeps its own words.
    const [before, after] = splitWords(seg.words, at);
    const text = (ws: Word[]) => ws.map((w) => w.word).join(" ");
    return [
      { ...left, words: before, transcript: text(before) },
      { ...right, words: after, transcript: text(after) },
    ];
  }
  return [left, right];
}

export function cloneValues(values: Values): Values {
  const out: Values = {};
  for (const [k, v] of Object.entries(values)) out[k] = Array.isArray(v) ? [...v] : v;
  return out;
}

/**
 * Overlapping segments go to separate lanes so each stays visible and clickable. Each segment
 * gets its lane and the number of lanes of its group of overlapping segments; a segment that
 * overlaps nothing keeps the full height.
 */
export function layoutLanes(segments: Segment[]): Map<string, { lane: number; of: number }> {
  const out = new Map<string, { lane: number; of: number }>();
  let group: { id: string; lane: number }[] = [];
  let laneEnds: number[] = [];
  let groupEnd = -Infinity;
  const close = () => {
    for (const g of group) out.set(g.id, { lane: g.lane, of: Math.max(1, laneEnds.length) });
    group = [];
    laneEnds = [];
  };
  for (const seg of sortByTime(segments)) {
    if (seg.start >= groupEnd) close();
    let lane = laneEnds.findIndex((end) => end <= seg.start);
    if (lane === -1) {
      lane = laneEnds.length;
      laneEnds.push(seg.end);
    } else laneEnds[lane] = seg.end;
    group.push({ id: seg.id, lane });
    groupEnd = Math.max(groupEnd, seg.end);
  }
  close();
  return out;
}

/** As layoutLanes, each channel (and "all channels") apart: for the split view's lanes. */
export function layoutLanesByChannel(segments: Segment[]): Map<string, { lane: number; of: number }> {
  const groups = new Map<number | null, Segment[]>();
  for (const seg of segments) {
    const key = seg.channel ?? null;
    groups.set(key, [...(groups.get(key) ?? []), seg]);
  }
  return new Map([...groups.values()].flatMap((group) => [...layoutLanes(group)]));
}

/** The segment before/after the selected one in time order, wrapping around. */
export function neighbourSegment(
  segments: Segment[],
  selectedId: string | null,
  step: 1 | -1,
  time: number,
): Segment | null {
  const sorted = sortByTime(segments);
  if (sorted.length === 0) return null;
  const i = sorted.findIndex((s) => s.id === selectedId);
  if (i === -1) {
    // Nothing selected: the first segment after the cursor (or the last one before it).
    if (step === 1) return sorted.find((s) => s.start >= time) ?? sorted[0];
    return [...sorted].reverse().find((s) => s.start < time) ?? sorted[sorted.length - 1];
  }
  return sorted[(i + step + sorted.length) % sorted.length];
}

export const DEFAULT_COLOR = "#2457c5";

/** The colour of a segment: its first coloured single-choice value, else its label's colour. */
export function segmentColor(seg: Segment, labels: Label[]): string {
  for (const label of labels) {
    if (label.scope !== "segment") continue;
    const v = seg.values[String(label.id)];
    if (v === undefined || v === null) continue;
    const ids = Array.isArray(v) ? v : typeof v === "number" ? [v] : [];
    for (const id of ids) {
      const value = label.values.find((x) => x.id === id);
      if (value?.color) return value.color;
      if (label.color) return label.color;
    }
  }
  return DEFAULT_COLOR;
}

/** A CSS colour with transparency, from #rgb or #rrggbb. */
export function withAlpha(color: string, alpha: number): string {
  let hex = color.trim().replace(/^#/, "");
  if (hex.length === 3) hex = [...hex].map((c) => c + c).join("");
  if (!/^[0-9a-fA-F]{6}$/.test(hex)) return `rgba(36, 87, 197, ${alpha})`;
  const n = parseInt(hex, 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

/** Short text for a segment's labels, e.g. "female · music, crosstalk". */
export function describeValues(values: Values, labels: Label[]): string {
  const parts: string[] = [];
  for (const label of labels) {
    if (label.scope !== "segment") continue;
    const v = values[String(label.id)];
    if (v === undefined || v === null || v === "" || (Array.isArray(v) && v.length === 0)) continue;
    if (label.kind === "single" || label.kind === "multi") {
      const ids = Array.isArray(v) ? v : [v];
      const names = ids.map((id) => label.values.find((x) => x.id === id)?.value ?? String(id));
      parts.push(names.join(", "));
    } else if (label.kind === "boolean") {
      if (v === true) parts.push(label.name);
    } else parts.push(`${label.name}: ${String(v)}`);
  }
  return parts.join(" · ");
}

/** Names of required segment labels without a value. */
export function missingRequired(values: Values, labels: Label[], scope: string): string[] {
  return labels
    .filter((l) => l.required && l.scope === scope)
    .filter((l) => {
      const v = values[String(l.id)];
      return v === undefined || v === null || v === "" || (Array.isArray(v) && v.length === 0);
    })
    .map((l) => l.name);
}

/** Time as m:ss.mmm (or h:mm:ss.mmm), precise enough to place an edge. */
export function formatTime(seconds: number): string {
  if (!Number.isFinite(seconds)) return "–";
  const total = Math.max(0, seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = (total % 60).toFixed(3).padStart(6, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}
