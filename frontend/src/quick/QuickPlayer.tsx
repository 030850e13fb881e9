// The clip being decided: one <audio> element for the whole queue (a new clip replaces the
// last one's audio), started by itself; looping for transcripts; the speed kept across clips.
// With a `span`, only that stretch plays (a predicted region with a little context).
import { forwardRef, useEffect, useImperativeHandle, useRef, useState } from "react";
import type { Datapoint } from "./quickApi";

export interface PlayerHandle {
  setSpeed(rate: number): void;
  speed(): number;
  replay(): void;
}

interface Props {
  item: Datapoint;
  loop: boolean;
  span?: { from: number; to: number } | null;
}

export const QuickPlayer = forwardRef<PlayerHandle, Props>(function QuickPlayer({ item, loop, span = null }, ref) {
  const audio = useRef<HTMLAudioElement>(null);
  const [rate, setRate] = useState(1);
  const [playing, setPlaying] = useState(false);
  const [blocked, setBlocked] = useState(false);

  useImperativeHandle(ref, () => ({
    setSpeed(next: number) {
      const el = audio.current;
      if (el) {
        el.defaultPlaybackRate = next;
        el.playbackRate = next;
      }
      setRate(next);
    },
    speed: () => audio.current?.playbackRate ?? rate,
    replay() {
      const el = audio.current;
      if (!el) return;
      el.currentTime = span?.from ?? 0;
      void el.play().catch(() => setBlocked(true));
    },
  }));

  const from = span?.from ?? null;
  const to = span?.to ?? null;
  useEffect(() => {
    const el = audio.current;
    if (!el) return;
    // The next region of the same clip keeps the loaded audio.
    if (el.getAttribute("src") !== item.audio_url) el.src = item.audio_url;
    el.defaultPlaybackRate = rate;
    el.playbackRate = rate;
    const start = () => {
      if (from !== null) el.currentTime = from;
      el.play().then(
        () => setBlocked(false),
        (err: unknown) => {
          // The browser refuses sound before the first key or click on the page.
          if (err instanceof DOMException && err.name === "NotAllowedError") setBlocked(true);
        },
      );
    };
    if (from === null || el.readyState >= HTMLMediaElement.HAVE_METADATA) {
      start();
      return;
    }
    el.addEventListener("loadedmetadata", start, { once: true });
    return () => el.removeEventListener("loadedmetadata", start);
    // Only a new clip or region starts playback; the speed is applied by setSpeed.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [item.id, item.audio_url, from, to]);

  useEffect(() => {
    const el = audio.current;
    return () => {
      if (!el) return;
      el.pause();
      el.removeAttribute("src");
      el.load();
    };
  }, []);

  function toggle() {
    const el = audio.current;
    if (!el) return;
    if (el.paused && to !== null && from !== null && el.currentTime >= to) el.currentTime = from;
    if (el.paused) void el.play().then(() => setBlocked(false), () => setBlocked(true));
    else el.pause();
  }

  return (
    <div className="quick-player">
      <audio
        ref={audio}
        data-testid="quick-audio"
        data-datapoint-id={item.id}
        data-span-from={from ?? undefined}
        data-span-to={to ?? undefined}
        loop={loop}
        onTimeUpdate={(e) => {
          if (to !== null && e.currentTarget.currentTime >= to) e.currentTarget.pause();
        }}
        preload="auto"
        onPlay={() => setPlaying(true)}
        onPause={() => setPlaying(false)}
        onEnded={() => setPlaying(false)}
      />
      <button
        type="button"
        className={blocked ? "primary" : undefined}
        onMouseDown={(e) => e.preventDefault()}
        onClick={toggle}
      >
        {playing ? "Pause" : "Play"}
      </button>
      <span className="quick-name" title={item.original_name}>
        {item.original_name}
      </span>
      <span className="quick-speed" data-testid="quick-speed" title="Speed: Ctrl+↑ faster, Ctrl+↓ slower">
        {rate}×
      </span>
      {blocked ? <span className="hint">The browser held back autoplay: press Play or any decision key.</span> : null}
    </div>
  );
});
