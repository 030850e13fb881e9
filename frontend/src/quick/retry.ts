// Saving a decision until it is saved: a failure is reported (to be shown), then retried after
// a growing pause; errors the server will answer the same way again (4xx) stop the retries.
import { ApiError, errorMessage } from "../api/client";

export const RETRY_PAUSES_MS = [1000, 2000, 4000, 8000, 15000];

export function pauseBefore(attempt: number): number {
  return RETRY_PAUSES_MS[Math.min(attempt, RETRY_PAUSES_MS.length - 1)];
}

/** Worth trying again: the network, the server's own trouble, or a version conflict. */
export function retryable(err: unknown): boolean {
  if (!(err instanceof ApiError)) return true;
  return err.offline || err.status >= 500 || err.status === 409 || err.status === 429;
}

export interface RetryHooks {
  failed(err: unknown, attempt: number, willRetry: boolean): void;
  wait(ms: number): Promise<void>;
  /** False once the page has moved on (stop trying). */
  alive(): boolean;
}

export async function saveUntilSaved<T>(work: () => Promise<T>, hooks: RetryHooks): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await work();
    } catch (err) {
      const again = retryable(err) && hooks.alive();
      hooks.failed(err, attempt, again);
      if (!again) throw err;
      await hooks.wait(pauseBefore(attempt));
      if (!hooks.alive()) throw err;
    }
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => window.setTimeout(resolve, ms));

/** The hooks a quick queue saves with: each failure reported as "Not saved: …", real pauses. */
export function retryHooks(alive: () => boolean, report: (text: string) => void): RetryHooks {
  return {
    failed(err, _attempt, again) {
      report(`Not saved: ${errorMessage(err)}${again ? " Trying again…" : ""}`);
    },
    wait: sleep,
    alive,
  };
}
