// What one invocation of a scrape job means for the job: pure functions, no I/O.
//
// A scrape job may take several invocations (checkpoints). What the run has
// seen so far travels with the checkpoint in the job's cursor column as a
// RunState, so the last invocation decides the run's status from the whole
// run: a failure in invocation 1 keeps a run that ends cleanly in invocation 2
// from being `completed` (and from deactivating postings).
import type { ErrorEvent, ScrapeMetrics } from "../_shared/jobs/mod.ts";
import {
  type CrawlCounters,
  type CrawlResult,
  type Cursor,
  type ScrapeFailure,
  severityOverride,
} from "../_shared/scrape/mod.ts";

export type RunStatus = "completed" | "partial" | "failed" | "cancelled" | "skipped";

/** What the run has seen over all invocations so far; stored as the job's cursor between them. */
export interface RunState {
  v: 1;
  /** Where the adapter continues; null before the first page. */
  cursor: Cursor | null;
  invocations: number;
  requests: number;
  postings: number;
  new: number;
  updated: number;
  unchanged: number;
  rejected: number;
  breakerTrips: number;
  /** Failures by category, in order of first occurrence. */
  failures: Record<string, number>;
  /** The first message of each category, for the job's error text. */
  messages: Record<string, string>;
}

export function freshRunState(cursor: Cursor | null = null): RunState {
  return {
    v: 1,
    cursor,
    invocations: 0,
    requests: 0,
    postings: 0,
    new: 0,
    updated: 0,
    unchanged: 0,
    rejected: 0,
    breakerTrips: 0,
    failures: {},
    messages: {},
  };
}

/** The job's cursor column as a RunState; a bare adapter cursor (or null) starts a fresh run state. */
export function readRunState(stored: unknown): RunState {
  if (stored && typeof stored === "object" && !Array.isArray(stored) && (stored as { v?: unknown }).v === 1) {
    return { ...freshRunState(), ...(stored as Partial<RunState>), v: 1 };
  }
  return freshRunState((stored ?? null) as Cursor | null);
}

export interface UpsertCounts {
  new: number;
  updated: number;
  unchanged: number;
}

/** Adds one invocation's crawl to the run state (the cursor is the crawl's next one). */
export function addInvocation(state: RunState, result: CrawlResult, upserted: UpsertCounts): RunState {
  const next: RunState = {
    ...state,
    cursor: result.nextCursor,
    invocations: state.invocations + 1,
    requests: state.requests + result.metrics.requests,
    postings: state.postings + result.postings.length,
    new: state.new + upserted.new,
    updated: state.updated + upserted.updated,
    unchanged: state.unchanged + upserted.unchanged,
    rejected: state.rejected + result.rejections.length,
    breakerTrips: state.breakerTrips + result.metrics.breakerTrips,
    failures: { ...state.failures },
    messages: { ...state.messages },
  };
  for (const failure of result.failures) {
    next.failures[failure.category] = (next.failures[failure.category] ?? 0) + 1;
    next.messages[failure.category] ??= failure.message.slice(0, 300);
  }
  return next;
}

/** The most frequent failure category of the run; ties go to the one seen first. */
export function dominantCategory(state: RunState): string | null {
  let best: string | null = null;
  for (const [category, count] of Object.entries(state.failures)) {
    if (best === null || count > state.failures[best]) best = category;
  }
  return best;
}

export type Outcome =
  | { kind: "continue"; cursor: Cursor }
  | {
    kind: "finish";
    status: RunStatus;
    /** The taxonomy category of the run (ops.error_categories); null for a clean run. */
    category: string | null;
    error: string | null;
    /** Only a completed run of the whole source may mark unseen postings inactive. */
    deactivate: boolean;
  };

export interface DecideOptions {
  /** The crawl was stopped because an operator asked to cancel the job. */
  cancelRequested: boolean;
  dryRun: boolean;
}

function failureText(state: RunState, category: string): string {
  const total = Object.values(state.failures).reduce((a, b) => a + b, 0);
  const count = state.failures[category] ?? 0;
  const message = state.messages[category] ?? category;
  return total > 1 ? `${category} (${count} of ${total} failures): ${message}` : `${category}: ${message}`;
}

/**
 * The job's fate after an invocation, from the run state that already includes it:
 *   budget spent with a cursor     -> continue (checkpoint, follow-up invocation)
 *   cancelled by an operator       -> cancelled
 *   invalid adapter config         -> failed / validation
 *   circuit open before any request of the run -> skipped / circuit_open
 *   read to the end, no failure    -> completed (0 postings too: a silent failure for the views)
 *   failures, some postings        -> partial / dominant category
 *   failures, no postings          -> failed / dominant category
 */
export function decideOutcome(state: RunState, result: CrawlResult, options: DecideOptions): Outcome {
  const stop = result.stopReason;
  if (stop === "cancelled" && !options.cancelRequested && result.nextCursor !== null) {
    // Stopped by the worker's hard deadline, not by an operator: continue later.
    return { kind: "continue", cursor: result.nextCursor };
  }
  if (stop === "budget" && result.nextCursor !== null) return { kind: "continue", cursor: result.nextCursor };
  if (stop === "cancelled") {
    return {
      kind: "finish",
      status: "cancelled",
      category: "cancelled",
      error: "cancelled by an operator",
      deactivate: false,
    };
  }
  const dominant = dominantCategory(state);
  if (stop === "invalid_config") {
    return {
      kind: "finish",
      status: "failed",
      category: "validation",
      error: state.messages.validation ?? "invalid adapter config",
      deactivate: false,
    };
  }
  if (stop === "circuit_open") {
    if (state.requests === 0 && state.postings === 0) {
      return {
        kind: "finish",
        status: "skipped",
        category: "circuit_open",
        error: "skipped: the portal's circuit breaker is open",
        deactivate: false,
      };
    }
    return {
      kind: "finish",
      status: state.postings > 0 ? "partial" : "failed",
      category: dominant ?? "circuit_open",
      error: dominant
        ? `${failureText(state, dominant)}; then the circuit breaker opened`
        : "the circuit breaker opened",
      deactivate: false,
    };
  }
  if (dominant === null && stop === "done") {
    return { kind: "finish", status: "completed", category: null, error: null, deactivate: !options.dryRun };
  }
  const category = dominant ?? "unknown";
  return {
    kind: "finish",
    status: state.postings > 0 ? "partial" : "failed",
    category,
    error: dominant ? failureText(state, dominant) : `stopped: ${stop}`,
    deactivate: false,
  };
}

/** The failure a board that never had a posting gets instead of a healthy empty run. */
export const BOARD_EMPTY: ScrapeFailure = {
  category: "data_quality",
  severity: "low",
  code: "board_not_found_or_empty",
  message: "board not found or empty: the ATS answered with no postings and this source never had any",
};

/**
 * An ATS board that answers 200 with no postings at all, when the source never had a posting,
 * most likely does not exist (a wrong board name) or was never used: a warning (partial,
 * data_quality) with its own reason, not a completed run. A board that had postings and is empty
 * now stays completed: its drop is what the monitoring views report.
 */
export function boardEmptyOutcome(
  outcome: Outcome,
  state: RunState,
  board: { ats: boolean; everHadPostings: boolean },
): Outcome {
  if (
    outcome.kind !== "finish" || outcome.status !== "completed" || !board.ats || board.everHadPostings ||
    state.postings > 0 || state.rejected > 0
  ) {
    return outcome;
  }
  return {
    kind: "finish",
    status: "partial",
    category: "data_quality",
    error: BOARD_EMPTY.message,
    deactivate: false,
  };
}

/** Crawl counters as the run's metric increments (ops.scrape_runs, see ops_private.add_scrape_metrics). */
export function metricIncrements(
  metrics: CrawlCounters,
  extra: { portal: string; upserted: UpsertCounts; circuitOpen: boolean },
): ScrapeMetrics {
  const int = (value: number) => Math.max(0, Math.round(value));
  return {
    requests: int(metrics.requests),
    http_failures: int(metrics.httpFailures),
    blocked_403: int(metrics.blocked403),
    blocked_429: int(metrics.blocked429),
    timeouts: int(metrics.timeouts),
    captchas: int(metrics.captchas),
    request_time_ms_total: Math.max(0, Math.round(metrics.requestMsTotal * 10) / 10),
    links_checked: int(metrics.linksChecked),
    links_ok: int(metrics.linksOk),
    links_failed: int(metrics.linksFailed),
    items_found: int(metrics.itemsFound),
    items_new: int(extra.upserted.new),
    items_updated: int(extra.upserted.updated),
    items_rejected: int(metrics.itemsRejected),
    breaker_trips: int(metrics.breakerTrips),
    breaker_triggered: metrics.breakerTrips > 0 || extra.circuitOpen,
    portal_stats: {
      [extra.portal]: {
        requests: int(metrics.requests),
        retries: int(metrics.retries),
        login_redirects: int(metrics.loginRedirects),
      },
    },
  };
}

/** A classified failure as an ops.record_errors event. */
export function errorEvent(failure: ScrapeFailure, portal: string): ErrorEvent {
  return {
    message: failure.message.slice(0, 2000) || failure.code,
    category: failure.category,
    ...(severityOverride(failure) ? { severity: severityOverride(failure) } : {}),
    ...(failure.status && failure.status >= 100 && failure.status <= 599
      ? { http_status: failure.status }
      : {}),
    ...(failure.url ? { url: failure.url } : {}),
    portal,
    details: { code: failure.code },
  };
}
