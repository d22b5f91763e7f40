// The job harness: every function that runs work goes through it, so that no
// worker can forget to report. It
//   - claims jobs (or takes one already claimed) and records the start
//     (the scrape_runs row of scrape jobs),
//   - heartbeats on an interval (progress, checkpoint cursor, scrape metrics),
//   - buffers log lines and error events and writes them in batches,
//   - surfaces cancellation, a lost lease and the job's timeout as an AbortSignal,
//   - classifies thrown errors (ops.record_errors, the rules in the database),
//   - and always finishes the job (try/finally), or hands it back with its
//     cursor when the work asks to continue later.
import type { Sql } from "../db.ts";
import {
  type ErrorEvent,
  type FinishAnswer,
  type Job,
  type JobsApi,
  jobsApi,
  type Json,
  type LogLevel,
  type ScrapeMetrics,
  type TerminalStatus,
} from "./api.ts";
import { JobApiError } from "./errors.ts";
import { LogBuffer, type LogBufferOptions } from "./log-buffer.ts";

export type AbortReason = "cancelled" | "timeout" | "lost";

export interface Logger {
  debug(message: string, context?: Record<string, unknown>): void;
  info(message: string, context?: Record<string, unknown>): void;
  success(message: string, context?: Record<string, unknown>): void;
  warning(message: string, context?: Record<string, unknown>): void;
  error(message: string, context?: Record<string, unknown>): void;
  critical(message: string, context?: Record<string, unknown>): void;
}

export interface JobContext<P = Record<string, unknown>> {
  job: Job;
  params: P;
  /** The checkpoint a previous invocation left (null on the first run). */
  cursor: Json | null;
  /** Aborted when an operator cancels, the lease is lost, or the job's timeout passes. */
  signal: AbortSignal;
  /** Why `signal` aborted, once it has. */
  readonly abortReason: AbortReason | null;
  log: Logger;
  /** Adds scrape metric increments; sent with the next heartbeat (or the finish). */
  metrics(increments: ScrapeMetrics): void;
  /** Records progress; sent with the next heartbeat. */
  progress(done: number, total?: number): void;
  /** Stores a cursor now (with pending logs, metrics and progress), so a retry resumes from it. */
  checkpoint(cursor: Json, progress?: { done: number; total?: number }): Promise<void>;
  /** Records a classified error event (buffered); the job goes on. */
  reportError(error: unknown, extra?: Partial<ErrorEvent>): void;
  /** Throws an AbortError-like error when the signal has aborted: call it between units of work. */
  throwIfAborted(): void;
}

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

export type Work<P> = (ctx: JobContext<P>) => Promise<WorkOutcome>;

export interface HarnessOptions {
  /** The worker's name: locked_by of the jobs it holds. */
  worker: string;
  /** Heartbeat interval; default a third of the job's lease. */
  heartbeatMs?: number;
  logs?: LogBufferOptions;
  /** Wall clock in ms (tests). */
  now?: () => number;
}

export interface RunResult {
  jobId: number;
  /** The terminal status, `continued` (handed back with a cursor) or `lost` (another worker holds it now). */
  outcome: TerminalStatus | "continued" | "lost";
  answer?: FinishAnswer;
  error?: string;
}

/** Anything thrown with an HTTP status (fetch wrappers, adapters) is classified with it. */
function describe(error: unknown): ErrorEvent {
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

class AbortedError extends Error {
  constructor(readonly reason: AbortReason) {
    super(`job aborted: ${reason}`);
    this.name = "AbortError";
  }
}

/** Runs `work` for a job this worker already holds (claimed or started), and always reports the end. */
export async function runJob<P = Record<string, unknown>>(
  api: JobsApi,
  job: Job,
  work: Work<P>,
  options: HarnessOptions,
): Promise<RunResult> {
  const now = options.now ?? Date.now;
  const controller = new AbortController();
  let abortReason: AbortReason | null = null;
  const abort = (reason: AbortReason) => {
    if (abortReason) return;
    abortReason = reason;
    controller.abort(new AbortedError(reason));
  };

  let pendingMetrics: ScrapeMetrics | undefined;
  let pendingProgress: { done: number; total?: number } | undefined;
  const takeMetrics = () => {
    const m = pendingMetrics;
    pendingMetrics = undefined;
    return m;
  };
  const logs = new LogBuffer({
    appendLogs: (lines) => api.appendLogs(job.id, lines),
    recordErrors: (errors) => api.recordErrors(job.id, errors),
  }, options.logs);
  const line = (level: LogLevel) => (message: string, context?: Record<string, unknown>) =>
    logs.log({ level, message, context, ts: new Date(now()).toISOString() });
  const log: Logger = {
    debug: line("DEBUG"),
    info: line("INFO"),
    success: line("SUCCESS"),
    warning: line("WARNING"),
    error: line("ERROR"),
    critical: line("CRITICAL"),
  };

  // Heartbeats go one at a time, and the end of the job waits for the last one: a heartbeat carries
  // the metrics taken since the previous one, and one still in flight when the job finishes would
  // reach a finished job and be refused, losing the requests it counted.
  let lastBeat: Promise<void> = Promise.resolve();
  const beat = (cursor?: Json): Promise<void> => {
    lastBeat = lastBeat.catch(() => {}).then(() => beatNow(cursor));
    return lastBeat;
  };
  const beatNow = async (cursor?: Json) => {
    const metrics = takeMetrics();
    const progress = pendingProgress;
    pendingProgress = undefined;
    try {
      const answer = await api.heartbeat(job.id, {
        worker: options.worker,
        progressDone: progress?.done,
        progressTotal: progress?.total,
        cursor,
        metrics,
      });
      if (!answer.owned || answer.status !== "running") abort("lost");
      else if (answer.cancel_requested) abort("cancelled");
    } catch (error) {
      // keep the increments for the next try
      if (metrics) pendingMetrics = mergeMetrics(metrics, pendingMetrics);
      if (progress && !pendingProgress) pendingProgress = progress;
      throw error;
    }
  };

  const ctx: JobContext<P> = {
    job,
    params: job.params as P,
    cursor: job.cursor,
    signal: controller.signal,
    get abortReason() {
      return abortReason;
    },
    log,
    metrics(increments) {
      pendingMetrics = mergeMetrics(pendingMetrics, increments);
    },
    progress(done, total) {
      pendingProgress = { done, total };
    },
    async checkpoint(cursor, progress) {
      if (progress) pendingProgress = progress;
      await logs.flush();
      await beat(cursor);
    },
    reportError(error, extra) {
      logs.error({ ...describe(error), ...extra });
    },
    throwIfAborted() {
      if (abortReason) throw new AbortedError(abortReason);
    },
  };

  const heartbeatMs = options.heartbeatMs ?? Math.max(1000, (job.lease_seconds * 1000) / 3);
  const heartbeatTimer = setInterval(() => {
    beat().catch((error) => console.error(`heartbeat of job ${job.id} failed:`, error));
  }, heartbeatMs);
  const timeoutMs = job.timeout_at ? Date.parse(job.timeout_at) - now() : undefined;
  const timeoutTimer = timeoutMs !== undefined
    ? setTimeout(() => abort("timeout"), Math.max(0, Math.min(timeoutMs, 2 ** 31 - 1)))
    : undefined;

  let outcome: WorkOutcome = undefined;
  let thrown: unknown;
  let failed = false;
  try {
    if (job.type === "scrape" && job.source_id !== null) await api.startScrapeRun(job.id);
    outcome = await work(ctx);
  } catch (error) {
    failed = true;
    thrown = error;
  } finally {
    clearInterval(heartbeatTimer);
    if (timeoutTimer !== undefined) clearTimeout(timeoutTimer);
    // a failed heartbeat put its metrics back: they go with the finish
    await lastBeat.catch(() => {});
  }

  // The end is always reported: finish, continue later, or (lost) just the logs.
  let status: TerminalStatus;
  let errorText: string | undefined;
  let errorCategory: string | undefined;
  let result: Json | undefined;
  if (abortReason === "lost") {
    log.warning("the job was taken from this worker (lease lost); stopping without finishing");
    await logs.close().catch(() => {});
    return { jobId: job.id, outcome: "lost" };
  }
  if (failed && abortReason === "cancelled") {
    status = "cancelled";
    errorText = "cancelled by request";
    log.warning("cancelled by request");
  } else if (failed && abortReason === "timeout") {
    status = "failed";
    errorCategory = "timeout";
    errorText = `job timed out after ${
      job.timeout_at
        ? Math.round((Date.parse(job.timeout_at) - Date.parse(job.claimed_at ?? job.timeout_at)) / 1000)
        : "?"
    } s`;
    logs.error({ message: errorText, category: "timeout" });
    log.error(errorText);
  } else if (failed) {
    status = "failed";
    const event = describe(thrown);
    errorText = event.message;
    log.error(`job failed: ${event.message}`, { name: event.details?.name });
    try {
      await logs.flush();
      const [recorded] = await api.recordErrors(job.id, [event]);
      errorCategory = recorded?.category;
    } catch (error) {
      console.error(`recording the error of job ${job.id} failed:`, error);
    }
  } else if (outcome && "continueLater" in outcome && outcome.continueLater) {
    try {
      await logs.close();
      await api.continueLater(job.id, {
        cursor: outcome.continueLater.cursor,
        delaySeconds: outcome.continueLater.delaySeconds ?? 0,
        worker: options.worker,
        metrics: takeMetrics(),
      });
      return { jobId: job.id, outcome: "continued" };
    } catch (error) {
      if (error instanceof JobApiError && (error.sqlstate === "P0423" || error.sqlstate === "P0419")) {
        return { jobId: job.id, outcome: "lost", error: error.message };
      }
      throw error;
    }
  } else {
    const done = (outcome ?? {}) as {
      status?: TerminalStatus;
      result?: Json;
      error?: string;
      errorCategory?: string;
    };
    status = done.status ?? (abortReason === "cancelled" ? "cancelled" : "completed");
    result = done.result;
    errorText = done.error;
    errorCategory = done.errorCategory;
  }

  try {
    await logs.close();
  } catch (error) {
    console.error(`final log flush of job ${job.id} failed:`, error);
  }
  // progress reported since the last heartbeat would be lost with the finish
  if (pendingProgress) await beat();
  try {
    const answer = await api.finish(job.id, {
      status,
      result,
      error: errorText,
      errorCategory,
      metrics: takeMetrics(),
      worker: options.worker,
    });
    return { jobId: job.id, outcome: answer.job.status, answer, error: errorText };
  } catch (error) {
    if (error instanceof JobApiError && (error.sqlstate === "P0423" || error.sqlstate === "P0419")) {
      return { jobId: job.id, outcome: "lost", error: error.message };
    }
    throw error;
  }
}

/** Claims up to `limit` jobs of `types` and runs them one after another. */
export async function claimAndRun<P = Record<string, unknown>>(
  sql: Sql,
  input: { types?: string[]; limit?: number },
  work: Work<P>,
  options: HarnessOptions,
): Promise<RunResult[]> {
  const api = jobsApi(sql);
  const jobs = await api.claim(options.worker, input.types, input.limit ?? 1);
  const results: RunResult[] = [];
  for (const job of jobs) results.push(await runJob(api, job, work, options));
  return results;
}

/** Adds two sets of metric increments the way the database does. */
export function mergeMetrics(
  a: ScrapeMetrics | undefined,
  b: ScrapeMetrics | undefined,
): ScrapeMetrics | undefined {
  if (!a) return b;
  if (!b) return a;
  const out: Record<string, unknown> = { ...a };
  for (const [key, value] of Object.entries(b)) {
    const prev = out[key];
    if (typeof value === "number" && typeof prev === "number") out[key] = prev + value;
    else if (typeof value === "boolean" && typeof prev === "boolean") out[key] = prev || value;
    else if (isObject(value) && isObject(prev)) {
      out[key] = mergeMetrics(prev as ScrapeMetrics, value as ScrapeMetrics);
    } else out[key] = value;
  }
  return out as ScrapeMetrics;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
