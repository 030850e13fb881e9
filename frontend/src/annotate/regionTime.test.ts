import { describe, expect, it } from "vitest";
import { timeUnder } from "./useRegionSync";

const wrapper = (left: number, width: number) =>
  ({ getBoundingClientRect: () => ({ left, width }) }) as unknown as HTMLElement;

describe("timeUnder", () => {
  it("maps the pointer over the whole (scrolled) wrapper to time", () => {
    expect(timeUnder(wrapper(20, 1000), 10, 520)).toBeCloseTo(5);
    // Zoomed and scrolled: the wrapper starts left of the screen.
    expect(timeUnder(wrapper(-3000, 4000), 100, 500)).toBeCloseTo(87.5);
  });
  it("stays inside the recording", () => {
    expect(timeUnder(wrapper(0, 1000), 10, -50)).toBe(0);
    expect(timeUnder(wrapper(0, 1000), 10, 1200)).toBe(10);
  });
  it("has no time before the wrapper is laid out", () => {
    expect(timeUnder(wrapper(0, 0), 10, 5)).toBeNull();
    expect(timeUnder(wrapper(0, 100), 0, 5)).toBeNull();
  });
});
