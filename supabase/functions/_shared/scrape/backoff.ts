/** Delay computation for retries: exponential backoff with jitter, and `Retry-After` parsing. */

export interface BackoffOptions {
  /** Delay before the first retry, before jitter. Default 500 ms. */
  baseMs: number;
  /** Upper bound of any computed delay. Default 30 s. */
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, maxMs: 30_000 };

/**
 * "Equal jitter": half of the exponential step is kept so retries never bunch up at zero,
 * the other half is random so that many clients that failed together do not retry together.
 * `attempt` is 0 for the first retry.
 */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number): number {
  const step = Math.min(options.maxMs, options.baseMs * 2 ** attempt);
  return step / 2 + random() * (step / 2);
}

/**
 * Parses a `Retry-After` header (RFC 9110 10.2.3): either delay-seconds or an HTTP-date.
 * Returns the delay in ms (never negative) or null when the header is absent or unusable.
 */
export function parseRetryAfter(value: string | null, nowMs: number): number | null {
  if (value === null) return null;
  const trimmed = value.trim();
  if (trimmed === "") return null;
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return null;
  return Math.max(0, date - nowMs);
}
