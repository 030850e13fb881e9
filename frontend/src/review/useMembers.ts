// The project's members' usernames, for @mention completion (none if they cannot be read).
import { useEffect, useState } from "react";
import { api, unwrap } from "../api/client";

export function useMembers(projectId: number): string[] {
  const [names, setNames] = useState<string[]>([]);
  useEffect(() => {
    let live = true;
    unwrap(api.GET("/api/projects/{project_id}/members", { params: { path: { project_id: projectId } } })).then(
      (members) => live && setNames(members.filter((m) => m.is_active).map((m) => m.username).sort()),
      () => undefined, // mentions still work as plain text
    );
    return () => {
      live = false;
    };
  }, [projectId]);
  return names;
}
