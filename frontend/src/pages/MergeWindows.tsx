// Managers can present split recordings whole again: "Merge windows" on selected window rows
// merges each recording the rows belong to (the server refuses one whose windows have work).
import { useState } from "react";
import { api, errorMessage, unwrap } from "../api/client";

/** Distinct recordings of the selected rows that are windows. */
export function recordingsOf(rows: { parent_id?: number | null; window_index?: number | null }[]): number[] {
  const ids = rows.filter((r) => r.window_index != null && r.parent_id != null).map((r) => r.parent_id as number);
  return [...new Set(ids)];
}

export function MergeWindows(props: { recordings: number[]; onDone: (message: string) => void }) {
  const { recordings, onDone } = props;
  const [busy, setBusy] = useState(false);
  if (recordings.length === 0) return null;

  async function merge() {
    const what = recordings.length === 1 ? "this recording" : `these ${recordings.length} recordings`;
    if (!window.confirm(`Present ${what} whole again? Their windows go away.`)) return;
    setBusy(true);
    let merged = 0;
    const refused: string[] = [];
    for (const id of recordings) {
      try {
        await unwrap(api.DELETE("/api/datapoints/{datapoint_id}/windows", { params: { path: { datapoint_id: id } } }));
        merged += 1;
      } catch (err) {
        refused.push(errorMessage(err));
      }
    }
    setBusy(false);
    const parts = [`Merged ${merged} recording(s) back into one item each.`];
    if (refused.length) parts.push(`Refused: ${refused.join(" ")}`);
    onDone(parts.join(" "));
  }

  return (
    <button type="button" disabled={busy} onClick={merge} title="Present the selected windows' recordings whole again">
      Merge windows
    </button>
  );
}
