// The one place wavesurfer lives: created with its plugins when the page opens, destroyed when
// it closes. React owns the state; wavesurfer only draws and plays through an <audio> element.
// A recording with server peaks is streamed: wavesurfer gets the overview peaks and the duration
// (nothing is downloaded or decoded), StreamView draws the visible window, and the <audio> source
// is set only after the first drawing, with preload "none": no audio is asked for until it plays
// (preload "metadata" made Chromium read the file's start and then abort that request).
import { useEffect, useState, type RefObject } from "react";
import WaveSurfer from "wavesurfer.js";
import HoverPlugin from "wavesurfer.js/dist/plugins/hover.esm.js";
import MinimapPlugin from "wavesurfer.js/dist/plugins/minimap.esm.js";
import RegionsPlugin from "wavesurfer.js/dist/plugins/regions.esm.js";
import TimelinePlugin from "wavesurfer.js/dist/plugins/timeline.esm.js";
import ZoomPlugin, { type ZoomPluginOptions } from "wavesurfer.js/dist/plugins/zoom.esm.js";
import type { PeaksStore } from "./engine/peaks";
import { deferSeeksWhilePaused } from "./engine/lazySeek";
import { formatTime } from "./state/segments";
import type { SpectrogramSettings, Tick, TileStore } from "./engine/spectrogram";
import { StreamView } from "./engine/StreamView";
import type { TimeFrame } from "./engine/timeFrame";
import { playWindowOnly } from "./engine/windowMedia";

/** What to draw: a short file decoded here, or a recording streamed with the server's peaks. */
export type WaveformSource =
  | { kind: "decode"; url: string; sampleRate: number }
  | {
      kind: "stream";
      url: string;
      /** `/api/datapoints/{id}` */
      base: string;
      duration: number;
      peaks: PeaksStore;
      tiles: TileStore;
      spectrogram: SpectrogramSettings;
      axis?: (settings: SpectrogramSettings, height: number) => Promise<Tick[]>;
      /**
       * A window of a longer recording: `url` serves the whole file, the peaks and tiles only
       * the window. The player then runs 0 … window length and the labels say recording time.
       */
      window: TimeFrame | null;
    };

export interface Waveform {
  ws: WaveSurfer;
  regions: RegionsPlugin;
  /** The streaming drawing (absent for decoded files). */
  view: StreamView | null;
}

export const WAVE_HEIGHT = 128;
/** A performance mark at the first drawing (read by the browser benchmark and tests). */
export const DRAWN_MARK = "audino:waveform-drawn";
export const SPECTROGRAM_HEIGHT = 160;
/** Browsers cap an element's width (~33 M px in Chromium): the zoom stops well before. */
const MAX_SCROLL_WIDTH = 16e6;

/** The deepest zoom in pixels per second. */
export function maxZoom(source: WaveformSource, duration: number): number {
  if (source.kind === "decode") return Math.max(1000, source.sampleRate);
  return Math.max(50, Math.min(1000, MAX_SCROLL_WIDTH / Math.max(duration, 1)));
}

/** Zooms with Ctrl/⌘ + wheel (and trackpad pinch) only, so a plain wheel still scrolls the page. */
class CtrlWheelZoom extends ZoomPlugin {
  constructor(options: ZoomPluginOptions) {
    super(options);
    const self = this as unknown as { onWheel: (e: WheelEvent) => void };
    const zoom = self.onWheel;
    self.onWheel = (e: WheelEvent) => {
      if (e.ctrlKey || e.metaKey) zoom(e);
    };
  }
}

const css = getComputedStyle(document.documentElement);
const color = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;

export function useWaveform(
  container: RefObject<HTMLDivElement | null>,
  minimap: RefObject<HTMLDivElement | null>,
  source: WaveformSource | null,
): { waveform: Waveform | null; ready: boolean; error: string | null } {
  const [waveform, setWaveform] = useState<Waveform | null>(null);
  const [ready, setReady] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const el = container.current;
    if (!el || !source) return;
    const stream = source.kind === "stream" ? source : null;
    const decode = source.kind === "decode" ? source : null;
    const media = new Audio();
    // Streamed: nothing before play, and no source until the first drawing (see above).
    media.preload = stream ? "none" : "auto";
    // In the page (an <audio> without controls is not drawn), so tests can find it.
    media.dataset.testid = "audio";
    el.appendChild(media);
    const undefer = stream ? deferSeeksWhilePaused(media) : () => {};
    // After deferSeeksWhilePaused: it works through that patch (see windowMedia).
    const unwindow = stream?.window ? playWindowOnly(media, stream.window) : () => {};
    const offset = stream?.window?.offset ?? 0;
    const accent = color("--accent", "#2457c5");
    const regions = RegionsPlugin.create();
    const view = stream
      ? StreamView.create({
          peaks: stream.peaks,
          tiles: stream.tiles,
          base: stream.base,
          waveHeight: WAVE_HEIGHT,
          spectrogramHeight: SPECTROGRAM_HEIGHT,
          spectrogram: stream.spectrogram,
          axis: stream.axis,
          timeOffset: offset,
        })
      : null;
    const duration = stream ? stream.duration : 0;
    const ws = WaveSurfer.create({
      container: el,
      media,
      ...(stream
        ? {
            peaks: stream.peaks.overviewChannels(),
            duration: stream.duration,
            // StreamView draws everything: wavesurfer's own canvases get no pixels at all.
            renderFunction: () => {},
            height: 0,
          }
        : { url: decode?.url, sampleRate: decode?.sampleRate, height: WAVE_HEIGHT }),
      waveColor: "#9aa7bb",
      progressColor: "#4a6fb5",
      cursorColor: "#d43f3a",
      cursorWidth: 2,
      normalize: true,
      autoScroll: true,
      autoCenter: true,
      dragToSeek: false,
      plugins: [
        regions,
        ...(view
          ? [view]
          : [TimelinePlugin.create({ height: 18, style: { fontSize: "11px", color: "#5f6b7c" } })]),
        MinimapPlugin.create({
          container: minimap.current ?? undefined,
          height: 28,
          waveColor: "#c4cbd6",
          progressColor: "#8ea3c8",
          overlayColor: "rgba(36, 87, 197, 0.12)",
          cursorColor: "#d43f3a",
          insertPosition: "beforebegin",
        }),
        HoverPlugin.create({
          lineColor: accent,
          lineWidth: 1,
          labelBackground: "#1c2330",
          labelColor: "#fff",
          labelSize: 11,
          formatTimeCallback: (t: number) => formatTime(t + offset),
        }),
        new CtrlWheelZoom({
          maxZoom: maxZoom(source, duration),
          exponentialZooming: true,
          iterations: 40,
          deltaThreshold: 5,
        }),
      ],
    });
    const offs = [ws.on("error", (e) => setError(e.message || "The audio could not be loaded."))];
    if (view && stream) {
      offs.push(
        view.once("drawn", () => {
          performance.mark(DRAWN_MARK);
          media.src = stream.url;
          setReady(true);
        }),
      );
    } else {
      offs.push(
        ws.on("ready", () => {
          performance.mark(DRAWN_MARK);
          setReady(true);
        }),
      );
    }
    setWaveform({ ws, regions, view });
    return () => {
      offs.forEach((off) => off());
      ws.destroy();
      unwindow();
      undefer();
      media.removeAttribute("src");
      media.load();
      media.remove();
      setWaveform(null);
      setReady(false);
    };
  }, [container, minimap, source]);

  return { waveform, ready, error };
}
