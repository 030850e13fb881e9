// Decides how the annotation page gets its drawing: streamed from the server's peaks (the
// normal case), "processing" while ingest runs, or decoded here for a server without peaks.
import { useEffect, useState } from "react";
import { ApiError, errorMessage } from "../api/client";
import { ingestOf } from "../jobs/api";
import { isPeaksInfo, PeaksStore } from "./engine/peaks";
import { TileStore, type SpectrogramSettings, type Tick } from "./engine/spectrogram";
import { windowOf, type FramedDatapoint } from "./engine/timeFrame";
import type { WaveformSource } from "./useWaveform";

export type StreamState =
  | { kind: "loading" }
  | { kind: "processing" }
  | { kind: "error"; message: string }
  | { kind: "ready"; source: WaveformSource };

async function fetchOk(url: string): Promise<Response> {
  const response = await fetch(url, { credentials: "same-origin" });
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as { detail?: unknown; code?: unknown } | null;
    const detail = typeof body?.detail === "string" ? body.detail : `${response.status} ${response.statusText}`;
    throw new ApiError(response.status, detail, typeof body?.code === "string" ? body.code : "error", body);
  }
  return response;
}

const fetchBytes = async (url: string) => (await fetchOk(url)).arrayBuffer();
const fetchImage = async (url: string) => createImageBitmap(await (await fetchOk(url)).blob());

/** The server's frequency ticks ([{hz, y}] or {ticks: [...]}) for a scale and height. */
function axisFrom(base: string) {
  return async (settings: SpectrogramSettings, height: number): Promise<Tick[]> => {
    const q = new URLSearchParams({ scale: settings.scale, height: String(height) });
    const body = (await (await fetchOk(`${base}/spectrogram/axis?${q}`)).json()) as unknown;
    const list = Array.isArray(body) ? body : (body as { ticks?: unknown }).ticks;
    if (!Array.isArray(list)) throw new Error("No frequency ticks");
    return list.filter((t): t is Tick => typeof t?.hz === "number" && typeof t?.y === "number");
  };
}

interface Prefetched {
  info: Promise<unknown>;
  overview: Promise<ArrayBuffer>;
}

const prefetched = new Map<number, Prefetched>();

/**
 * Starts fetching a datapoint's peaks levels and overview while the rest of the page loads
 * (the first drawing waits for them); failures surface when they are used.
 */
export function prefetchPeaks(datapointId: number): void {
  const base = `/api/datapoints/${datapointId}`;
  const info = fetchOk(`${base}/peaks`).then((r) => r.json() as Promise<unknown>);
  const overview = info.then((i) => {
    if (!isPeaksInfo(i)) throw new Error("The server sent peaks in an unknown shape.");
    return fetchBytes(PeaksStore.overviewUrl(i, base));
  });
  info.catch(() => undefined);
  overview.catch(() => undefined);
  prefetched.clear(); // only the page being opened
  prefetched.set(datapointId, { info, overview });
}

function takePrefetched(datapointId: number, base: string): Prefetched {
  const found = prefetched.get(datapointId);
  prefetched.delete(datapointId);
  const fresh = () => fetchOk(`${base}/peaks`).then((r) => r.json() as Promise<unknown>);
  // A prefetch that failed (e.g. 409 while the page opened during processing) is asked again.
  if (found) return { info: found.info.catch(fresh), overview: found.overview };
  return { info: fresh(), overview: Promise.reject(new Error("not prefetched")) };
}

interface Datapoint extends FramedDatapoint {
  id: number;
  audio_url: string;
  sample_rate: number;
  duration: number;
}

/** Decoding rate for a short file drawn here: its own rate, capped at ~50 M samples. */
export function decodingRate(sampleRate: number, duration: number): number {
  const cap = Math.floor(50e6 / Math.max(duration, 1));
  return Math.max(3000, Math.min(sampleRate || 8000, cap, 96000));
}

export function useStreamSource(datapoint: Datapoint, spectrogram: SpectrogramSettings): StreamState {
  const [state, setState] = useState<StreamState>({ kind: "loading" });
  const processing = ingestOf(datapoint).status !== "ready";
  const { id, audio_url: url, sample_rate: sampleRate, duration } = datapoint;
  // A window plays part of its recording's file (see timeFrame).
  const windowed = windowOf(datapoint);
  const offset = windowed ? windowed.offset : null;
  // The settings the view starts with; later changes go to the view without a reload.
  const [initial] = useState(spectrogram);

  useEffect(() => {
    if (processing) {
      setState({ kind: "processing" });
      return;
    }
    const base = `/api/datapoints/${id}`;
    let cancelled = false;
    let stores: { peaks: PeaksStore; tiles: TileStore } | null = null;
    setState({ kind: "loading" });
    (async () => {
      try {
        const early = takePrefetched(id, base);
        const info = await early.info;
        if (!isPeaksInfo(info)) throw new Error("The server sent peaks in an unknown shape.");
        const peaks = new PeaksStore(info, base, fetchBytes, () => {});
        const tiles = new TileStore(fetchImage, () => {});
        stores = { peaks, tiles };
        // The prefetched overview, or (when that failed) a fresh request.
        await peaks.loadOverview(early.overview.catch(() => fetchBytes(PeaksStore.overviewUrl(info, base))));
        if (cancelled) return;
        setState({
          kind: "ready",
          source: {
            kind: "stream",
            url,
            base,
            duration: info.duration || duration,
            peaks,
            tiles,
            spectrogram: initial,
            axis: axisFrom(base),
            window: offset === null ? null : { offset, duration },
          },
        });
      } catch (err) {
        if (cancelled) return;
        if (err instanceof ApiError && err.status === 409) setState({ kind: "processing" });
        else if (err instanceof ApiError && err.status === 404 && offset !== null)
          // Decoding here would take the whole recording's file: a window needs the server's peaks.
          setState({ kind: "error", message: `The waveform of this window could not be loaded: ${errorMessage(err)}` });
        else if (err instanceof ApiError && err.status === 404)
          // No peaks on the server (the datapoint was just loaded): decode the file here as before.
          setState({ kind: "ready", source: { kind: "decode", url, sampleRate: decodingRate(sampleRate, duration) } });
        else setState({ kind: "error", message: `The waveform could not be loaded: ${errorMessage(err)}` });
      }
    })();
    return () => {
      cancelled = true;
      stores?.peaks.destroy();
      stores?.tiles.destroy();
    };
  }, [processing, id, url, sampleRate, duration, initial, offset]);

  return state;
}
