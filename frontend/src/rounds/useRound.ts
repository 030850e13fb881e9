// The project's queue order and its running round, as the server has them now.
import { useCallback, useEffect, useState } from "react";
import { api, errorMessage, unwrap, type Schemas } from "../api/client";

export type QueueState = Schemas["QueueStateOut"];
export type Round = Schemas["RoundPublic"];

export function useRound(projectId: number, enabled = true) {
  const [state, setState] = useState<QueueState | null>(null);
  const [error, setError] = useState<string | null>(null);
  const reload = useCallback(async () => {
    try {
      const found = await unwrap(
        api.GET("/api/projects/{project_id}/rounds/current", { params: { path: { project_id: projectId } } }),
      );
      setState(found);
      setError(null);
    } catch (err) {
      setError(errorMessage(err));
    }
  }, [projectId]);
  useEffect(() => {
    if (enabled) void reload();
  }, [enabled, reload]);
  return { state, round: state?.round ?? null, error, reload, setState };
}
