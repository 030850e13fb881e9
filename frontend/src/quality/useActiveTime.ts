// Reports the time the annotator actually works on an item (see activeTime): keys, pointer
// and playback keep it counting, a hidden tab or a quiet minute stop it.
import { useEffect, useRef } from "react";
import type WaveSurfer from "wavesurfer.js";
import { csrfToken } from "../api/client";
import { startActiveTime, type ActiveTime } from "./activeTime";

const INTERACTIONS = ["keydown", "pointerdown", "pointermove", "wheel", "input"] as const;

/**
 * One report. Plain fetch with keepalive, so a report sent as the page goes still arrives:
 * navigator.sendBeacon cannot carry the CSRF header.
 */
function send(datapointId: number, seconds: number, leaving: boolean): Promise<unknown> {
  return fetch(`/api/datapoints/${datapointId}/activity`, {
    method: "POST",
    credentials: "same-origin",
    keepalive: leaving,
    headers: { "Content-Type": "application/json", "X-CSRF-Token": csrfToken() },
    body: JSON.stringify({ seconds }),
  }).then((r) => {
    if (!r.ok && r.status >= 500) throw new Error(`activity ${r.status}`);
  });
}

/** Counts and reports while `enabled` (one's own work, open for changes). */
export function useActiveTime(datapointId: number, enabled: boolean, ws: WaveSurfer | null) {
  const current = useRef<ActiveTime | null>(null);
  useEffect(() => {
    if (!enabled) return;
    const timer = startActiveTime({ send: (s, leaving) => send(datapointId, s, leaving) });
    current.current = timer;
    const interact = () => timer.interact();
    const visibility = () => {
      const visible = document.visibilityState === "visible";
      timer.setVisible(visible);
      if (!visible) timer.flush(true); // the tab may never come back
    };
    const leave = () => timer.flush(true);
    for (const name of INTERACTIONS) window.addEventListener(name, interact, { capture: true, passive: true });
    document.addEventListener("visibilitychange", visibility);
    window.addEventListener("pagehide", leave);
    return () => {
      for (const name of INTERACTIONS) window.removeEventListener(name, interact, { capture: true });
      document.removeEventListener("visibilitychange", visibility);
      window.removeEventListener("pagehide", leave);
      current.current = null;
      timer.stop();
    };
  }, [datapointId, enabled]);

  // Listening is working, even with hands off the keyboard.
  useEffect(() => {
    if (!enabled || !ws) return;
    const playing = (on: boolean) => () => current.current?.setPlaying(on);
    const subs = [ws.on("play", playing(true)), ws.on("pause", playing(false)), ws.on("finish", playing(false))];
    if (ws.isPlaying()) playing(true)();
    return () => subs.forEach((off) => off());
  }, [enabled, ws]);
}
