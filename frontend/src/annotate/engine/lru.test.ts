import { describe, expect, it } from "vitest";
import { ByteLru } from "./lru";

describe("ByteLru", () => {
  it("evicts the least recently used entries past the byte limit", () => {
    const evicted: string[] = [];
    const lru = new ByteLru<string>(10, (v) => evicted.push(v));
    lru.set("a", "A", 4);
    lru.set("b", "B", 4);
    lru.get("a");
    lru.set("c", "C", 4);
    expect(evicted).toEqual(["B"]);
    expect(lru.has("a") && lru.has("c")).toBe(true);
    expect(lru.bytes).toBe(8);
  });

  it("keeps an entry larger than the limit until the next one", () => {
    const lru = new ByteLru<number>(2);
    lru.set("big", 1, 5);
    expect(lru.get("big")).toBe(1);
    lru.set("next", 2, 1);
    expect(lru.has("big")).toBe(false);
    expect(lru.bytes).toBe(1);
  });

  it("replacing a key counts its bytes once", () => {
    const lru = new ByteLru<number>(100);
    lru.set("a", 1, 10);
    lru.set("a", 2, 20);
    expect(lru.bytes).toBe(20);
    expect(lru.size).toBe(1);
    lru.clear();
    expect(lru.bytes).toBe(0);
  });
});
