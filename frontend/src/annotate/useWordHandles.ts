// Wires the word-boundary handles (engine/wordHandles) to the selected segment's words: placed
// where its words meet, and a drop saved as an edit (with undo) through `onWords`.
import { useEffect, useRef } from "react";
import { WordHandles } from "./engine/wordHandles";
import { toPlayer, toRecording, type TimeFrame } from "./engine/timeFrame";
import type { Segment } from "./state/segments";
import { boundaries, boundaryRange, moveBoundary, type Boundary, type Word } from "./state/words";
import type { Waveform } from "./useWaveform";

function describe(words: Word[], b: Boundary): string {
  const name = (i: number | null) => (i === null ? null : `“${words[i].word}”`);
  const [before, after] = [name(b.before), name(b.after)];
  if (before && after) return `Boundary between ${before} and ${after}`;
  return before ? `End of ${before}` : `Start of ${after}`;
}

export function useWordHandles(props: {
  waveform: Waveform | null;
  ready: boolean;
  segment: Segment | null;
  frame: TimeFrame;
  readOnly: boolean;
  onWords(words: Word[]): void;
}) {
  const { waveform, ready, segment, frame, readOnly } = props;
  const handles = useRef<WordHandles | null>(null);
  // The drop handler is made once per waveform; it reads the words on screen at drop time.
  const latest = useRef(props);
  latest.current = props;

  useEffect(() => {
    if (!waveform || !ready || readOnly) return;
    const made = new WordHandles(waveform.ws, (index, time) => {
      const { segment: seg, frame: at, onWords } = latest.current;
      const words = seg?.words;
      const b = words ? boundaries(words)[index] : undefined;
      if (!seg || !words || !b) return;
      const moved = moveBoundary(words, b, toRecording(at, time), seg);
      if (moved.some((w, i) => w !== words[i])) onWords(moved);
      else made.set(made.spots()); // let go where it was: back in place
    });
    handles.current = made;
    return () => {
      made.destroy();
      handles.current = null;
    };
  }, [waveform, ready, readOnly]);

  useEffect(() => {
    const words = segment?.words ?? [];
    handles.current?.set(
      segment
        ? boundaries(words).map((b) => {
            const { min, max } = boundaryRange(words, b, segment);
            const p = (t: number) => toPlayer(frame, t);
            return { time: p(b.time), min: p(min), max: p(max), label: describe(words, b) };
          })
        : [],
    );
  }, [segment, frame, waveform, ready, readOnly]);
}
