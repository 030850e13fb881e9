// The undo stack as React state, kept in session storage under `key` (a reload keeps it).
import { useEffect, useState } from "react";
import { loadStack, saveStack } from "./undoStack";

export function useUndoStack<T>(key: string) {
  const [stack, setStack] = useState<T[]>(() => loadStack<T>(key));
  useEffect(() => saveStack(key, stack), [key, stack]);
  return [stack, setStack] as const;
}
