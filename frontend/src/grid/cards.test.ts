import { describe, expect, it } from "vitest";
import { filterQuery, filtersFrom, labelChips, metadataFromRows, metadataRows } from "./cards";

const label = (over: object) => ({
  id: 1, name: "kind", kind: "single", scope: "datapoint", required: false, color: null, hotkey: null, position: 0,
  values: [
    { id: 10, value: "dog", color: "#f00", hotkey: null, position: 0 },
    { id: 11, value: "cat", color: null, hotkey: null, position: 1 },
  ],
  ...over,
});

const item = (assignments: object[]) => ({ assignments }) as never;

describe("labelChips", () => {
  it("names each person's values", () => {
    const chips = labelChips(
      item([
        { username: "ann", values: { "1": 10 } },
        { username: "bob", values: { "1": 11, "9": 3 } },
      ]),
      [label({}) as never],
    );
    expect(chips).toEqual([
      { label: "kind", value: "dog", color: "#f00", by: "ann" },
      { label: "kind", value: "cat", color: null, by: "bob" },
    ]);
  });
  it("lists multi values and skips segment labels", () => {
    const labels = [label({ kind: "multi" }), label({ id: 2, scope: "segment" })] as never[];
    const chips = labelChips(item([{ username: "ann", values: { "1": [10, 11], "2": 10 } }]), labels);
    expect(chips.map((c) => c.value)).toEqual(["dog", "cat"]);
  });
});

describe("metadata editing", () => {
  const before = { take: 3, night: false, where: { room: 1 }, who: "s1" };
  it("keeps each value's type where the text still reads as one", () => {
    const rows = metadataRows(before);
    expect(rows.map((r) => r.text)).toEqual(["3", "false", '{"room":1}', "s1"]);
    const edited = rows.map((r) => (r.key === "take" ? { ...r, text: "4" } : r));
    expect(metadataFromRows([...edited, { key: "new", text: "5" }], before)).toEqual({
      take: 4, night: false, where: { room: 1 }, who: "s1", new: "5",
    });
  });
  it("turns a number typed as words into text, and refuses nameless or twice-named fields", () => {
    expect(metadataFromRows([{ key: "take", text: "three" }], before)).toEqual({ take: "three" });
    expect(() => metadataFromRows([{ key: " ", text: "x" }], before)).toThrow("needs a name");
    expect(() => metadataFromRows([{ key: "a", text: "1" }, { key: "a", text: "2" }], {})).toThrow("twice");
    expect(metadataFromRows([{ key: "", text: "" }], {})).toEqual({});
  });
});

describe("filters", () => {
  it("reads the URL and sends durations as numbers", () => {
    const f = filtersFrom(new URLSearchParams("label=kind&value=dog&min_duration=1.5&q=x"));
    expect(f).toEqual({ label: "kind", value: "dog", min_duration: "1.5" });
    expect(filterQuery(f)).toEqual({ label: "kind", value: "dog", min_duration: 1.5 });
  });
});
