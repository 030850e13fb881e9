// The typed API client, generated from the server's OpenAPI schema (src/api/schema.d.ts).
import createClient, { type Middleware } from "openapi-fetch";
import type { components, paths } from "./schema";

export type Schemas = components["schemas"];

const CSRF_COOKIE = "audino_csrf";
const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

/** An error answered by the server ({detail, code}) or a network failure (status 0). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly body: unknown;
  constructor(status: number, detail: string, code: string, body?: unknown) {
    super(detail);
    this.status = status;
    this.code = code;
    this.body = body;
  }
  get offline(): boolean {
    return this.status === 0 || this.status === 502 || this.status === 503 || this.status === 504;
  }
}

export function csrfToken(): string {
  const match = document.cookie.match(new RegExp(`(?:^|; )${CSRF_COOKIE}=([^;]*)`));
  return match ? decodeURIComponent(match[1]) : "";
}

const auth: Middleware = {
  onRequest({ request }) {
    if (!SAFE.has(request.method)) request.headers.set("X-CSRF-Token", csrfToken());
    return request;
  },
  onResponse({ response }) {
    if (response.status === 401 && !new URL(response.url).pathname.endsWith("/auth/login")) {
      window.dispatchEvent(new CustomEvent("audino:unauthorized"));
    }
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: "", credentials: "same-origin" });
api.use(auth);

type Result<T> = { data?: T; error?: unknown; response: Response };

/** The data of a call, or an ApiError with the server's message. */
export async function unwrap<T>(call: Promise<Result<T>>): Promise<T> {
  let result: Result<T>;
  try {
    result = await call;
  } catch (err) {
    throw new ApiError(0, "Cannot reach the server. Check your connection.", "offline", err);
  }
  const { data, error, response } = result;
  if (!response.ok) {
    const body = (error ?? {}) as { detail?: unknown; code?: unknown };
    const detail =
      typeof body.detail === "string" ? body.detail : `${response.status} ${response.statusText}`;
    const code = typeof body.code === "string" ? body.code : "error";
    throw new ApiError(response.status, detail, code, error);
  }
  return data as T;
}

export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}
