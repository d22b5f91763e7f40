/** Public surface of the scraper core for edge functions and scripts. */
export { ADAPTER_NAMES, ADAPTERS, ATS_ADAPTERS, isAdapterName } from "./adapters/index.ts";
export type {
  Adapter,
  AdapterName,
  AdapterPage,
  BoundAdapter,
  Cursor,
  JsonValue,
  PageFetcher,
} from "./adapters/index.ts";
export { crawl } from "./crawl.ts";
export type { CrawlOptions, CrawlResult, StopReason } from "./crawl.ts";
export { createHttpClient } from "./http.ts";
export type { HttpClient, HttpClientOptions, HttpResponse, RequestOptions } from "./http.ts";
export {
  CircuitBreaker,
  CircuitOpenError,
  CLOSED_STATE,
  DEFAULT_BREAKER_SETTINGS,
  InMemoryBreakerStore,
} from "./circuit-breaker.ts";
export type { BreakerSettings, BreakerState, BreakerStateStore, BreakerStatus } from "./circuit-breaker.ts";
export type { MinIntervalProvider } from "./pacing.ts";
export { berlinNightStart, type Clock, nightClock, systemClock } from "../clock.ts";
export { averageRequestMs, type CrawlCounters, createMetrics, mergeMetrics } from "./metrics.ts";
export { normalizePosting, normalizeTitle } from "./posting.ts";
export type { ExtractedPosting, NormalizedPosting, Rejection, RejectionCode } from "./posting.ts";
export {
  BLOCK_CATEGORIES,
  BREAKER_CATEGORIES,
  classifyError,
  DEFAULT_SEVERITY,
  FAILURE_CATEGORIES,
  ScrapeError,
  severityOverride,
} from "./taxonomy.ts";
export type { FailureCategory, ScrapeFailure, Severity } from "./taxonomy.ts";
