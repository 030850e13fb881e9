import { describe, expect, it } from "vitest";
import { whereText } from "./SegmentTable";

const seg = (extra: object) => ({ id: "a", start: 0, end: 1, transcript: "", values: {}, ...extra });

describe("where a segment lies", () => {
  it("names its channel of several, and its band", () => {
    expect(whereText(seg({ channel: 1 }), 4)).toBe("Channel 2");
    expect(whereText(seg({ channel: 0 }), 2)).toBe("Left");
    expect(whereText(seg({ channel: null }), 4)).toBe("");
    expect(whereText(seg({ low_hz: 250, high_hz: 4567.3 }), 1)).toBe("250 Hz–4.57 kHz");
    expect(whereText(seg({ channel: 1, low_hz: 1000, high_hz: 11025 }), 2)).toBe("Right · 1.00 kHz–11.0 kHz");
  });
});
