// The vocabulary of the job system, defined once on the TypeScript side: job
// statuses, log levels, error severities, pipeline phases and scrape counters,
// as the SQL write API accepts them. tests/integration/vocabulary.test.ts fails
// when a list here and the database's definition disagree. No imports, so API
// contracts that clients share (see ../report/contract.ts) can use it outside
// the functions.
export const LOG_LEVELS = ["DEBUG", "INFO", "SUCCESS", "WARNING", "ERROR", "CRITICAL"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const TERMINAL_STATUSES = ["completed", "partial", "failed", "cancelled", "skipped"] as const;
export type TerminalStatus = (typeof TERMINAL_STATUSES)[number];
export const JOB_STATUSES = ["pending", "running", ...TERMINAL_STATUSES] as const;

/** Error severities (ops.error_categories.default_severity, ops.errors.severity). */
export const SEVERITIES = ["low", "medium", "high", "critical"] as const;
export type Severity = (typeof SEVERITIES)[number];

/** The nightly pipeline's phases in order (ops_private.pipeline_phases()); each after the previous one ended. */
export const PIPELINE_PHASES = ["scrape", "snapshot", "lifespan", "repost", "score"] as const;

export function isTerminal(status: string): status is TerminalStatus {
  return (TERMINAL_STATUSES as readonly string[]).includes(status);
}

export const SCRAPE_COUNTERS = [
  "links_checked",
  "links_ok",
  "links_failed",
  "items_found",
  "items_new",
  "items_updated",
  "items_rejected",
  "requests",
  "http_failures",
  "blocked_403",
  "blocked_429",
  "timeouts",
  "captchas",
  "breaker_trips",
] as const;
