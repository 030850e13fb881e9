import { describe, expect, it } from "vitest";
import { updated, emptyDoc } from "./history";
import { attributesToSave, fromServer, splitAt, type Segment, type SegmentPublic } from "./segments";
import {
  align,
  boundaries,
  clipWords,
  currentWord,
  keepWords,
  moveBoundary,
  readWords,
  reconcile,
  timeWords,
  tokens,
  type Word,
} from "./words";

const w = (word: string, start: number, end: number, confidence?: number): Word =>
  confidence === undefined ? { word, start, end } : { word, start, end, confidence };
// "hello world" share 1.5; a pause before "again".
const WORDS = [w("hello", 1, 1.5, 0.9), w("world", 1.5, 2), w("again", 2.4, 3)];
const SPAN = { start: 0.5, end: 3.5 };
const seg = (extra: Partial<Segment> = {}): Segment => ({
  id: "s",
  start: 0.5,
  end: 3.5,
  transcript: "hello world again",
  values: {},
  words: WORDS,
  ...extra,
});

describe("boundaries", () => {
  it("shares an edge where one word ends as the next starts, and not across a pause", () => {
    expect(boundaries(WORDS)).toEqual([
      { time: 1, before: null, after: 0 },
      { time: 1.5, before: 0, after: 1 },
      { time: 2, before: 1, after: null },
      { time: 2.4, before: null, after: 2 },
      { time: 3, before: 2, after: null },
    ]);
  });

  it("moves both words of a shared boundary together", () => {
    const moved = moveBoundary(WORDS, boundaries(WORDS)[1], 1.2345, SPAN);
    expect(moved.map((x) => [x.start, x.end])).toEqual([
      [1, 1.235],
      [1.235, 2],
      [2.4, 3],
    ]);
  });

  it("keeps a moved edge inside its words, the neighbours and the segment", () => {
    const b = boundaries(WORDS);
    expect(moveBoundary(WORDS, b[1], 0.2, SPAN)[0].end).toBe(1.01); // "hello" keeps 10 ms
    expect(moveBoundary(WORDS, b[2], 2.9, SPAN)[1].end).toBe(2.4); // not into "again"
    expect(moveBoundary(WORDS, b[3], 1.7, SPAN)[2].start).toBe(2); // nor back into "world"
    expect(moveBoundary(WORDS, b[0], 0, SPAN)[0].start).toBe(0.5); // nor out of the segment
    expect(moveBoundary(WORDS, b[4], 9, SPAN)[2].end).toBe(3.5);
  });
});

describe("currentWord", () => {
  it("is the word whose span holds the time, none in a pause", () => {
    expect([0.9, 1, 1.49, 1.5, 2.2, 2.4, 3].map((t) => currentWord(WORDS, t))).toEqual([-1, 0, 0, 1, -1, 2, -1]);
  });
});

describe("typing a transcript", () => {
  it("keeps the times of words still there, case and punctuation aside", () => {
    expect(reconcile("Hello, world again.", WORDS)).toEqual([
      w("Hello,", 1, 1.5, 0.9),
      w("world", 1.5, 2),
      w("again.", 2.4, 3),
    ]);
  });

  it("keeps a word's time when it is retyped one for one, without the old word's score", () => {
    expect(reconcile("yellow world again", WORDS)[0]).toEqual(w("yellow", 1, 1.5));
  });

  it("drops the times of words removed or replaced by more words; new words have none", () => {
    expect(reconcile("hello again", WORDS)).toEqual([WORDS[0], WORDS[2]]);
    expect(reconcile("hello big wide world again", WORDS)).toEqual(WORDS);
    expect(reconcile("hullo there world again", WORDS).map((x) => x.word)).toEqual(["world", "again"]);
    expect(reconcile("", WORDS)).toEqual([]);
  });

  it("aligns each typed token to its word or none", () => {
    expect(align(tokens("hello  big world"), WORDS)).toEqual([0, null, 1]);
  });

  it("goes through an edit: the new transcript re-aligns the words, times cut them", () => {
    const doc = emptyDoc([seg()]);
    const [typed] = updated(doc, "s", { transcript: "hello again" });
    expect(typed.after?.words).toEqual([WORDS[0], WORDS[2]]);
    const [shrunk] = updated(doc, "s", { end: 2.7 });
    expect(shrunk.after?.words?.map((x) => [x.start, x.end])).toEqual([
      [1, 1.5],
      [1.5, 2],
      [2.4, 2.7],
    ]);
    const [moved] = updated(doc, "s", { start: 1.5, end: 4.5 });
    expect(moved.after?.words?.map((x) => [x.start, x.end])).toEqual([
      [2, 2.5],
      [2.5, 3],
      [3.4, 4],
    ]);
    // Words the edit sets itself are taken as given.
    const mine = [w("hi", 1, 2)];
    expect(keepWords(seg(), seg({ transcript: "x", words: mine })).words).toBe(mine);
  });
});

describe("segments with words", () => {
  it("reads objects and Whisper's [start, end, word, p] lists", () => {
    expect(readWords({ words: [[1, 1.5, "hi", 0.5], { word: "yo", start: 2, end: 3 }, "bad"] })).toEqual([
      w("hi", 1, 1.5, 0.5),
      w("yo", 2, 3),
    ]);
    expect(readWords({})).toEqual([]);
  });

  it("sends the server's other attributes back with the words", () => {
    const server = { id: "s", start: 0.5, end: 3.5, transcript: "", values: {} } as unknown as SegmentPublic;
    const s = fromServer({ ...server, attributes: { language: "en", words: [[1, 2, "hi", 0.5]] } });
    expect(s.words).toEqual([w("hi", 1, 2, 0.5)]);
    expect(attributesToSave(s)).toEqual({ language: "en", words: [w("hi", 1, 2, 0.5)] });
    expect(attributesToSave({ ...s, words: [] })).toEqual({ language: "en" });
  });

  it("splits between words: each part keeps its words and their text", () => {
    const [left, right] = splitAt(seg(), 1.6, "t")!;
    expect(left.words).toEqual([WORDS[0]]);
    expect(left.transcript).toBe("hello");
    expect(right.words).toEqual([w("world", 1.6, 2), WORDS[2]]);
    expect(right.transcript).toBe("world again");
  });

  it("cuts words to a span and drops those left without length", () => {
    expect(clipWords(WORDS, 1.995, 2.7)).toEqual([w("again", 2.4, 2.7)]);
    expect(clipWords(WORDS, 0, 9)).toBe(WORDS);
  });
});

describe("timing typed words", () => {
  it("shares the pause between timed neighbours among new words, by their letters", () => {
    expect(timeWords("hello world it is again", WORDS, SPAN)).toEqual([
      WORDS[0],
      WORDS[1],
      w("it", 2, 2.2),
      w("is", 2.2, 2.4),
      WORDS[2],
    ]);
  });

  it("times a whole typed transcript over the segment, or says there is nothing to do", () => {
    expect(timeWords("ab abcd", [], { start: 1, end: 2.5 })).toEqual([w("ab", 1, 1.5), w("abcd", 1.5, 2.5)]);
    expect(timeWords("hello world again", WORDS, SPAN)).toBeNull();
    expect(timeWords("hello there world", WORDS.slice(0, 2), SPAN)).toBeNull(); // no room at 1.5
  });
});
