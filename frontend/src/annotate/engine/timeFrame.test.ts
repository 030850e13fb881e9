import { describe, expect, it } from "vitest";
import {
  clampToFrame,
  clockText,
  describeDatapoint,
  frameOf,
  toPlayer,
  toRecording,
  windowOf,
} from "./timeFrame";

const recording = { original_name: "interview.wav", duration: 10800, offset: 0, parent_id: null, window_count: 180 };
const window61 = {
  original_name: "interview.wav",
  duration: 60,
  offset: 3600,
  parent_id: 7,
  window_index: 61,
  window_count: 180,
};

describe("time frame", () => {
  it("is the whole file for a plain recording", () => {
    expect(windowOf(recording)).toBeNull();
    expect(frameOf(recording)).toEqual({ offset: 0, duration: 10800 });
    expect(toRecording(frameOf(recording), 12.5)).toBe(12.5);
  });

  it("maps a window's player time to recording time and back", () => {
    const frame = frameOf(window61);
    expect(frame).toEqual({ offset: 3600, duration: 60 });
    expect(toRecording(frame, 0)).toBe(3600);
    expect(toRecording(frame, 60)).toBe(3660);
    expect(toPlayer(frame, 3630.25)).toBe(30.25);
    expect(toPlayer(frame, toRecording(frame, 17.125))).toBe(17.125);
  });

  it("keeps times inside the frame", () => {
    const frame = frameOf(window61);
    expect(clampToFrame(frame, 10)).toBe(3600);
    expect(clampToFrame(frame, 9999)).toBe(3660);
    expect(clampToFrame(frame, 3601)).toBe(3601);
  });

  it("the first window starts at 0 and is still a window", () => {
    const first = { ...window61, offset: 0, window_index: 1 };
    expect(windowOf(first)?.index).toBe(1);
    expect(frameOf(first)).toEqual({ offset: 0, duration: 60 });
  });

  it("describes a window in the list", () => {
    expect(describeDatapoint(window61)).toBe("interview.wav · 1:00:00–1:01:00 (window 61 of 180)");
    expect(describeDatapoint({ ...window61, offset: 120, window_index: 3 })).toBe(
      "interview.wav · 2:00–3:00 (window 3 of 180)",
    );
    expect(describeDatapoint(recording)).toBe("interview.wav");
    expect(clockText(59.6)).toBe("1:00");
  });
});
