/**
 * What the crawler counts in memory while it runs. They are plain sums so that the counters of the
 * invocations of one checkpointed run add up (`mergeMetrics`, the one merge of run counters);
 * averages are derived on read. The scrape function turns them into the run's metrics
 * (CrawlCounters of the job API, columns of ops.scrape_runs) in outcome.ts.
 */
export interface CrawlCounters {
  /** HTTP requests sent, including retries and followed redirects. */
  requests: number;
  /** Requests that did not end in a usable 2xx response (any status or network error). */
  httpFailures: number;
  /** 401 and 403 responses. */
  blocked403: number;
  /** 429 responses. */
  blocked429: number;
  timeouts: number;
  captchas: number;
  loginRedirects: number;
  /** Retries the HTTP layer scheduled (backoff or Retry-After). */
  retries: number;
  /** Sum of request durations; see `averageRequestMs`. */
  requestMsTotal: number;
  /** Distinct page URLs the crawl needed (list, feed and detail pages), and how they ended. */
  linksChecked: number;
  linksOk: number;
  linksFailed: number;
  /** Posting records extracted from pages, before validation. */
  itemsFound: number;
  /** Records rejected by validation or as duplicates. */
  itemsRejected: number;
  /** Times this run's failures opened the portal's circuit breaker. */
  breakerTrips: number;
}

export function createMetrics(): CrawlCounters {
  return {
    requests: 0,
    httpFailures: 0,
    blocked403: 0,
    blocked429: 0,
    timeouts: 0,
    captchas: 0,
    loginRedirects: 0,
    retries: 0,
    requestMsTotal: 0,
    linksChecked: 0,
    linksOk: 0,
    linksFailed: 0,
    itemsFound: 0,
    itemsRejected: 0,
    breakerTrips: 0,
  };
}

export { mergeMetrics } from "../jobs/metrics.ts";

export function averageRequestMs(metrics: CrawlCounters): number {
  return metrics.requests === 0 ? 0 : metrics.requestMsTotal / metrics.requests;
}
