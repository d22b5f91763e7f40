// The job harness: every function that runs work goes through it, so that no
// worker can forget to report. runJob opens a session (context, log buffer,
// heartbeat data), runs the work, lets decideEnd (./end.ts, pure) decide the
// end and reports it. It
//   - claims jobs (or takes one already claimed) and records the start
//     (the scrape_runs row of scrape jobs),
//   - heartbeats on an interval (progress, checkpoint cursor, scrape metrics),
//   - buffers log lines and error events and writes them in batches,
//   - surfaces cancellation, a lost lease and the job's timeout as an AbortSignal,
//   - classifies thrown errors (ops.record_errors, the rules in the database),
//   - and always finishes the job (try/finally), or hands it back with its
//     cursor when the work asks to continue later.
import { systemClock } from "../clock.ts";
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
import { type AbortReason, decideEnd, describeError, type EndDecision, type WorkOutcome } from "./end.ts";
import { JobApiError } from "./errors.ts";
import { LogBuffer, type LogBufferOptions } from "./log-buffer.ts";
import { mergeMetrics } from "./metrics.ts";

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

export type Work<P> = (ctx: JobContext<P>) => Promise<WorkOutcome>;

export interface HarnessOptions {
  /** The worker's name: locked_by of the jobs it holds. */
  worker: string;
  /** Heartbeat interval; default a third of the job's lease. */
  heartbeatMs?: number;
  logs?: LogBufferOptions;
  /** Wall clock in ms; default the workers' clock (../clock.ts). */
  now?: () => number;
}

export interface RunResult {
  jobId: number;
  /** The terminal status, `continued` (handed back with a cursor) or `lost` (another worker holds it now). */
  outcome: TerminalStatus | "continued" | "lost";
  answer?: FinishAnswer;
  error?: string;
}

class AbortedError extends Error {
  constructor(readonly reason: AbortReason) {
    super(`job aborted: ${reason}`);
    this.name = "AbortError";
  }
}

/** A job while its work runs: the context handed to the work, buffered logs, pending heartbeat data. */
interface Session<P> {
  ctx: JobContext<P>;
  logs: LogBuffer;
  readonly abortReason: AbortReason | null;
  abort(reason: AbortReason): void;
  /** Sends a heartbeat with the pending progress, metrics and an optional cursor (after the previous one). */
  beat(cursor?: Json): Promise<void>;
  /** Resolves when the last heartbeat has ended, successful or not. */
  beatsSettled(): Promise<void>;
  takeMetrics(): ScrapeMetrics | undefined;
  hasPendingProgress(): boolean;
}

function openSession<P>(api: JobsApi, job: Job, options: HarnessOptions): Session<P> {
  const now = options.now ?? systemClock.now;
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
      logs.error({ ...describeError(error), ...extra });
    },
    throwIfAborted() {
      if (abortReason) throw new AbortedError(abortReason);
    },
  };

  return {
    ctx,
    logs,
    get abortReason() {
      return abortReason;
    },
    abort,
    beat,
    beatsSettled: () => lastBeat.catch(() => {}),
    takeMetrics,
    hasPendingProgress: () => pendingProgress !== undefined,
  };
}

/** Runs the work under the heartbeat and the job's timeout; what it returned or threw. */
async function runWork<P>(
  api: JobsApi,
  job: Job,
  work: Work<P>,
  session: Session<P>,
  options: HarnessOptions,
): Promise<{ failed: boolean; thrown?: unknown; outcome?: WorkOutcome }> {
  const now = options.now ?? systemClock.now;
  const heartbeatMs = options.heartbeatMs ?? Math.max(1000, (job.lease_seconds * 1000) / 3);
  const heartbeatTimer = setInterval(() => {
    session.beat().catch((error) => console.error(`heartbeat of job ${job.id} failed:`, error));
  }, heartbeatMs);
  const timeoutMs = job.timeout_at ? Date.parse(job.timeout_at) - now() : undefined;
  const timeoutTimer = timeoutMs !== undefined
    ? setTimeout(() => session.abort("timeout"), Math.max(0, Math.min(timeoutMs, 2 ** 31 - 1)))
    : undefined;
  try {
    if (job.type === "scrape" && job.source_id !== null) await api.startScrapeRun(job.id);
    return { failed: false, outcome: await work(session.ctx) };
  } catch (error) {
    return { failed: true, thrown: error };
  } finally {
    clearInterval(heartbeatTimer);
    if (timeoutTimer !== undefined) clearTimeout(timeoutTimer);
    // a failed heartbeat put its metrics back: they go with the finish
    await session.beatsSettled();
  }
}

/** Another worker holds the job (P0423) or it already ended (P0419): the report is not ours to make. */
function lostTo(error: unknown, jobId: number): RunResult | null {
  if (error instanceof JobApiError && (error.sqlstate === "P0423" || error.sqlstate === "P0419")) {
    return { jobId, outcome: "lost", error: error.message };
  }
  return null;
}

/** Carries out the end decision: the logs, then finish, continue later or (lost) nothing more. */
async function reportEnd<P>(
  api: JobsApi,
  job: Job,
  decision: EndDecision,
  session: Session<P>,
  options: HarnessOptions,
): Promise<RunResult> {
  const { logs } = session;
  if (decision.kind === "lost") {
    session.ctx.log.warning(decision.log.message);
    await logs.close().catch(() => {});
    return { jobId: job.id, outcome: "lost" };
  }
  if (decision.kind === "continue") {
    try {
      await logs.close();
      await api.continueLater(job.id, {
        cursor: decision.cursor,
        delaySeconds: decision.delaySeconds,
        worker: options.worker,
        metrics: session.takeMetrics(),
      });
      return { jobId: job.id, outcome: "continued" };
    } catch (error) {
      const lost = lostTo(error, job.id);
      if (lost) return lost;
      throw error;
    }
  }

  let errorCategory = decision.errorCategory;
  if (decision.log) logs.log({ ...decision.log, ts: new Date((options.now ?? systemClock.now)()).toISOString() });
  if (decision.event && !decision.classify) logs.error(decision.event);
  if (decision.event && decision.classify) {
    try {
      await logs.flush();
      const [recorded] = await api.recordErrors(job.id, [decision.event]);
      errorCategory = recorded?.category;
    } catch (error) {
      console.error(`recording the error of job ${job.id} failed:`, error);
    }
  }
  try {
    await logs.close();
  } catch (error) {
    console.error(`final log flush of job ${job.id} failed:`, error);
  }
  // progress reported since the last heartbeat would be lost with the finish
  if (session.hasPendingProgress()) await session.beat();
  try {
    const answer = await api.finish(job.id, {
      status: decision.status,
      result: decision.result,
      error: decision.error,
      errorCategory,
      metrics: session.takeMetrics(),
      worker: options.worker,
    });
    return { jobId: job.id, outcome: answer.job.status, answer, error: decision.error };
  } catch (error) {
    const lost = lostTo(error, job.id);
    if (lost) return lost;
    throw error;
  }
}

/** Runs `work` for a job this worker already holds (claimed or started), and always reports the end. */
export async function runJob<P = Record<string, unknown>>(
  api: JobsApi,
  job: Job,
  work: Work<P>,
  options: HarnessOptions,
): Promise<RunResult> {
  const session = openSession<P>(api, job, options);
  const ended = await runWork(api, job, work, session, options);
  const decision = decideEnd({ job, abortReason: session.abortReason, ...ended });
  return await reportEnd(api, job, decision, session, options);
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
