// @mentions in a comment: the name being typed at the caret, completing it, and finding
// mentioned names in a comment's text to show them apart.

/** A username as the server reads it after "@" (letters, digits, . _ -). */
const NAME_CHAR = /[\w.-]/u;

/** The @name being typed at `caret`: where its "@" is and what follows it so far. */
export function mentionAt(text: string, caret: number): { start: number; query: string } | null {
  let i = caret;
  while (i > 0 && NAME_CHAR.test(text[i - 1])) i -= 1;
  if (i === 0 || text[i - 1] !== "@") return null;
  const at = i - 1;
  // Not part of an e-mail address or a word ("rita@example.org" is no mention).
  if (at > 0 && /[\w.@]/u.test(text[at - 1])) return null;
  return { start: at, query: text.slice(i, caret) };
}

/** The text with the @name at start…caret completed to `username`, and where the caret goes. */
export function insertMention(
  text: string,
  start: number,
  caret: number,
  username: string,
): { text: string; caret: number } {
  let end = caret;
  while (end < text.length && NAME_CHAR.test(text[end])) end += 1;
  const rest = text.slice(end);
  // A space to go on typing, unless one follows already or punctuation does.
  const inserted = `@${username}${rest === "" || /^[\p{L}\p{N}]/u.test(rest) ? " " : ""}`;
  const caretAt = start + inserted.length + (rest.startsWith(" ") ? 1 : 0);
  return { text: text.slice(0, start) + inserted + rest, caret: caretAt };
}

/** Members whose name matches what was typed: names starting with it first, then containing it. */
export function matchMembers(names: string[], query: string, limit = 6): string[] {
  const q = query.toLowerCase();
  const starts = names.filter((n) => n.toLowerCase().startsWith(q));
  const contains = names.filter((n) => !n.toLowerCase().startsWith(q) && n.toLowerCase().includes(q));
  return [...starts, ...contains].slice(0, limit);
}

export interface TextPart {
  text: string;
  /** Set on an "@name" the server recognised as a member. */
  mention?: string;
}

/** Splits a comment's text so the mentions the server recognised can be shown apart. */
export function splitMentions(body: string, mentions: string[]): TextPart[] {
  if (mentions.length === 0) return [{ text: body }];
  const known = new Set(mentions.map((m) => m.toLowerCase()));
  const parts: TextPart[] = [];
  const pattern = /(?<![\w.@])@([\w][\w.-]{0,149})/gu;
  let last = 0;
  for (const m of body.matchAll(pattern)) {
    const name = m[1].replace(/[.-]+$/u, "");
    if (!known.has(name.toLowerCase())) continue;
    const from = m.index ?? 0;
    if (from > last) parts.push({ text: body.slice(last, from) });
    parts.push({ text: `@${name}`, mention: name });
    last = from + 1 + name.length;
  }
  if (last < body.length) parts.push({ text: body.slice(last) });
  return parts;
}
