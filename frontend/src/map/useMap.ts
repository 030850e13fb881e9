// Loads a project's dataset map, telling "not made yet" (a 409 with the reason and maybe the
// job making it) apart from other failures; a reload keeps showing the map it replaces.
import { useCallback, useEffect, useRef, useState } from "react";
import { api, ApiError, errorMessage, unwrap, type Schemas } from "../api/client";

export type MapOut = Schemas["MapOut"];

export type MapState =
  | { status: "loading" }
  | { status: "ready"; map: MapOut }
  | { status: "missing"; code: string; detail: string; jobId: number | null }
  | { status: "error"; detail: string };

function jobOf(body: unknown): number | null {
  const id = (body as { job_id?: unknown } | null)?.job_id;
  return typeof id === "number" ? id : null;
}

export function useMap(projectId: number): { state: MapState; reload(): void } {
  const [state, setState] = useState<MapState>({ status: "loading" });
  const [tick, setTick] = useState(0);
  const latest = useRef(0);

  useEffect(() => {
    const call = ++latest.current;
    unwrap(api.GET("/api/projects/{project_id}/map", { params: { path: { project_id: projectId } } })).then(
      (map) => {
        if (call === latest.current) setState({ status: "ready", map });
      },
      (err: unknown) => {
        if (call !== latest.current) return;
        if (err instanceof ApiError && err.status === 409) {
          setState({ status: "missing", code: err.code, detail: err.message, jobId: jobOf(err.body) });
        } else {
          setState({ status: "error", detail: errorMessage(err) });
        }
      },
    );
  }, [projectId, tick]);

  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { state, reload };
}
