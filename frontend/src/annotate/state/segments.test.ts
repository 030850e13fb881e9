import { describe, expect, it } from "vitest";
import {
  contentKey,
  describeValues,
  fromServer,
  isBoxed,
  layoutLanes,
  neighbourSegment,
  segmentAt,
  segmentColor,
  snapEdges,
  splitAt,
  withAlpha,
  type Label,
  type Segment,
} from "./segments";

/** A 10 s recording; WINDOW is 30–40 s of a longer one. */
const WHOLE = { offset: 0, duration: 10 };
const WINDOW = { offset: 30, duration: 10 };

const seg = (id: string, start: number, end: number, extra: Partial<Segment> = {}): Segment => ({
  id,
  start,
  end,
  transcript: "",
  values: {},
  ...extra,
});

const speaker: Label = {
  id: 1,
  name: "speaker",
  kind: "single",
  scope: "segment",
  required: true,
  color: "#000000",
  hotkey: null,
  position: 0,
  values: [
    { id: 10, value: "female", color: "#e4572e", hotkey: "1", position: 0 },
    { id: 11, value: "male", color: null, hotkey: "2", position: 1 },
  ],
};

describe("snapEdges", () => {
  const others = [seg("a", 0, 2), seg("b", 5, 7)];
  it("snaps a dragged start edge to a close neighbour edge", () => {
    expect(snapEdges(seg("x", 2.04, 4), others, 0.1, WHOLE, "start")).toEqual({ start: 2, end: 4 });
  });
  it("leaves edges alone beyond the threshold", () => {
    expect(snapEdges(seg("x", 2.3, 4), others, 0.1, WHOLE, "start")).toEqual({ start: 2.3, end: 4 });
  });
  it("snaps a dragged end edge", () => {
    expect(snapEdges(seg("x", 3, 4.95), others, 0.1, WHOLE, "end")).toEqual({ start: 3, end: 5 });
  });
  it("moves a whole segment keeping its length", () => {
    expect(snapEdges(seg("x", 3.02, 4.97), others, 0.1, WHOLE)).toEqual({ start: 3.05, end: 5 });
    expect(snapEdges(seg("x", 2.03, 3), others, 0.1, WHOLE)).toEqual({ start: 2, end: 2.97 });
  });
  it("never snaps to itself", () => {
    expect(snapEdges(seg("a", 0.05, 2.05), others, 0.1, WHOLE, "end")).toEqual({ start: 0.05, end: 2.05 });
  });
  it("keeps a moved segment inside a window", () => {
    expect(snapEdges(seg("x", 29, 31), [], 0.1, WINDOW)).toEqual({ start: 30, end: 32 });
    expect(snapEdges(seg("x", 39.5, 41.5), [], 0.1, WINDOW)).toEqual({ start: 38, end: 40 });
  });
});

describe("segmentAt", () => {
  it("makes a one-second segment at the cursor", () => {
    expect(segmentAt("n", 1, [], WHOLE)).toMatchObject({ start: 1, end: 2 });
  });
  it("stops at the next segment", () => {
    expect(segmentAt("n", 1, [seg("a", 1.5, 3)], WHOLE)).toMatchObject({ start: 1, end: 1.5 });
  });
  it("stays inside the recording", () => {
    expect(segmentAt("n", 9.5, [], WHOLE)).toMatchObject({ start: 9.5, end: 10 });
    expect(segmentAt("n", 10, [], WHOLE)).toMatchObject({ start: 9, end: 10 });
  });
  it("stays inside a window of a longer recording", () => {
    expect(segmentAt("n", 12, [], WINDOW)).toMatchObject({ start: 30, end: 31 });
    expect(segmentAt("n", 39.5, [], WINDOW)).toMatchObject({ start: 39.5, end: 40 });
    expect(segmentAt("n", 40, [], WINDOW)).toMatchObject({ start: 39, end: 40 });
  });
});

describe("splitAt", () => {
  it("splits into two parts, the left keeping id and transcript", () => {
    const s = seg("a", 1, 3, { transcript: "hello", values: { "1": [10] } });
    const [left, right] = splitAt(s, 2, "b")!;
    expect(left).toMatchObject({ id: "a", start: 1, end: 2, transcript: "hello" });
    expect(right).toMatchObject({ id: "b", start: 2, end: 3, transcript: "", values: { "1": [10] } });
    expect(right.values["1"]).not.toBe(s.values["1"]);
  });
  it("refuses to split at an edge", () => {
    expect(splitAt(seg("a", 1, 3), 1.01, "b")).toBeNull();
    expect(splitAt(seg("a", 1, 3), 4, "b")).toBeNull();
  });
});

describe("layoutLanes", () => {
  it("puts overlapping segments in different lanes and reuses free lanes", () => {
    const lanes = layoutLanes([seg("a", 0, 2), seg("b", 1, 3), seg("c", 2.5, 4), seg("d", 5, 6)]);
    expect(lanes.get("a")).toEqual({ lane: 0, of: 2 });
    expect(lanes.get("b")).toEqual({ lane: 1, of: 2 });
    expect(lanes.get("c")).toEqual({ lane: 0, of: 2 });
    expect(lanes.get("d")).toEqual({ lane: 0, of: 1 });
  });
  it("keeps touching segments at full height", () => {
    const lanes = layoutLanes([seg("a", 0, 2), seg("b", 2, 3)]);
    expect(lanes.get("a")).toEqual({ lane: 0, of: 1 });
    expect(lanes.get("b")).toEqual({ lane: 0, of: 1 });
  });
});

describe("neighbourSegment", () => {
  const all = [seg("b", 3, 4), seg("a", 1, 2), seg("c", 5, 6)];
  it("walks in time order and wraps", () => {
    expect(neighbourSegment(all, "a", 1, 0)?.id).toBe("b");
    expect(neighbourSegment(all, "c", 1, 0)?.id).toBe("a");
    expect(neighbourSegment(all, "a", -1, 0)?.id).toBe("c");
  });
  it("starts from the cursor when nothing is selected", () => {
    expect(neighbourSegment(all, null, 1, 2.5)?.id).toBe("b");
    expect(neighbourSegment(all, null, -1, 2.5)?.id).toBe("a");
  });
});

describe("colours and descriptions", () => {
  it("colours by the chosen value, then the label", () => {
    expect(segmentColor(seg("a", 0, 1, { values: { "1": 10 } }), [speaker])).toBe("#e4572e");
    expect(segmentColor(seg("a", 0, 1, { values: { "1": 11 } }), [speaker])).toBe("#000000");
    expect(segmentColor(seg("a", 0, 1), [speaker])).toBe("#2457c5");
  });
  it("makes transparent colours", () => {
    expect(withAlpha("#ff0000", 0.5)).toBe("rgba(255, 0, 0, 0.5)");
    expect(withAlpha("#0f0", 0.2)).toBe("rgba(0, 255, 0, 0.2)");
  });
  it("describes values by name", () => {
    expect(describeValues({ "1": 11 }, [speaker])).toBe("male");
  });
});

describe("boxes", () => {
  const server = {
    id: "b",
    start: 1,
    end: 2,
    transcript: "",
    values: {},
    low_hz: 300,
    high_hz: 4000,
  } as unknown as Parameters<typeof fromServer>[0];

  it("keeps a box's band from the server, and none for a plain segment", () => {
    expect(fromServer(server)).toMatchObject({ low_hz: 300, high_hz: 4000 });
    expect(isBoxed(fromServer(server))).toBe(true);
    const plain = fromServer({ ...server, low_hz: null, high_hz: null });
    expect("low_hz" in plain).toBe(false);
    expect(isBoxed(plain)).toBe(false);
  });

  it("tells a moved band apart from the loaded one", () => {
    const box = fromServer(server);
    expect(contentKey(box)).toBe(contentKey(server as unknown as Segment));
    expect(contentKey({ ...box, high_hz: 4100 })).not.toBe(contentKey(box));
  });

  it("splits a box into two boxes of the same band", () => {
    const [left, right] = splitAt(fromServer(server), 1.5, "c")!;
    expect([left.low_hz, left.high_hz, right.low_hz, right.high_hz]).toEqual([300, 4000, 300, 4000]);
  });
});
