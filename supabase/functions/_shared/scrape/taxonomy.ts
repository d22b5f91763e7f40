/**
 * The error taxonomy every scrape failure is classified into. The categories and their default
 * severities are the database's (ops.error_categories); tests/integration/vocabulary.test.ts fails
 * when these lists and the table disagree. The database applies a category's default itself, so a
 * failure is sent with a severity only when the raiser chose another one (`severityOverride`).
 */

export const FAILURE_CATEGORIES = [
  "block_403",
  "block_429",
  "captcha",
  "login_redirect",
  "parsing",
  "network_timeout",
  "network_connection",
  "http_5xx",
  "http_4xx",
  "data_quality",
  "validation",
  "duplicate",
  "unknown",
] as const;

export type FailureCategory = typeof FAILURE_CATEGORIES[number];

export type { Severity } from "../jobs/vocabulary.ts";
import type { Severity } from "../jobs/vocabulary.ts";

/** Severity a category gets unless the raiser knows better (e.g. a breaker trip escalates to critical): ops.error_categories.default_severity. */
export const DEFAULT_SEVERITY: Readonly<Record<FailureCategory, Severity>> = {
  block_403: "high",
  block_429: "medium",
  captcha: "high",
  login_redirect: "high",
  parsing: "high",
  network_timeout: "medium",
  network_connection: "medium",
  http_5xx: "medium",
  http_4xx: "medium",
  data_quality: "medium",
  validation: "high",
  duplicate: "low",
  unknown: "medium",
};

/** Categories that mean "the site is refusing us": they count as blocks and feed the circuit breaker. */
export const BLOCK_CATEGORIES: ReadonlySet<FailureCategory> = new Set<FailureCategory>([
  "block_403",
  "block_429",
  "captcha",
  "login_redirect",
]);

/** Categories that count against a portal's circuit breaker: blocks plus an unavailable site. */
export const BREAKER_CATEGORIES: ReadonlySet<FailureCategory> = new Set<FailureCategory>([
  ...BLOCK_CATEGORIES,
  "network_timeout",
  "network_connection",
  "http_5xx",
]);

/** A classified failure, ready to be written as an `errors` row. */
export interface ScrapeFailure {
  category: FailureCategory;
  severity: Severity;
  /** Finer machine-readable reason inside the category, e.g. `invalid_json`, `http_404`. */
  code: string;
  message: string;
  url?: string;
  status?: number;
}

export interface ScrapeErrorDetails {
  url?: string;
  status?: number;
  severity?: Severity;
  /** Whether the HTTP layer may try again (set by the HTTP layer only). */
  retryable?: boolean;
  /** Server-requested delay before a retry (parsed `Retry-After`). */
  retryAfterMs?: number;
}

/** An error that already knows its classification; everything the scraper throws on purpose is one. */
export class ScrapeError extends Error {
  readonly failure: ScrapeFailure;
  readonly retryable: boolean;
  readonly retryAfterMs?: number;

  constructor(category: FailureCategory, code: string, message: string, details: ScrapeErrorDetails = {}) {
    super(message);
    this.name = "ScrapeError";
    this.failure = {
      category,
      severity: details.severity ?? DEFAULT_SEVERITY[category],
      code,
      message,
      ...(details.url === undefined ? {} : { url: details.url }),
      ...(details.status === undefined ? {} : { status: details.status }),
    };
    this.retryable = details.retryable ?? false;
    this.retryAfterMs = details.retryAfterMs;
  }
}

/**
 * A non-2xx HTTP status as a failure: 401/403 `block_403`, 429 `block_429`, 5xx `http_5xx`,
 * any other status `http_4xx`. The scraper's HTTP layer and the Crawlee reporter both use it.
 */
export function httpStatusFailure(status: number, url?: string): ScrapeFailure {
  const category: FailureCategory = status === 429
    ? "block_429"
    : status === 401 || status === 403
    ? "block_403"
    : status >= 500
    ? "http_5xx"
    : "http_4xx";
  const message = status === 429
    ? "429 Too Many Requests"
    : category === "block_403"
    ? `${status} refused`
    : category === "http_5xx"
    ? `${status} server error`
    : `${status} client error`;
  return {
    category,
    severity: DEFAULT_SEVERITY[category],
    code: `http_${status}`,
    message,
    status,
    ...(url === undefined ? {} : { url }),
  };
}

/**
 * Classifies anything thrown while scraping. fetch() rejects with a DOMException named
 * `TimeoutError` when `AbortSignal.timeout` fires and with a TypeError for connection-level
 * failures, in Node (undici) and in Deno alike.
 */
export function classifyError(error: unknown, url?: string): ScrapeFailure {
  if (error instanceof ScrapeError) {
    return url && !error.failure.url ? { ...error.failure, url } : error.failure;
  }
  const at = url === undefined ? {} : { url };
  const name = (error as { name?: unknown } | null)?.name;
  const message = error instanceof Error ? error.message : String(error);
  if (name === "TimeoutError") {
    return {
      category: "network_timeout",
      severity: DEFAULT_SEVERITY.network_timeout,
      code: "timeout",
      message,
      ...at,
    };
  }
  if (error instanceof TypeError) {
    const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
    const detail = typeof cause?.code === "string"
      ? cause.code
      : typeof cause?.message === "string"
      ? cause.message
      : "";
    return {
      category: "network_connection",
      severity: DEFAULT_SEVERITY.network_connection,
      code: "connection_failed",
      message: detail ? `${message}: ${detail}` : message,
      ...at,
    };
  }
  return { category: "unknown", severity: DEFAULT_SEVERITY.unknown, code: "unexpected", message, ...at };
}

/** The severity to send with a failure: only one its raiser chose over the category's default (the database applies that). */
export function severityOverride(failure: { category: FailureCategory; severity: Severity }): Severity | undefined {
  return failure.severity === DEFAULT_SEVERITY[failure.category] ? undefined : failure.severity;
}
