// The editor's comments and history, wired to the editor: a restored segment shows at once
// and the next save goes on top of it; the history is read again after each save.
import { useEffect, useMemo, useState } from "react";
import type { Schemas } from "../api/client";
import type { Autosave, SaveStatus } from "../annotate/state/autosave";
import type { Loaded } from "../annotate/loadEditor";
import { fromServer, type Segment } from "../annotate/state/segments";
import type { SegmentEditor } from "../annotate/useSegmentEditor";
import { CommentsAndHistory, type NotesTab } from "./CommentsAndHistory";
import { CommentsPanel } from "./CommentsPanel";
import { HistoryPanel } from "./HistoryPanel";
import type { HistoryEvent } from "./historySentences";
import { reviews } from "./reviewTarget";
import type { Comments } from "./useComments";

interface Props {
  data: Loaded;
  editor: SegmentEditor;
  autosave: Autosave;
  saveStatus: SaveStatus;
  comments: Comments;
  members: string[];
  selected: Segment | null;
  onSelect(id: string): void;
  say(text: string): void;
  tab: NotesTab;
  onTab(tab: NotesTab): void;
}

export function EditorNotes(props: Props) {
  const { data, editor, autosave, saveStatus, say } = props;
  const { datapoint, project, labels, review, me } = data;
  const reviewer = reviews(project.role);
  const [historyTick, setHistoryTick] = useState(0);
  useEffect(() => {
    if (saveStatus === "saved") setHistoryTick((t) => t + 1);
  }, [saveStatus]);

  const words = useMemo(() => {
    const names = new Map(datapoint.assignments.map((a) => [a.user_id, a.username] as [number, string]));
    if (me) names.set(me.id, me.username);
    return { labels, names };
  }, [datapoint.assignments, labels, me]);

  const mayRestore = (e: HistoryEvent) => reviewer || (e.after ?? e.before ?? {}).author_id === me?.id;

  const onRestored = (result: Schemas["BatchOut"]) => {
    autosave.takeServer(result.segments, result.deleted);
    const whose = review?.user.id ?? me?.id;
    for (const seg of result.segments) {
      const shown = editor.current().segments[seg.id] !== undefined;
      if (shown || seg.author_id === whose || seg.author_id === me?.id) editor.replace(seg.id, fromServer(seg));
    }
    for (const id of result.deleted) editor.replace(id, null);
    say("Restored: the segment is back as it was then.");
  };

  return (
    <CommentsAndHistory
      tab={props.tab}
      onTab={props.onTab}
      openComments={props.comments.open}
      comments={
        <CommentsPanel
          comments={props.comments}
          me={me?.id ?? null}
          reviews={reviewer}
          manages={project.role === "manager" || project.role === "admin"}
          members={props.members}
          segments={editor.segments}
          selected={props.selected}
          onSelectSegment={props.onSelect}
        />
      }
      history={
        <HistoryPanel
          datapointId={datapoint.id}
          words={words}
          selectedId={props.selected?.id ?? null}
          refreshKey={historyTick}
          mayRestore={mayRestore}
          beforeRestore={() => autosave.whenSaved()}
          onRestored={onRestored}
        />
      }
    />
  );
}
