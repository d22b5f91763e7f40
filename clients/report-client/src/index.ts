// @scrape-ops/report-client: report scrapers that run anywhere to scrape-ops.
export { ReportClient, type ReportClientOptions } from "./client.ts";
export { type Counter, type LogLevel, ReportRun, type RunOptions } from "./run.ts";
export {
  backoffMs,
  ReportApiError,
  ReportUnavailableError,
  retryAfterMs,
  type TransportOptions,
} from "./http.ts";
export type {
  ApiError,
  Category,
  Counters,
  ErrorEvent,
  FinishBody,
  HeartbeatAnswer,
  RetryHint,
  RunErrorSummary,
  RunJob,
  RunView,
  Severity,
  StartBody,
  TerminalStatus,
  Totals,
} from "../../../supabase/functions/_shared/report/contract.ts";
export {
  classifyError,
  DEFAULT_SEVERITY,
  type FailureCategory,
  httpStatusFailure,
  ScrapeError,
  type ScrapeFailure,
  severityOverride,
} from "../../../supabase/functions/_shared/scrape/taxonomy.ts";
