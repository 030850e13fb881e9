import { describe, expect, it } from "vitest";
import { fingerprint, markSeen, readGuidelines, renderGuidelines, unseen } from "./guidelines";

describe("renderGuidelines", () => {
  it("renders Markdown", () => {
    const html = renderGuidelines("## Speech\n\n- mark **every** word\n- skip [noise](https://example.org)");
    const page = new DOMParser().parseFromString(html, "text/html");
    expect(page.querySelector("h2")?.textContent).toBe("Speech");
    expect([...page.querySelectorAll("li")].map((li) => li.textContent)).toEqual(["mark every word", "skip noise"]);
    const link = page.querySelector("a");
    expect(link?.getAttribute("target")).toBe("_blank");
    expect(link?.getAttribute("rel")).toBe("noopener noreferrer");
  });

  it("drops scripts, handlers, styles and javascript links", () => {
    const html = renderGuidelines(
      '<script>alert(1)</script><img src="x" onerror="alert(2)"><p style="color:red" onclick="x()">hi</p>' +
        "\n\n[bad](javascript:alert(3)) <form><input></form>",
    );
    expect(html).not.toMatch(/script|onerror|onclick|style=|javascript:|<form|<input/i);
    expect(html).toContain("hi");
  });
});

describe("first open", () => {
  it("shows a text once per user and again when it changes", () => {
    const store = new Map<string, string>();
    const storage = {
      getItem: (k: string) => store.get(k) ?? null,
      setItem: (k: string, v: string) => void store.set(k, v),
    } as Storage;
    expect(unseen(1, 7, "", storage)).toBe(false);
    expect(unseen(1, 7, "Be kind", storage)).toBe(true);
    markSeen(1, 7, "Be kind", storage);
    expect(unseen(1, 7, "Be kind", storage)).toBe(false);
    expect(unseen(1, 8, "Be kind", storage)).toBe(true); // another user
    expect(unseen(2, 7, "Be kind", storage)).toBe(true); // another project
    expect(unseen(1, 7, "Be kind.", storage)).toBe(true);
    expect(fingerprint("a")).not.toBe(fingerprint("b"));
  });

  it("reads the text from the settings", () => {
    expect(readGuidelines({ guidelines: "x" })).toBe("x");
    expect(readGuidelines({ guidelines: 3 })).toBe("");
    expect(readGuidelines(null)).toBe("");
  });
});
