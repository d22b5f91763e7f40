// The end of a job, decided without I/O: from how the work ended (returned,
// threw, was aborted and why) to what the harness reports. Pure, so that every
// branch has a unit test (tests/unit/jobs/end.test.ts); the harness only
// carries the decision out.
import type { ErrorEvent, Job, Json, LogLevel, TerminalStatus } from "./api.ts";

export type AbortReason = "cancelled" | "timeout" | "lost";

/** What the work returns: a terminal status (default completed) or a request to continue later. */
export type WorkOutcome =
  | void
  | {
    status?: Exclude<TerminalStatus, "cancelled">;
    result?: Json;
    error?: string;
    /** The run's taxonomy category (ops.error_categories), e.g. a partial scrape's dominant failure. */
    errorCategory?: string;
  }
  | { continueLater: { cursor: Json; delaySeconds?: number }; result?: never };

export interface EndInput {
  job: Pick<Job, "timeout_at" | "claimed_at">;
  /** Why the job's signal aborted, if it did. */
  abortReason: AbortReason | null;
  /** The work threw (`thrown`) instead of returning (`outcome`). */
  failed: boolean;
  thrown?: unknown;
  outcome?: WorkOutcome;
}

export interface EndLogLine {
  level: LogLevel;
  message: string;
  context?: Record<string, unknown>;
}

export type EndDecision =
  /** Another worker holds the job now: stop, write the logs, report nothing. */
  | { kind: "lost"; log: EndLogLine }
  /** Hand the job back with its cursor. */
  | { kind: "continue"; cursor: Json; delaySeconds: number }
  | {
    kind: "finish";
    status: TerminalStatus;
    result?: Json;
    error?: string;
    errorCategory?: string;
    log?: EndLogLine;
    /** An error event to record: `classify` records it at once and takes its category for the job. */
    event?: ErrorEvent;
    classify?: boolean;
  };

/** Anything thrown with an HTTP status (fetch wrappers, adapters) is classified with it. */
export function describeError(error: unknown): ErrorEvent {
  if (error instanceof Error) {
    const e = error as Error & { status?: unknown; httpStatus?: unknown; url?: unknown; category?: unknown };
    const status = typeof e.httpStatus === "number"
      ? e.httpStatus
      : typeof e.status === "number"
      ? e.status
      : undefined;
    return {
      message: error.message || error.name,
      http_status: status && status >= 100 && status <= 599 ? status : undefined,
      url: typeof e.url === "string" ? e.url : undefined,
      category: typeof e.category === "string" ? e.category : undefined,
      details: { name: error.name, stack: error.stack?.split("\n").slice(0, 8).join("\n") },
    };
  }
  return { message: String(error) };
}

/** The job's timeout in whole seconds (timeout_at - claimed_at), or "?" when unknown. */
function timeoutSeconds(job: EndInput["job"]): number | "?" {
  if (!job.timeout_at) return "?";
  return Math.round((Date.parse(job.timeout_at) - Date.parse(job.claimed_at ?? job.timeout_at)) / 1000);
}

export function decideEnd({ job, abortReason, failed, thrown, outcome }: EndInput): EndDecision {
  if (abortReason === "lost") {
    return {
      kind: "lost",
      log: { level: "WARNING", message: "the job was taken from this worker (lease lost); stopping without finishing" },
    };
  }
  if (failed && abortReason === "cancelled") {
    return {
      kind: "finish",
      status: "cancelled",
      error: "cancelled by request",
      log: { level: "WARNING", message: "cancelled by request" },
    };
  }
  if (failed && abortReason === "timeout") {
    const error = `job timed out after ${timeoutSeconds(job)} s`;
    return {
      kind: "finish",
      status: "failed",
      error,
      errorCategory: "timeout",
      log: { level: "ERROR", message: error },
      event: { message: error, category: "timeout" },
    };
  }
  if (failed) {
    const event = describeError(thrown);
    return {
      kind: "finish",
      status: "failed",
      error: event.message,
      log: { level: "ERROR", message: `job failed: ${event.message}`, context: { name: event.details?.name } },
      event,
      classify: true,
    };
  }
  if (outcome && "continueLater" in outcome && outcome.continueLater) {
    return {
      kind: "continue",
      cursor: outcome.continueLater.cursor,
      delaySeconds: outcome.continueLater.delaySeconds ?? 0,
    };
  }
  const done = (outcome ?? {}) as Exclude<WorkOutcome, void | { continueLater: unknown }>;
  return {
    kind: "finish",
    status: done.status ?? (abortReason === "cancelled" ? "cancelled" : "completed"),
    result: done.result,
    error: done.error,
    errorCategory: done.errorCategory,
  };
}
