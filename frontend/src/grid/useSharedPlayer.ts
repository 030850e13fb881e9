// One <audio> element for the whole grid: playing a card stops the one before.
import { useCallback, useEffect, useRef, useState } from "react";

export interface SharedPlayer {
  playing: number | null;
  /** The item that last played to its end. */
  finished: number | null;
  /** Plays the item from the start, or stops it when it is the one playing. */
  toggle(id: number, url: string): void;
}

export function useSharedPlayer(): SharedPlayer {
  const audio = useRef<HTMLAudioElement | null>(null);
  const [playing, setPlaying] = useState<number | null>(null);
  const [finished, setFinished] = useState<number | null>(null);
  const current = useRef<number | null>(null);

  useEffect(() => {
    const el = new Audio();
    el.preload = "none";
    const ended = () => {
      setFinished(current.current);
      setPlaying(null);
    };
    const failed = () => setPlaying(null);
    el.addEventListener("ended", ended);
    el.addEventListener("error", failed);
    audio.current = el;
    return () => {
      el.pause();
      el.removeEventListener("ended", ended);
      el.removeEventListener("error", failed);
      el.removeAttribute("src");
      audio.current = null;
    };
  }, []);

  const toggle = useCallback(
    (id: number, url: string) => {
      const el = audio.current;
      if (!el) return;
      if (playing === id) {
        el.pause();
        setPlaying(null);
        return;
      }
      el.pause();
      el.src = url;
      el.currentTime = 0;
      current.current = id;
      setPlaying(id);
      el.play().catch(() => setPlaying(null));
    },
    [playing],
  );

  return { playing, finished, toggle };
}
