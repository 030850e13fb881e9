// Saves sent one after another (each reorder waits for the one before), so rapid moves never race.
import { useState } from "react";
import { errorMessage } from "../api/client";

export type RunSerial = <T>(
  task: () => Promise<T>,
  done: (value: T, last: boolean) => void,
  failed: (message: string) => void,
) => Promise<void>;

/** A runner that starts each task once the one before has settled; `last` says none is waiting. */
export function serial(): RunSerial {
  let chain: Promise<void> = Promise.resolve();
  let pending = 0;
  return (task, done, failed) => {
    pending += 1;
    chain = chain.then(async () => {
      try {
        const value = await task();
        pending -= 1;
        done(value, pending === 0);
      } catch (err) {
        pending -= 1;
        failed(errorMessage(err));
      }
    });
    return chain;
  };
}

export interface SerialSave {
  error: string | null;
  run<T>(task: () => Promise<T>, done: (value: T, last: boolean) => void, failed: () => void): void;
}

export function useSerialSave(): SerialSave {
  const [runner] = useState(serial);
  const [error, setError] = useState<string | null>(null);
  return {
    error,
    run(task, done, failed) {
      void runner(
        task,
        (value, last) => {
          setError(null);
          done(value, last);
        },
        (message) => {
          setError(message);
          failed();
        },
      );
    },
  };
}
