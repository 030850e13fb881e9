import { describe, expect, it } from "vitest";
import { insertMention, matchMembers, mentionAt, splitMentions } from "./mentions";

describe("the @name being typed", () => {
  it("is found right after an @ at the start or after a space", () => {
    expect(mentionAt("@ri", 3)).toEqual({ start: 0, query: "ri" });
    expect(mentionAt("thanks @ri", 10)).toEqual({ start: 7, query: "ri" });
    expect(mentionAt("thanks @", 8)).toEqual({ start: 7, query: "" });
  });
  it("is nothing inside an e-mail address or plain text", () => {
    expect(mentionAt("rita@example", 12)).toBeNull();
    expect(mentionAt("hello", 5)).toBeNull();
    expect(mentionAt("@rita done", 10)).toBeNull();
  });
  it("is completed to the member's name with a space after it", () => {
    expect(insertMention("thanks @ri", 7, 10, "rita")).toEqual({ text: "thanks @rita ", caret: 13 });
    expect(insertMention("@ri, see", 0, 3, "rita")).toEqual({ text: "@rita, see", caret: 5 });
    expect(insertMention("@ri see", 0, 2, "rita")).toEqual({ text: "@rita see", caret: 6 });
  });
});

describe("members matching", () => {
  it("lists names starting with the text first, then names containing it", () => {
    expect(matchMembers(["bob", "rita", "ann", "marita"], "ri")).toEqual(["rita", "marita"]);
    expect(matchMembers(["Ann", "bob"], "a")).toEqual(["Ann"]);
    expect(matchMembers(["a", "b", "c"], "", 2)).toEqual(["a", "b"]);
  });
});

describe("mentions in a comment", () => {
  it("are the names the server recognised, nothing else", () => {
    expect(splitMentions("@ann is this @nobody? mail rita@example.org", ["ann"])).toEqual([
      { text: "@ann", mention: "ann" },
      { text: " is this @nobody? mail rita@example.org" },
    ]);
    expect(splitMentions("thanks @rita.", ["rita"])).toEqual([
      { text: "thanks " },
      { text: "@rita", mention: "rita" },
      { text: "." },
    ]);
    expect(splitMentions("plain", [])).toEqual([{ text: "plain" }]);
  });
});
