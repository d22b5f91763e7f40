// The job vocabulary: statuses, log levels and scrape counters, as the SQL
// write API accepts them. No imports, so API contracts that clients share
// (see ../report/contract.ts) can use it outside the functions.
export const LOG_LEVELS = ["DEBUG", "INFO", "SUCCESS", "WARNING", "ERROR", "CRITICAL"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const TERMINAL_STATUSES = ["completed", "partial", "failed", "cancelled", "skipped"] as const;
export type TerminalStatus = (typeof TERMINAL_STATUSES)[number];
export const JOB_STATUSES = ["pending", "running", ...TERMINAL_STATUSES] as const;

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
