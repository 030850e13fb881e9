// The one place wavesurfer lives: created with its plugins when the page opens, destroyed when
// it closes. React owns the state; wavesurfer only draws and plays through an <audio> element.
import { useEffect, useState, type RefObject } from "react";
import WaveSurfer from "wavesurfer.js";
import HoverPlugin from "wavesurfer.js/dist/plugins/hover.esm.js";
import MinimapPlugin from "wavesurfer.js/dist/plugins/minimap.esm.js";
import RegionsPlugin from "wavesurfer.js/dist/plugins/regions.esm.js";
import TimelinePlugin from "wavesurfer.js/dist/plugins/timeline.esm.js";
import ZoomPlugin, { type ZoomPluginOptions } from "wavesurfer.js/dist/plugins/zoom.esm.js";
import { formatTime } from "./segments";

/** What to draw: the audio, and (later, for long files) the server's peaks and duration. */
export interface WaveformSource {
  url: string;
  sampleRate: number;
  peaks?: Array<Float32Array | number[]>;
  duration?: number;
}

export interface Waveform {
  ws: WaveSurfer;
  regions: RegionsPlugin;
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
  source: WaveformSource,
): { waveform: Waveform | null; ready: boolean; error: string | null } {
  const [waveform, setWaveform] = useState<Waveform | null>(null);
  const [ready, setReady] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const { url, sampleRate, peaks, duration } = source;

  useEffect(() => {
    const el = container.current;
    if (!el) return;
    const media = new Audio();
    media.preload = "auto";
    const accent = color("--accent", "#2457c5");
    const regions = RegionsPlugin.create();
    const ws = WaveSurfer.create({
      container: el,
      media,
      url,
      peaks,
      duration,
      // Decoded at the file's own rate where memory allows, so the deepest zoom shows samples.
      sampleRate,
      height: 128,
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
        TimelinePlugin.create({ height: 18, style: { fontSize: "11px", color: "#5f6b7c" } }),
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
          formatTimeCallback: formatTime,
        }),
        new CtrlWheelZoom({
          maxZoom: Math.max(1000, sampleRate),
          exponentialZooming: true,
          iterations: 40,
          deltaThreshold: 5,
        }),
      ],
    });
    const unready = ws.on("ready", () => setReady(true));
    const unerror = ws.on("error", (e) => setError(e.message || "The audio could not be loaded."));
    setWaveform({ ws, regions });
    return () => {
      unready();
      unerror();
      ws.destroy();
      media.removeAttribute("src");
      media.load();
      setWaveform(null);
      setReady(false);
    };
  }, [container, minimap, url, sampleRate, peaks, duration]);

  return { waveform, ready, error };
}
