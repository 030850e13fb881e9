import { describe, expect, it } from "vitest";
import type { Label } from "../annotate/state/segments";
import { currentVersions, describeEvent, valueChanges, when, type HistoryEvent } from "./historySentences";

const speaker: Label = {
  id: 7,
  name: "speaker",
  kind: "single",
  scope: "segment",
  required: false,
  color: null,
  hotkey: null,
  position: 0,
  values: [
    { id: 1, value: "A", color: null, hotkey: null, position: 0 },
    { id: 2, value: "B", color: null, hotkey: null, position: 1 },
  ],
};
const quality: Label = { ...speaker, id: 8, name: "quality", kind: "text", scope: "datapoint", values: [] };
const words = { labels: [speaker, quality], names: new Map([[3, "ann"], [4, "rita"]]) };

function event(action: string, before: object | null, after: object | null, extra: Partial<HistoryEvent> = {}): HistoryEvent {
  const entity = action.split(".")[0];
  return {
    id: 1,
    at: "2025-03-12T12:00:00Z",
    user_id: 4,
    who: "rita",
    action,
    entity_type: entity === "comment" ? "comment" : entity,
    entity_id: "x",
    before: before as HistoryEvent["before"],
    after: after as HistoryEvent["after"],
    restorable: entity === "segment",
    ...extra,
  };
}

const seg = { start: 0.1, end: 0.6, transcript: "helo", values: {}, author_id: 3 };

describe("segment events in words", () => {
  it("says a changed transcript from and to", () => {
    const e = event("segment.update", seg, { ...seg, transcript: "hello" });
    expect(describeEvent(e, words)).toBe("rita changed the transcript of the segment at 0.10 s from “helo” to “hello”");
  });
  it("says a created and a deleted segment with its text", () => {
    expect(describeEvent(event("segment.create", null, seg, { who: "ann", user_id: 3 }), words)).toBe(
      "ann added a segment at 0.10–0.60 s: “helo”",
    );
    expect(describeEvent(event("segment.delete", seg, null), words)).toBe("rita deleted the segment at 0.10 s (“helo”)");
  });
  it("tells moving from resizing, and names label values", () => {
    expect(describeEvent(event("segment.update", seg, { ...seg, start: 0.2, end: 0.7 }), words)).toBe(
      "rita moved the segment at 0.10 s to 0.20–0.70 s",
    );
    expect(describeEvent(event("segment.update", seg, { ...seg, end: 0.9 }), words)).toBe(
      "rita resized the segment at 0.10 s to 0.10–0.90 s",
    );
    expect(describeEvent(event("segment.update", seg, { ...seg, values: { "7": 2 } }), words)).toBe(
      "rita set speaker to “B” on the segment at 0.10 s",
    );
  });
  it("puts several changes to one segment in one sentence", () => {
    const e = event("segment.update", seg, { ...seg, transcript: "hello", values: { "7": 1 } });
    expect(describeEvent(e, words)).toBe("rita changed the segment at 0.10 s: transcript “helo” → “hello”; set speaker to “A”");
  });
  it("writes long times as minutes", () => {
    expect(when(75.25)).toBe("1:15.250");
    expect(when(0.1)).toBe("0.10 s");
  });
});

describe("work and comments in words", () => {
  it("says whose work was submitted, rejected and accepted", () => {
    const ann = { user_id: 3 };
    expect(describeEvent(event("assignment.complete", ann, ann, { who: "ann", user_id: 3 }), words)).toBe(
      "ann submitted their work",
    );
    expect(describeEvent(event("assignment.reject", ann, ann), words)).toBe("rita rejected ann’s work");
    expect(describeEvent(event("assignment.accept", ann, ann), words)).toBe("rita accepted ann’s work");
    expect(describeEvent(event("assignment.mark_review", ann, ann, { who: "ann", user_id: 3 }), words)).toBe(
      "ann marked their work for review",
    );
  });
  it("says the recording's labels that changed", () => {
    const e = event("assignment.values", { user_id: 3, values: {} }, { user_id: 3, values: { "8": "clear" } }, { who: "ann", user_id: 3 });
    expect(describeEvent(e, words)).toBe("ann set quality to “clear” for the whole recording");
    expect(valueChanges({ "7": 1 }, {}, [speaker])).toEqual(["cleared speaker"]);
  });
  it("quotes comments and says resolving", () => {
    expect(describeEvent(event("comment.rejection", null, { body: "Typo" }), words)).toBe("rita wrote why: “Typo”");
    expect(describeEvent(event("comment.create", null, { body: "@ann ok?" }), words)).toBe("rita commented: “@ann ok?”");
    expect(describeEvent(event("comment.update", { resolved: false, body: "x" }, { resolved: true, body: "x" }), words)).toBe(
      "rita resolved a comment",
    );
  });
  it("keeps an unknown action readable and names nobody as someone", () => {
    expect(describeEvent(event("datapoint.split", null, null, { who: null, user_id: null, entity_type: "datapoint" }), words)).toBe(
      "Someone: datapoint split",
    );
  });
});

describe("which versions can be restored", () => {
  it("is every change but the one each segment is at now; a deletion can be undone", () => {
    const list = [
      event("segment.update", seg, seg, { id: 5, entity_id: "a" }),
      event("segment.delete", seg, null, { id: 4, entity_id: "b" }),
      event("assignment.complete", {}, {}, { id: 3 }),
      event("segment.update", seg, seg, { id: 2, entity_id: "a" }),
      event("segment.create", null, seg, { id: 1, entity_id: "b" }),
    ];
    expect([...currentVersions(list)]).toEqual([5]);
  });
});
