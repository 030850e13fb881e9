// The item's history in the editor, newest first, in words; a segment's earlier version can
// be put back ("Restore this version"), which is itself a change in the history.
import { useEffect, useState } from "react";
import { api, errorMessage, unwrap, type Schemas } from "../api/client";
import { fullTime, timeAgo } from "../components/timeAgo";
import { ErrorMessage, Loading } from "../components/ui";
import { currentVersions, describeEvent, eventSegment, type HistoryEvent, type HistoryWords } from "./historySentences";

interface Props {
  datapointId: number;
  words: HistoryWords;
  selectedId: string | null;
  /** Changes when the item changed here (a save, a verdict): the history is read again. */
  refreshKey: number;
  /** Whether this user may put that segment back (their own work, or a reviewer). */
  mayRestore(event: HistoryEvent): boolean;
  /** Waits for this page's unsaved changes, so a restore lands on top of them. */
  beforeRestore(): Promise<void>;
  onRestored(result: Schemas["BatchOut"]): void;
}

export function HistoryPanel(props: Props) {
  const { datapointId, selectedId, refreshKey } = props;
  const [onlySelected, setOnlySelected] = useState(false);
  const [events, setEvents] = useState<HistoryEvent[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<number | null>(null);
  const [tick, setTick] = useState(0);
  const segmentId = onlySelected ? selectedId : null;

  useEffect(() => {
    let live = true;
    const query = segmentId ? { segment_id: segmentId } : {};
    unwrap(api.GET("/api/datapoints/{datapoint_id}/history", { params: { path: { datapoint_id: datapointId }, query } })).then(
      (found) => {
        if (!live) return;
        setEvents(found);
        setError(null);
      },
      (err: unknown) => live && setError(errorMessage(err)),
    );
    return () => {
      live = false;
    };
  }, [datapointId, segmentId, refreshKey, tick]);

  async function restore(event: HistoryEvent) {
    setBusy(event.id);
    setError(null);
    try {
      await props.beforeRestore();
      const result = await unwrap(
        api.POST("/api/datapoints/{datapoint_id}/history/{event_id}/restore", {
          params: { path: { datapoint_id: datapointId, event_id: event.id } },
        }),
      );
      props.onRestored(result);
      setTick((t) => t + 1);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(null);
    }
  }

  const current = currentVersions(events ?? []);
  return (
    <div className="history-panel">
      <div className="history-tools">
        {selectedId ? (
          <label className="inline small">
            <input type="checkbox" checked={onlySelected} onChange={(e) => setOnlySelected(e.target.checked)} />
            Only the selected segment
          </label>
        ) : (
          <span className="muted small">Newest first · select a segment to see its changes only</span>
        )}
        <button type="button" className="link small" onClick={() => setTick((t) => t + 1)}>
          Refresh
        </button>
      </div>
      <ErrorMessage>{error}</ErrorMessage>
      {events === null && !error ? <Loading what="Reading the history" /> : null}
      {events?.length === 0 ? <p className="muted empty-note">Nothing has happened to this item yet.</p> : null}
      <ol className="history-events" aria-label="History">
        {events?.map((e) => {
          const seg = eventSegment(e);
          return (
            <li key={e.id} data-testid="history-event" data-action={e.action} data-segment-id={seg?.id ?? undefined}>
              <span className="history-sentence">{describeEvent(e, props.words)}</span>
              <span className="history-when">
                <time dateTime={e.at} title={fullTime(e.at)} className="muted">
                  {timeAgo(e.at)}
                </time>
                {e.restorable && !current.has(e.id) && props.mayRestore(e) ? (
                  <button
                    type="button"
                    className="link small"
                    disabled={busy !== null}
                    onClick={() => void restore(e)}
                    title={e.action === "segment.delete" ? "Put the deleted segment back" : "Put the segment back as it was after this change"}
                  >
                    {busy === e.id ? "Restoring…" : "Restore this version"}
                  </button>
                ) : null}
              </span>
            </li>
          );
        })}
      </ol>
    </div>
  );
}
