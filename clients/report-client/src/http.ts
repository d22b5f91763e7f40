// The client's HTTP layer: credentials, timeouts, retries with backoff and the
// server's Retry-After, and errors in the report API's one shape.
import type { ApiError } from "../../../supabase/functions/_shared/report/contract.ts";

export interface TransportOptions {
  /** The project URL (`https://<ref>.supabase.co`, `http://127.0.0.1:54321`) or its `/functions/v1` base. */
  url: string;
  /**
   * The project's API key, sent in the `apikey` header (hosted gateways want it). A legacy JWT key
   * (the service_role key) is also sent as the bearer token; a secret key (`sb_secret_...`) is not a JWT
   * and goes in `apikey` only.
   */
  apiKey?: string;
  /** A JWT sent as `Authorization: Bearer`: a service_role JWT or an operator's access token. */
  accessToken?: string;
  /** Retries of a retryable failure (network error, timeout, 5xx, 429). Default 5. */
  retries?: number;
  /** First backoff; it doubles per retry, with full jitter, up to retryMaxMs. Default 250 ms. */
  retryBaseMs?: number;
  /** Default 10,000 ms. */
  retryMaxMs?: number;
  /** Per request. Default 15,000 ms. */
  requestTimeoutMs?: number;
  /** Default: globalThis.fetch (Node 20+, Deno, Bun). */
  fetch?: typeof fetch;
  /** Where warnings go (dropped lines, an unreachable server). Default console.warn. */
  onWarning?: (message: string) => void;
}

/** The API answered with an error that retrying the same request cannot fix (or retries ran out). */
export class ReportApiError extends Error {
  constructor(readonly status: number, readonly error: ApiError) {
    super(`${status} ${error.code}: ${error.message}`);
    this.name = "ReportApiError";
  }
}

/** The API could not be reached (network errors, timeouts) within the retries. */
export class ReportUnavailableError extends Error {
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
    this.name = "ReportUnavailableError";
  }
}

export interface RequestOptions {
  body?: unknown;
  /** Makes a repeat of a write safe: the server stores the answer with the key. */
  idempotencyKey?: string;
  /** Whether repeating the request as it is is safe (GET, heartbeat, finish); with a key it always is. */
  idempotent?: boolean;
  /** Retries for this request (default: the transport's). */
  retries?: number;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const looksLikeJwt = (key: string) => key.split(".").length === 3;

/** Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"). */
export function backoffMs(attempt: number, baseMs: number, maxMs: number, random = Math.random): number {
  return Math.round(random() * Math.min(maxMs, baseMs * 2 ** attempt));
}

/** Retry-After in seconds or as an HTTP date (RFC 9110 10.2.3), in ms; null when absent. */
export function retryAfterMs(header: string | null, now = Date.now()): number | null {
  if (!header) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

export class Transport {
  readonly base: string;
  readonly #headers: Record<string, string>;
  readonly #fetch: typeof fetch;
  readonly retries: number;
  readonly #baseMs: number;
  readonly #maxMs: number;
  readonly #timeoutMs: number;
  readonly warn: (message: string) => void;

  constructor(options: TransportOptions) {
    const url = options.url.replace(/\/+$/, "");
    this.base = url.endsWith("/functions/v1") ? url : `${url}/functions/v1`;
    const bearer = options.accessToken ?? (options.apiKey && looksLikeJwt(options.apiKey) ? options.apiKey : undefined);
    this.#headers = {
      "content-type": "application/json",
      ...(options.apiKey ? { apikey: options.apiKey } : {}),
      ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
    };
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.retries = options.retries ?? 5;
    this.#baseMs = options.retryBaseMs ?? 250;
    this.#maxMs = options.retryMaxMs ?? 10_000;
    this.#timeoutMs = options.requestTimeoutMs ?? 15_000;
    this.warn = options.onWarning ?? ((message) => console.warn(`[report-client] ${message}`));
  }

  /** One API call; retries what is safe to repeat, waiting at least what the server asks (Retry-After). */
  async request<T>(method: "GET" | "POST", path: string, options: RequestOptions = {}): Promise<T> {
    const safe = options.idempotent === true || options.idempotencyKey !== undefined || method === "GET";
    const retries = safe ? options.retries ?? this.retries : 0;
    const headers = options.idempotencyKey
      ? { ...this.#headers, "idempotency-key": options.idempotencyKey }
      : this.#headers;
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    for (let attempt = 0;; attempt++) {
      let response: Response;
      try {
        response = await this.#fetch(`${this.base}${path}`, {
          method,
          headers,
          body,
          signal: AbortSignal.timeout(this.#timeoutMs),
        });
      } catch (error) {
        if (attempt >= retries) {
          throw new ReportUnavailableError(`${method} ${path}: ${(error as Error)?.message ?? error}`, error);
        }
        await sleep(backoffMs(attempt, this.#baseMs, this.#maxMs));
        continue;
      }
      const text = await response.text();
      if (response.ok) return (text ? JSON.parse(text) : null) as T;
      const error = parseError(response.status, text);
      const retryable = response.status >= 500 || response.status === 429 || response.status === 408;
      if (!retryable || attempt >= retries) throw new ReportApiError(response.status, error);
      const asked = retryAfterMs(response.headers.get("retry-after")) ?? 0;
      await sleep(Math.max(asked, backoffMs(attempt, this.#baseMs, this.#maxMs)));
    }
  }
}

/** The report API's `{"error": {...}}`, or what a gateway or proxy said instead. */
function parseError(status: number, text: string): ApiError {
  try {
    const parsed = JSON.parse(text) as { error?: ApiError; code?: unknown; message?: unknown };
    if (parsed.error?.code) return parsed.error;
    return { code: String(parsed.code ?? `http_${status}`), message: String(parsed.message ?? text) };
  } catch {
    return { code: `http_${status}`, message: text.slice(0, 500) };
  }
}
