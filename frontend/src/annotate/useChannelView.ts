// The split view and the channel mix for one open recording: whether each channel has its own
// lane, and which channels are soloed or muted in playback.
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { ChannelMix, UNMIXED, type MixState } from "./engine/channelMix";
import { laneLayout, type LaneLayout } from "./engine/lanes";
import { WAVE_HEIGHT, type Waveform } from "./useWaveform";

export interface ChannelView {
  channels: number;
  split: boolean;
  setSplit(split: boolean): void;
  /** The lanes as drawn (none when mixed). */
  lanes: LaneLayout;
  mix: MixState;
  toggleSolo(channel: number): void;
  toggleMute(channel: number): void;
  /** The gains the Web Audio nodes hold, or null before the graph is built or without Web Audio. */
  gains: number[] | null;
  /** False where the browser has no Web Audio: playback stays plain, all channels heard. */
  canMix: boolean;
}

const SPLIT_KEY = "audino:channel-lanes";

/** The split view is the annotator's choice, kept on this device for the next recording. */
function readSplit(): boolean {
  try {
    return localStorage.getItem(SPLIT_KEY) === "split";
  } catch {
    return false;
  }
}

function saveSplit(split: boolean): void {
  try {
    localStorage.setItem(SPLIT_KEY, split ? "split" : "mixed");
  } catch {
    // Private mode or storage off: the choice lasts for this page only.
  }
}

function toggled(set: ReadonlySet<number>, channel: number): Set<number> {
  const next = new Set(set);
  if (!next.delete(channel)) next.add(channel);
  return next;
}

export function useChannelView(waveform: Waveform | null, channels: number): ChannelView {
  const [split, setSplitState] = useState(readSplit);
  const [mix, setMix] = useState<MixState>(UNMIXED);
  const [gains, setGains] = useState<number[] | null>(null);
  const [canMix, setCanMix] = useState(() => typeof globalThis.AudioContext === "function");
  const graph = useRef<ChannelMix | null>(null);
  const lanes = useMemo(() => laneLayout(split, channels, WAVE_HEIGHT), [split, channels]);
  const media = waveform?.ws.getMediaElement() ?? null;

  useEffect(() => {
    waveform?.view?.setSplit(split && channels > 1);
  }, [waveform, split, channels]);

  // The graph lives as long as its <audio> element (an element can be routed only once).
  useEffect(() => {
    if (!media) return;
    const resume = () => graph.current?.resume();
    media.addEventListener("play", resume);
    return () => {
      media.removeEventListener("play", resume);
      graph.current?.close();
      graph.current = null;
      setGains(null);
      setMix(UNMIXED);
    };
  }, [media]);

  const change = useCallback(
    (next: (m: MixState) => MixState) => {
      if (!media || channels < 2) return;
      // Built on the first solo or mute: a user gesture, so the context may start at once.
      if (!graph.current) {
        graph.current = ChannelMix.create(media, channels);
        if (!graph.current) return setCanMix(false);
      }
      graph.current.resume();
      setMix((m) => {
        const after = next(m);
        graph.current?.apply(after);
        setGains(graph.current?.values() ?? null);
        return after;
      });
    },
    [media, channels],
  );

  const setSplit = useCallback(
    (on: boolean) => {
      setSplitState(on);
      saveSplit(on);
      // Back to one waveform: every channel is heard again (no hidden solo or mute).
      if (!on && graph.current) change(() => UNMIXED);
    },
    [change],
  );

  return {
    channels,
    split: split && channels > 1,
    setSplit,
    lanes,
    mix,
    toggleSolo: (c) => change((m) => ({ ...m, solo: toggled(m.solo, c) })),
    toggleMute: (c) => change((m) => ({ ...m, muted: toggled(m.muted, c) })),
    gains,
    canMix,
  };
}
