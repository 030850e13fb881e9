// A project's guidelines: Markdown a manager writes, shown to annotators in the editor on
// demand and by itself on their first open (again whenever the text changes).
import DOMPurify from "dompurify";
import { marked } from "marked";

export const MAX_GUIDELINES = 100_000;

/** The guidelines text of a project's settings ("" when it has none). */
export function readGuidelines(settings: Record<string, unknown> | null | undefined): string {
  const value = settings?.guidelines;
  return typeof value === "string" ? value : "";
}

let hooked = false;

/** Markdown as safe HTML: no scripts, handlers or styles; links open in a new tab. */
export function renderGuidelines(markdown: string): string {
  if (!hooked) {
    DOMPurify.addHook("afterSanitizeAttributes", (node) => {
      if (node.tagName === "A" && node.getAttribute("href")) {
        node.setAttribute("target", "_blank");
        node.setAttribute("rel", "noopener noreferrer");
      }
    });
    hooked = true;
  }
  const html = marked.parse(markdown, { async: false, gfm: true, breaks: false });
  return DOMPurify.sanitize(html, { FORBID_TAGS: ["style", "form", "input", "button"], FORBID_ATTR: ["style"] });
}

/** A short fingerprint of the text (FNV-1a): a changed text is shown again. */
export function fingerprint(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16);
}

function storageKey(projectId: number, userId: number): string {
  return `audino.guidelines.${userId}.${projectId}`;
}

/** Whether this user has not yet seen this text of the project's guidelines. */
export function unseen(projectId: number, userId: number, text: string, storage: Storage = localStorage): boolean {
  if (!text.trim()) return false;
  try {
    return storage.getItem(storageKey(projectId, userId)) !== fingerprint(text);
  } catch {
    return false; // storage off: never force the dialog on every item
  }
}

export function markSeen(projectId: number, userId: number, text: string, storage: Storage = localStorage): void {
  try {
    storage.setItem(storageKey(projectId, userId), fingerprint(text));
  } catch {
    // storage off or full: the dialog shows again next time, nothing is lost
  }
}
