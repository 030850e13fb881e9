// HTML5 drag and drop for reordering one list; nested lists use different kinds so they never mix.
import { useState, type DragEvent } from "react";
import { dropOrder } from "./reorder";

export interface DragProps {
  draggable: boolean;
  onDragStart(e: DragEvent): void;
  onDragOver(e: DragEvent): void;
  onDragLeave(e: DragEvent): void;
  onDrop(e: DragEvent): void;
  onDragEnd(e: DragEvent): void;
  "data-dragging"?: boolean;
  "data-drop-target"?: boolean;
}

export function useDragSort(
  kind: string,
  ids: readonly number[],
  onMove: (ids: number[]) => void,
  enabled = true,
): (id: number) => DragProps {
  const [dragging, setDragging] = useState<number | null>(null);
  const [over, setOver] = useState<number | null>(null);
  // dataTransfer types come back lower-cased, so the kind is too.
  const type = `application/x-audino-${kind}`.toLowerCase();
  const ours = (e: DragEvent) => e.dataTransfer.types.includes(type);

  return (id: number) => ({
    draggable: enabled,
    onDragStart(e) {
      e.stopPropagation();
      e.dataTransfer.setData(type, String(id));
      e.dataTransfer.effectAllowed = "move";
      setDragging(id);
    },
    onDragOver(e) {
      if (!ours(e)) return;
      e.preventDefault();
      e.stopPropagation();
      e.dataTransfer.dropEffect = "move";
      if (over !== id) setOver(id);
    },
    onDragLeave(e) {
      if (ours(e) && over === id) setOver(null);
    },
    onDrop(e) {
      if (!ours(e)) return;
      e.preventDefault();
      e.stopPropagation();
      const from = Number(e.dataTransfer.getData(type));
      setOver(null);
      setDragging(null);
      const order = dropOrder(ids, from, id);
      if (order) onMove(order);
    },
    onDragEnd() {
      setDragging(null);
      setOver(null);
    },
    "data-dragging": dragging === id || undefined,
    "data-drop-target": (over === id && dragging !== id) || undefined,
  });
}
