import { describe, expect, it } from "vitest";
import { timeAgo } from "./timeAgo";

const NOW = Date.parse("2025-03-12T12:00:00Z");
const ago = (seconds: number) => new Date(NOW - seconds * 1000).toISOString();

describe("time in words", () => {
  it("says recent times relative to now", () => {
    expect(timeAgo(ago(10), NOW)).toBe("just now");
    expect(timeAgo(ago(5 * 60), NOW)).toBe("5 min ago");
    expect(timeAgo(ago(3 * 3600), NOW)).toBe("3 h ago");
    expect(timeAgo(ago(26 * 3600), NOW)).toBe("yesterday");
    expect(timeAgo(ago(3 * 86400), NOW)).toBe("3 days ago");
  });
  it("gives a date for older times and a dash for none", () => {
    expect(timeAgo("2025-01-02T10:00:00Z", NOW)).toBe("2 Jan 2025");
    expect(timeAgo(null, NOW)).toBe("–");
    expect(timeAgo("not a date", NOW)).toBe("–");
  });
});
