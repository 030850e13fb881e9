// The quick modes' keyboard: one listener for the page's life that runs the latest handler
// (no stale item between a render and its effects). A key pressed while the last decision is
// still saving is kept and run once the page is ready again, so fast hands lose nothing.
import { useEffect, useRef } from "react";
import { isTextField } from "../annotate/state/keymap";
import { commandFor, type Command } from "./keys";

/** `waiting`: a save or load is under way (decision keys wait for it); `item` what is shown. */
export function useQuickKeys(mode: string, run: (command: Command) => void, waiting: boolean, item: unknown) {
  const pending = useRef<Command | null>(null);
  const latest = useRef(run);
  latest.current = run;
  const busy = useRef(waiting);
  busy.current = waiting;

  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      if (e.isComposing || (e.repeat && e.key !== "ArrowUp" && e.key !== "ArrowDown")) return;
      const command = commandFor(mode, {
        key: e.key,
        ctrlKey: e.ctrlKey,
        metaKey: e.metaKey,
        altKey: e.altKey,
        shiftKey: e.shiftKey,
        inText: isTextField(e.target),
      });
      if (!command) return;
      e.preventDefault();
      if (busy.current && command.kind !== "speed" && command.kind !== "replay") {
        pending.current = command;
        return;
      }
      latest.current(command);
    }
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [mode]);

  useEffect(() => {
    if (waiting || !pending.current) return;
    const command = pending.current;
    pending.current = null;
    latest.current(command);
  }, [waiting, item]);
}
