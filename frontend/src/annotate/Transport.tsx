// Playback and view controls under the waveform: play, seek, speed, volume, zoom, time.
import { useEffect, useState, type ReactNode } from "react";
import type WaveSurfer from "wavesurfer.js";
import { rulerLabel } from "./engine/ruler";
import { formatTime } from "./state/segments";
import { frameEnd, toRecording, type TimeFrame } from "./engine/timeFrame";
import { shownRange } from "./useViewport";

export const RATES = [0.5, 0.75, 1, 1.25, 1.5, 1.75, 2];

interface Props {
  ws: WaveSurfer | null;
  ready: boolean;
  /** What the player plays: the clock shows recording time. */
  frame: TimeFrame;
  /** The deepest zoom, in pixels per second. */
  maxZoom: number;
  /** Spectrogram settings, shown with the view controls when there is a spectrogram. */
  spectrogram?: ReactNode;
  rate: number;
  onRate(rate: number): void;
  onSeek(delta: number): void;
  onAddSegment(): void;
  looping: boolean;
  /** Zoom so the selected segment fills the view (Z), and back to the whole file (Shift+Z). */
  onZoomToSelection(): void;
  onZoomToFit(): void;
  /** Whether a segment is selected (zooming to it is possible). */
  hasSelection: boolean;
}

/** Current time in the recording, updated while playing without re-rendering the page. */
function Clock({ ws, frame }: { ws: WaveSurfer | null; frame: TimeFrame }) {
  const [time, setTime] = useState(0);
  useEffect(() => {
    if (!ws) return;
    const offs = [ws.on("timeupdate", setTime), ws.on("seeking", setTime)];
    return () => offs.forEach((off) => off());
  }, [ws]);
  return (
    <span className="clock" aria-label="Current time / duration">
      <span data-testid="current-time">{formatTime(toRecording(frame, time))}</span>
      <span className="muted"> / {formatTime(frameEnd(frame))}</span>
    </span>
  );
}

function usePlaying(ws: WaveSurfer | null): boolean {
  const [playing, setPlaying] = useState(false);
  useEffect(() => {
    if (!ws) return;
    const offs = [
      ws.on("play", () => setPlaying(true)),
      ws.on("pause", () => setPlaying(false)),
      ws.on("finish", () => setPlaying(false)),
    ];
    return () => offs.forEach((off) => off());
  }, [ws]);
  return playing;
}

/** m:ss.s (h:mm:ss.s past an hour). */
const tenths = (t: number) => rulerLabel(Math.round(t * 10) / 10, 0.5);

/** The seconds the view shows, in recording time; follows zoom and scroll without re-rendering the page. */
function ViewRange({ ws, ready, frame }: { ws: WaveSurfer | null; ready: boolean; frame: TimeFrame }) {
  const [range, setRange] = useState<[number, number] | null>(null);
  useEffect(() => {
    if (!ws || !ready) return;
    const update = () => {
      const [a, b] = shownRange(ws);
      const next: [number, number] = [toRecording(frame, a), toRecording(frame, b)];
      setRange((old) => (old && Math.abs(old[0] - next[0]) < 1e-4 && Math.abs(old[1] - next[1]) < 1e-4 ? old : next));
    };
    update();
    const offs = (["zoom", "scroll", "redrawcomplete", "resize", "ready"] as const).map((e) => ws.on(e, update));
    return () => offs.forEach((off) => off());
  }, [ws, ready, frame]);
  if (!range) return null;
  return (
    <span
      className="view-range muted"
      data-testid="view-range"
      data-start={range[0].toFixed(3)}
      data-end={range[1].toFixed(3)}
      title="The part of the recording in view"
      style={{ fontSize: "0.8rem", whiteSpace: "nowrap", marginLeft: "0.4rem" }}
    >
      in view {tenths(range[0])}–{tenths(range[1])}
    </span>
  );
}

/** Zoom as a slider from "whole file" to the deepest zoom, on a log scale. */
function ZoomSlider({ ws, ready, duration, maxZoom }: Pick<Props, "ws" | "ready" | "maxZoom"> & { duration: number }) {
  const [pxPerSec, setPxPerSec] = useState(0);
  useEffect(() => {
    if (!ws) return;
    return ws.on("zoom", setPxPerSec);
  }, [ws]);
  const width = ws && ready ? ws.getWidth() : 800;
  const min = Math.max(1, width / Math.max(duration, 0.001));
  const max = Math.max(min * 2, maxZoom);
  const current = pxPerSec > 0 ? pxPerSec : min;
  const position = Math.round((1000 * Math.log(current / min)) / Math.log(max / min));
  return (
    <label className="inline zoom" title="Zoom (Ctrl/⌘ + mouse wheel)">
      <span>Zoom</span>
      <input
        type="range"
        min={0}
        max={1000}
        value={Math.max(0, Math.min(1000, position))}
        disabled={!ready}
        aria-label="Zoom"
        onChange={(e) => {
          const px = min * Math.exp((Number(e.target.value) / 1000) * Math.log(max / min));
          ws?.zoom(Number(e.target.value) === 0 ? 0 : px);
          setPxPerSec(px);
        }}
      />
    </label>
  );
}

export function Transport(props: Props) {
  const { ws, ready, frame, rate, onRate, onSeek, onAddSegment, looping } = props;
  const playing = usePlaying(ws);
  const [volume, setVolume] = useState(1);
  useEffect(() => {
    ws?.setVolume(volume);
  }, [ws, volume]);

  return (
    <div className="transport" role="toolbar" aria-label="Playback">
      <div className="transport-group">
        <button type="button" onClick={() => onSeek(-5)} disabled={!ready} title="Back 5 s (Shift+←)" aria-label="Back 5 seconds">
          «5
        </button>
        <button type="button" onClick={() => onSeek(-1)} disabled={!ready} title="Back 1 s (←)" aria-label="Back 1 second">
          ‹1
        </button>
        <button
          type="button"
          className="primary play"
          onClick={() => void ws?.playPause()}
          disabled={!ready}
          title="Play / pause (Space)"
          aria-label={playing ? "Pause" : "Play"}
        >
          {playing ? "❚❚" : "▶"}
        </button>
        <button type="button" onClick={() => onSeek(1)} disabled={!ready} title="Forward 1 s (→)" aria-label="Forward 1 second">
          1›
        </button>
        <button type="button" onClick={() => onSeek(5)} disabled={!ready} title="Forward 5 s (Shift+→)" aria-label="Forward 5 seconds">
          5»
        </button>
        <Clock ws={ws} frame={frame} />
        <ViewRange ws={ws} ready={ready} frame={frame} />
        {looping ? <span className="badge loop">Looping</span> : null}
      </div>
      <div className="transport-group">
        <button type="button" className="add-segment" onClick={onAddSegment} disabled={!ready} title="New segment at the cursor (N)">
          + Segment
        </button>
        <label className="inline" title="Playback speed ([ and ])">
          <span>Speed</span>
          <select value={rate} onChange={(e) => onRate(Number(e.target.value))} aria-label="Playback speed">
            {RATES.map((r) => (
              <option key={r} value={r}>
                {r}×
              </option>
            ))}
          </select>
        </label>
        <label className="inline volume" title="Volume">
          <span>Vol</span>
          <input
            type="range"
            min={0}
            max={1}
            step={0.05}
            value={volume}
            aria-label="Volume"
            onChange={(e) => setVolume(Number(e.target.value))}
          />
        </label>
        <ZoomSlider ws={ws} ready={ready} duration={frame.duration} maxZoom={props.maxZoom} />
        <button
          type="button"
          onClick={props.onZoomToSelection}
          disabled={!ready || !props.hasSelection}
          title="Zoom to the selected segment (Z)"
        >
          Zoom to segment
        </button>
        <button type="button" onClick={props.onZoomToFit} disabled={!ready} title="Show the whole recording (Shift+Z)">
          Fit
        </button>
      </div>
      {props.spectrogram}
    </div>
  );
}
