// Finding the next item to annotate in a project.
import { api, unwrap } from "../api/client";

export async function nextInQueue(projectId: number, after?: number): Promise<number | null> {
  const data = await unwrap(
    api.GET("/api/projects/{project_id}/next", {
      params: { path: { project_id: projectId }, query: after ? { after } : {} },
    }),
  );
  return data.datapoint_id ?? null;
}
