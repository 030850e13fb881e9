// Word timings of a segment (`attributes.words`, recording seconds) and the arithmetic on them:
// boundaries to drag, the word playing now, and keeping them in step with a typed transcript.
import type { Segment } from "./segments";

/** Times are kept to the millisecond (as segments.roundTime; not imported, to keep no cycle). */
const roundTime = (t: number) => Math.round(t * 1000) / 1000;

export interface Word {
  word: string;
  start: number;
  end: number;
  confidence?: number;
}

/** Shortest word a drag leaves (seconds). */
export const MIN_WORD = 0.01;
/** Edges closer than this are one boundary: the words share it (times are kept to the ms). */
const SAME = 0.0005;

/** The words of a segment's attributes: {word, start, end} objects or [start, end, word, p]. */
export function readWords(attributes: unknown): Word[] {
  const raw = (attributes as { words?: unknown } | null | undefined)?.words;
  if (!Array.isArray(raw)) return [];
  const out: Word[] = [];
  for (const item of raw as unknown[]) {
    const w = Array.isArray(item)
      ? { start: item[0], end: item[1], word: item[2], confidence: item[3] }
      : (item as Record<string, unknown> | null);
    if (!w || typeof w.word !== "string" || typeof w.start !== "number" || typeof w.end !== "number") continue;
    const word: Word = { word: w.word, start: w.start, end: w.end };
    if (typeof w.confidence === "number") word.confidence = w.confidence;
    out.push(word);
  }
  return out;
}

/**
 * A place between words a handle drags. Where one word ends exactly where the next starts they
 * share it and move together (the usual case for ASR output, so no gap or overlap appears);
 * where a pause lies between them, each edge is its own boundary.
 */
export interface Boundary {
  time: number;
  /** Index of the word that ends here. */
  before: number | null;
  /** Index of the word that starts here. */
  after: number | null;
}

export function boundaries(words: Word[]): Boundary[] {
  const out: Boundary[] = [];
  words.forEach((w, i) => {
    const last = out[out.length - 1];
    if (last && last.before === i - 1 && Math.abs(last.time - w.start) < SAME) last.after = i;
    else out.push({ time: w.start, before: null, after: i });
    out.push({ time: w.end, before: i, after: null });
  });
  return out;
}

/** Where a boundary may go: past neither of its words' other edges nor a neighbour's edge. */
export function boundaryRange(words: Word[], b: Boundary, span: { start: number; end: number }) {
  let min = span.start;
  let max = span.end;
  if (b.before !== null) min = Math.max(min, words[b.before].start + MIN_WORD);
  else if (b.after !== null && b.after > 0) min = Math.max(min, words[b.after - 1].end);
  if (b.after !== null) max = Math.min(max, words[b.after].end - MIN_WORD);
  else if (b.before !== null && b.before < words.length - 1) max = Math.min(max, words[b.before + 1].start);
  return { min, max };
}

/** The words with boundary `b` moved to `t` (kept inside its range, on the millisecond). */
export function moveBoundary(words: Word[], b: Boundary, t: number, span: { start: number; end: number }): Word[] {
  const { min, max } = boundaryRange(words, b, span);
  const at = roundTime(Math.min(max, Math.max(min, t)));
  return words.map((w, i) => {
    if (i === b.before) return { ...w, end: at };
    if (i === b.after) return { ...w, start: at };
    return w;
  });
}

/** Index of the word being said at `t`, or -1 between words. */
export function currentWord(words: Word[], t: number): number {
  let lo = 0;
  let hi = words.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (t < words[mid].start) hi = mid - 1;
    else if (t >= words[mid].end) lo = mid + 1;
    else return mid;
  }
  return -1;
}

/** The words of a transcript as typed: split on spaces. */
export function tokens(transcript: string): string[] {
  return transcript.split(/\s+/).filter((t) => t.length > 0);
}

// Case and punctuation do not make a different word ("Hello," is still "hello").
const key = (t: string) => t.toLocaleLowerCase().replace(/[\p{P}\p{S}]/gu, "");

/**
 * For each token, the index of the word it is (or null): the longest common subsequence of
 * words, then, between two matched words, as many changed tokens as changed words are taken
 * as corrections of them one for one (a misheard word retyped keeps its time).
 */
export function align(toks: string[], words: Word[]): (number | null)[] {
  const n = toks.length;
  const m = words.length;
  const a = toks.map(key);
  const b = words.map((w) => key(w.word));
  // lcs[i][j]: the longest common run of a[i:] and b[j:].
  const lcs = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const out: (number | null)[] = new Array<number | null>(n).fill(null);
  let i = 0;
  let j = 0;
  let gapI = 0;
  let gapJ = 0;
  const closeGap = () => {
    if (i - gapI === j - gapJ) for (let k = 0; k < i - gapI; k++) out[gapI + k] = gapJ + k;
  };
  while (i < n && j < m) {
    if (a[i] === b[j] && lcs[i][j] === lcs[i + 1][j + 1] + 1) {
      closeGap();
      out[i] = j;
      i++;
      j++;
      gapI = i;
      gapJ = j;
    } else if (lcs[i + 1][j] >= lcs[i][j + 1]) i++;
    else j++;
  }
  i = n;
  j = m;
  closeGap();
  return out;
}

/**
 * The words after the transcript was typed: a word still in the text keeps its time (and takes
 * the text as typed); a word gone or changed beyond a one-for-one correction loses its time,
 * and a new word has none until it is timed again. Untimed words are not stored.
 */
export function reconcile(transcript: string, words: Word[]): Word[] {
  if (words.length === 0) return words;
  const toks = tokens(transcript);
  const found = align(toks, words);
  const out: Word[] = [];
  found.forEach((j, k) => {
    if (j === null) return;
    const w = words[j];
    if (w.word === toks[k]) out.push(w);
    else if (key(w.word) === key(toks[k])) out.push({ ...w, word: toks[k] });
    else out.push({ word: toks[k], start: w.start, end: w.end }); // retyped: its score was for the old word
  });
  return out;
}

/** Words kept inside a segment's (new) span: cut at its edges, dropped when nothing is left. */
export function clipWords(words: Word[], start: number, end: number): Word[] {
  const out: Word[] = [];
  for (const w of words) {
    const s = Math.max(w.start, start);
    const e = Math.min(w.end, end);
    if (e - s < MIN_WORD) continue;
    out.push(s === w.start && e === w.end ? w : { ...w, start: roundTime(s), end: roundTime(e) });
  }
  return out.length === words.length && out.every((w, i) => w === words[i]) ? words : out;
}

/** Words split at `t`: a word goes to the side that holds most of it. */
export function splitWords(words: Word[], t: number): [Word[], Word[]] {
  const left = words.filter((w) => (w.start + w.end) / 2 < t);
  const right = words.filter((w) => (w.start + w.end) / 2 >= t);
  return [clipWords(left, -Infinity, t), clipWords(right, t, Infinity)];
}

/**
 * An edited segment with its words kept in step: a retyped transcript re-aligns them (see
 * `reconcile`), a moved segment takes them along, a resized one cuts them to its span. Words
 * set by the edit itself stay as set.
 */
export function keepWords(before: Segment, after: Segment): Segment {
  let words = after.words;
  if (!words?.length || words !== before.words) return after;
  if (after.transcript !== before.transcript) words = reconcile(after.transcript, words);
  const shift = roundTime(after.start - before.start);
  if (shift !== 0 && roundTime(after.end - before.end) === shift) {
    // The segment was moved, not resized: its words go with it.
    words = words.map((w) => ({ ...w, start: roundTime(w.start + shift), end: roundTime(w.end + shift) }));
  } else if (after.start !== before.start || after.end !== before.end) {
    words = clipWords(words, after.start, after.end);
  }
  return words === after.words ? after : { ...after, words };
}

/**
 * Times for the words typed but not yet timed: each run of them shares out the pause its timed
 * neighbours (or the segment's edges) leave, in proportion to its letters, so the annotator
 * starts from a guess and drags the boundaries where they belong. Null when there is nothing
 * to time or no room for it.
 */
export function timeWords(transcript: string, words: Word[], span: { start: number; end: number }): Word[] | null {
  const toks = tokens(transcript);
  const found = words.length ? align(toks, words) : toks.map(() => null);
  if (!found.includes(null)) return null;
  const out: Word[] = [];
  let k = 0;
  while (k < toks.length) {
    const j = found[k];
    if (j !== null) {
      out.push({ ...words[j], word: toks[k] });
      k++;
      continue;
    }
    let last = k;
    while (last < toks.length && found[last] === null) last++;
    const next = found[last];
    const from = out.length ? out[out.length - 1].end : span.start;
    const to = next != null ? words[next].start : span.end;
    const run = toks.slice(k, last);
    if ((to - from) / run.length < MIN_WORD) return null;
    const sizes = run.map((t) => Math.max(1, key(t).length));
    const total = sizes.reduce((a, b) => a + b, 0);
    let done = 0;
    let at = from;
    run.forEach((t, i) => {
      done += sizes[i];
      const end = i === run.length - 1 ? to : roundTime(from + ((to - from) * done) / total);
      out.push({ word: t, start: roundTime(at), end: roundTime(end) });
      at = end;
    });
    k = last;
  }
  return out;
}
