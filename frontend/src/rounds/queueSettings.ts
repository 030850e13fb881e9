// A project's queue order (settings.queue): by id, by model uncertainty, or by how much two
// models disagree; read from and written into the settings JSON.
import type { Settings } from "../admin/settingsJson";

export type QueueOrder = "id" | "uncertainty" | "disagreement";
export interface QueueSettings {
  order: QueueOrder;
  models: string[];
}

const ORDERS: QueueOrder[] = ["id", "uncertainty", "disagreement"];

export function readQueue(settings: unknown): QueueSettings {
  const raw = settings && typeof settings === "object" ? (settings as { queue?: unknown }).queue : undefined;
  if (!raw || typeof raw !== "object") return { order: "id", models: [] };
  const { order, models } = raw as { order?: unknown; models?: unknown };
  return {
    order: ORDERS.includes(order as QueueOrder) ? (order as QueueOrder) : "id",
    models: Array.isArray(models) ? models.filter((m): m is string => typeof m === "string") : [],
  };
}

/** The settings with this queue order; the id order with no models drops the key. */
export function withQueue(settings: Settings, queue: QueueSettings): Settings {
  const next: Settings = { ...settings };
  if (queue.order === "id") delete next.queue;
  else next.queue = { order: queue.order, models: queue.models };
  return next;
}

/** Why the queue order cannot be saved as it stands, or null. */
export function queueProblem(queue: QueueSettings): string | null {
  if (queue.order === "disagreement" && (queue.models.length !== 2 || queue.models[0] === queue.models[1])) {
    return "Choose the two models whose disagreement orders the queue.";
  }
  return null;
}

/** "1 of 3 submitted" and the share done, for a round's progress bar. */
export function roundShare(submitted: number, size: number): number {
  return size > 0 ? Math.min(1, submitted / size) : 0;
}

/** The export of what people finished (accepted predictions are their own segments by then). */
export function trainingSetUrl(projectId: number): string {
  const query = new URLSearchParams({ format: "audino", status: "done", predictions: "exclude" });
  return `/api/projects/${projectId}/export?${query}`;
}
