// The selected segment's words with their times: click one to hear it from its start, the word
// being played is marked, and the boundaries are dragged on the waveform (useWordHandles).
import { useEffect, useState } from "react";
import type { Segment } from "./state/segments";
import { align, currentWord, timeWords, tokens, type Word } from "./state/words";
import { toPlayer, toRecording, type TimeFrame } from "./engine/timeFrame";
import { useWordHandles } from "./useWordHandles";
import type { Waveform } from "./useWaveform";
import "./words.css";

interface Props {
  segment: Segment | null;
  waveform: Waveform | null;
  ready: boolean;
  frame: TimeFrame;
  readOnly: boolean;
  onWords(words: Word[], what: string): void;
}

/** The transcript's words, each with its timed word (or none: typed since). */
function shown(seg: Segment): { text: string; word: Word | null; index: number }[] {
  const words = seg.words ?? [];
  const toks = tokens(seg.transcript);
  if (toks.length === 0) return words.map((w, index) => ({ text: w.word, word: w, index }));
  return align(toks, words).map((j, k) => ({ text: toks[k], word: j === null ? null : words[j], index: j ?? -1 }));
}

export function WordTimings({ segment, waveform, ready, frame, readOnly, onWords }: Props) {
  useWordHandles({ waveform, ready, segment, frame, readOnly, onWords: (w) => onWords(w, "Move word boundary") });
  const ws = waveform?.ws ?? null;
  const [now, setNow] = useState(0);
  useEffect(() => {
    if (!ws) return;
    setNow(toRecording(frame, ws.getCurrentTime()));
    return ws.on("timeupdate", (t) => setNow(toRecording(frame, t)));
  }, [ws, frame]);

  if (!segment || (!segment.words?.length && !segment.transcript.trim())) return null;
  const words = segment.words ?? [];
  const playing = currentWord(words, now);
  const guess = readOnly ? null : timeWords(segment.transcript, words, segment);
  return (
    <section className="panel word-timings" aria-label="Word timings">
      <h2>
        Words <span className="badge">{words.length} timed</span>
        {guess ? (
          <button
            type="button"
            className="time-words"
            title="Give the untimed words times between their neighbours, to drag into place"
            onClick={() => onWords(guess, "Time words")}
          >
            Time the untimed words
          </button>
        ) : null}
      </h2>
      {words.length === 0 ? (
        <p className="muted">No word timings yet: time the words, then drag their boundaries on the waveform.</p>
      ) : null}
      <ol className="word-list">
        {shown(segment).map(({ text, word, index }, k) =>
          word ? (
            <li key={k}>
              <button
                type="button"
                className="word-chip"
                data-testid="word"
                data-start={word.start.toFixed(3)}
                data-end={word.end.toFixed(3)}
                aria-current={index === playing ? "true" : undefined}
                title={word.confidence === undefined ? undefined : `confidence ${word.confidence.toFixed(2)}`}
                onClick={() => ws?.setTime(toPlayer(frame, word.start))}
              >
                <span className="word-text">{text}</span>
                <span className="word-time">
                  {word.start.toFixed(2)}–{word.end.toFixed(2)}
                </span>
              </button>
            </li>
          ) : (
            <li key={k}>
              <span className="word-chip untimed" data-testid="untimed-word" title="No time: typed since the words were timed">
                <span className="word-text">{text}</span>
                <span className="word-time">no time</span>
              </span>
            </li>
          ),
        )}
      </ol>
    </section>
  );
}
