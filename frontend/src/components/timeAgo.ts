// When something happened, in words: "just now", "5 min ago", "3 h ago", "yesterday", a date.

export function timeAgo(iso: string | null | undefined, now: number = Date.now()): string {
  if (!iso) return "–";
  const at = Date.parse(iso);
  if (!Number.isFinite(at)) return "–";
  const seconds = Math.max(0, (now - at) / 1000);
  if (seconds < 45) return "just now";
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  const days = Math.round(hours / 24);
  if (days === 1) return "yesterday";
  if (days < 7) return `${days} days ago`;
  return new Date(at).toLocaleDateString("en-GB", { day: "numeric", month: "short", year: "numeric" });
}

/** The full date and time, for a tooltip. */
export function fullTime(iso: string | null | undefined): string {
  if (!iso) return "";
  const at = Date.parse(iso);
  return Number.isFinite(at) ? new Date(at).toLocaleString("en-GB") : "";
}
