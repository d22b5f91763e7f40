// Pure rules of the Crawlee reporter: Crawlee's statistics as the run's
// totals, a failed request as a failure of the scraper's taxonomy, and the
// run's final status.
import {
  classifyError,
  httpStatusFailure,
  ScrapeError,
  type ScrapeFailure,
  type TerminalStatus,
  type Totals,
} from "@scrape-ops/report-client";

/** The part of Crawlee's `Statistics` (crawler.stats) the reporter reads. */
export interface CrawleeStats {
  /** Requests by the number of retries they took: index k counts requests retried k times. */
  requestRetryHistogram: number[];
  state: {
    requestsFinished: number;
    requestsFailed: number;
    requestTotalFailedDurationMillis: number;
    requestTotalFinishedDurationMillis: number;
    requestsWithStatusCode: Record<string, number>;
  };
}

/** What the reporter counts itself: attempts Crawlee does not tell apart, and items. */
export interface OwnCounts {
  timeouts: number;
  captchas: number;
  items: number;
}

/**
 * Crawlee's statistics as running totals. Every attempt is one HTTP request, and a request retried k
 * times made k + 1 of them: requests = sum over Crawlee's retry histogram of (k + 1) x requests retried k
 * times (its `requestsRetries` counts retried requests, not retries). Failed attempts are the retries
 * plus the requests that failed for good. Blocks come from Crawlee's count of responses per status code.
 */
export function crawleeTotals(stats: CrawleeStats, own: OwnCounts): Totals {
  const s = stats.state;
  let attempts = 0;
  let retries = 0;
  stats.requestRetryHistogram.forEach((requests, k) => {
    attempts += (k + 1) * (requests ?? 0);
    retries += k * (requests ?? 0);
  });
  const codes = s.requestsWithStatusCode ?? {};
  const code = (c: number) => Number(codes[String(c)] ?? 0);
  return {
    requests: attempts,
    http_failures: retries + s.requestsFailed,
    blocked_403: code(401) + code(403),
    blocked_429: code(429),
    timeouts: own.timeouts,
    captchas: own.captchas,
    links_checked: s.requestsFinished + s.requestsFailed,
    links_ok: s.requestsFinished,
    links_failed: s.requestsFailed,
    items_found: own.items,
    request_time_ms_total: Math.max(0, s.requestTotalFinishedDurationMillis + s.requestTotalFailedDurationMillis),
  };
}

/** The status code in Crawlee's own error messages ("Request blocked - received 403 status code.", "500 - ..."). */
export function statusFromMessage(message: string): number | undefined {
  const match = message.match(/received (\d{3}) status code|status code (\d{3})|^(\d{3}) - /);
  const code = match ? Number(match[1] ?? match[2] ?? match[3]) : NaN;
  return code >= 100 && code <= 599 ? code : undefined;
}

const CONNECTION_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "EAI_AGAIN", "EPIPE", "ETIMEDOUT"]);

/**
 * A failed attempt as a failure of the scraper's taxonomy (the same module the scrape function uses):
 * an error status first (401/403 block_403, 429 block_429, 5xx http_5xx, other 4xx http_4xx), then
 * Crawlee's timeouts ("request timed out after 30 seconds.", "requestHandler timed out ..."), connection
 * errors, and whatever the taxonomy recognises (a ScrapeError such as the reporter's captcha check).
 */
export function classifyCrawleeError(error: unknown, url?: string, statusCode?: number): ScrapeFailure {
  if (error instanceof ScrapeError) return classifyError(error, url);
  const message = error instanceof Error ? error.message : String(error);
  const status = statusCode !== undefined && statusCode >= 400 ? statusCode : statusFromMessage(message);
  if (status !== undefined && status >= 400) return { ...httpStatusFailure(status, url), message: message || `${status}` };
  if (/timed out|timeout/i.test(message)) {
    return { ...classifyError(new DOMException(message, "TimeoutError"), url), code: "timeout" };
  }
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string" && CONNECTION_CODES.has(code)) {
    return classifyError(Object.assign(new TypeError(message), { cause: { code } }), url);
  }
  return classifyError(error, url);
}

/** completed when no request failed, failed when none finished, else partial. */
export function crawlStatus(stats: CrawleeStats): TerminalStatus {
  const { requestsFinished, requestsFailed } = stats.state;
  if (requestsFailed === 0) return "completed";
  return requestsFinished === 0 ? "failed" : "partial";
}
