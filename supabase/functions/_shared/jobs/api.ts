// Typed calls of the job write API (SQL functions in schema ops). The only way
// TypeScript writes jobs, logs, errors and scrape metrics.
import type { Database, Json } from "../database.types.ts";
import type { Sql, TransactionSql } from "../db.ts";
import { mapErrors } from "./errors.ts";

type Ops = Database["ops"];
export type Job = Ops["Tables"]["jobs"]["Row"];
export type ScrapeRun = Ops["Tables"]["scrape_runs"]["Row"];
export type HeartbeatAnswer = Ops["Functions"]["heartbeat"]["Returns"][number];
export type AppendLogsAnswer = Ops["Functions"]["append_logs"]["Returns"][number];
export type RecordedError = Ops["Functions"]["record_errors"]["Returns"][number];
export type { Json };

export {
  isTerminal,
  JOB_STATUSES,
  LOG_LEVELS,
  type LogLevel,
  PIPELINE_PHASES,
  SCRAPE_COUNTERS,
  SEVERITIES,
  type Severity,
  TERMINAL_STATUSES,
  type TerminalStatus,
} from "./vocabulary.ts";
import type { LogLevel, SCRAPE_COUNTERS, Severity, TerminalStatus } from "./vocabulary.ts";

export interface LogLine {
  level: LogLevel;
  message: string;
  /** ISO timestamp; the database's now() when absent. */
  ts?: string;
  context?: Record<string, unknown>;
}

/** One error event for ops.record_errors; category/severity override the classification rules. */
export interface ErrorEvent {
  message: string;
  http_status?: number;
  url?: string;
  portal?: string;
  details?: Record<string, unknown>;
  category?: string;
  severity?: Severity;
  occurred_at?: string;
}

/** Increments of a scrape run's metrics; counters add up, portal_stats deep-sums, breaker_triggered ORs. */
export type ScrapeMetrics = Partial<Record<(typeof SCRAPE_COUNTERS)[number], number>> & {
  request_time_ms_total?: number;
  breaker_triggered?: boolean;
  portal_stats?: Record<string, Json>;
};

/** What ops.finish answers (and answers again on an identical replay). */
export interface FinishAnswer {
  job: {
    id: number;
    type: string;
    status: TerminalStatus;
    attempt: number;
    source_id: number | null;
    run_date: string | null;
    parent_id: number | null;
    root_id: number | null;
    started_at: string | null;
    finished_at: string;
    duration_sec: number | null;
    result: Json | null;
    error: string | null;
    error_category: string | null;
    cancel_requested: boolean;
  };
  scrape_run: (Omit<ScrapeRun, "job_id">) | null;
}

export interface FinishInput {
  status: TerminalStatus;
  result?: Json;
  error?: string;
  errorCategory?: string;
  metrics?: ScrapeMetrics;
  /** When given, the job must still be held by this worker (else P0423). */
  worker?: string;
}

/** What ops.start_pipeline answers. */
export interface PipelineStart {
  pipeline_id: number;
  run_date: string;
  scrape_jobs: number;
}

type JsonParameter = Parameters<Sql["json"]>[0];

/**
 * The job API over a connection, or over a transaction that runs as the caller
 * (asCaller), so that SQL sees who acts (ops_private.actor).
 */
export function jobsApi(sql: Sql | TransactionSql) {
  // jsonb parameters go through sql.json (a plain string would be stored as a JSON string)
  const j = (
    value: unknown,
  ) => (value === undefined || value === null ? null : sql.json(value as JsonParameter));
  return {
    async enqueue(input: {
      type: string;
      params?: Json;
      sourceId?: number;
      parentId?: number;
      runDate?: string;
      priority?: number;
      runAfter?: string;
      idempotencyKey?: string;
      createdBy?: string;
      maxAttempts?: number;
    }): Promise<Job> {
      const [job] = await mapErrors(sql<Job[]>`
        select * from ops.enqueue(${input.type}, coalesce(${j(input.params)}::jsonb, '{}'::jsonb),
          ${input.sourceId ?? null}, ${input.parentId ?? null}, ${input.runDate ?? null}::date,
          ${input.priority ?? 0}, ${input.runAfter ?? null}::timestamptz, ${input.idempotencyKey ?? null},
          ${input.createdBy ?? null}, ${input.maxAttempts ?? null}::integer)`);
      return job;
    },

    /**
     * An operator starts a job by hand (ops.start_manual_job): the source is checked (404, 409
     * source_paused), the actor recorded and audited; a pipeline starts as a run with its jobs.
     * Workers are woken from SQL when the transaction commits.
     */
    async startManualJob(type: string, params: Json): Promise<Job> {
      const [job] = await mapErrors(sql<Job[]>`select * from ops.start_manual_job(${type}, ${j(params)}::jsonb)`);
      return job;
    },

    /** A pipeline run for a Berlin date (ops.start_pipeline: P0409 while one runs); SQL wakes its workers. */
    async startPipeline(input: { trigger: string; createdBy: string; runDate?: string; sources?: string[] }) {
      const [{ run }] = await mapErrors(sql<{ run: PipelineStart }[]>`
        select ops.start_pipeline(${input.runDate ?? null}::date, ${input.trigger}, ${input.createdBy},
                                  ${input.sources ?? null}::text[]) as run`);
      return run;
    },

    /** Wakes the worker function if it has runnable jobs (ops.wake); true when it was woken. */
    async wake(worker: string, trigger: string): Promise<boolean> {
      const [{ woken }] = await mapErrors(sql<{ woken: number }[]>`select ops.wake(${worker}, ${trigger}) as woken`);
      return woken > 0;
    },

    claim(worker: string, types?: string[], limit = 1): Promise<Job[]> {
      // types as one comma-separated text: job type names are [a-z0-9_] (ops.job_types check)
      return mapErrors(sql<Job[]>`
        select * from ops.claim(${worker}, string_to_array(${types?.join(",") ?? null}, ','), ${limit})`);
    },

    async startJob(input: {
      type: string;
      worker: string;
      params?: Json;
      sourceId?: number;
      parentId?: number;
      runDate?: string;
      idempotencyKey?: string;
      createdBy?: string;
    }): Promise<Job> {
      const [job] = await mapErrors(sql<Job[]>`
        select * from ops.start_job(${input.type}, ${input.worker}, coalesce(${
        j(input.params)
      }::jsonb, '{}'::jsonb),
          ${input.sourceId ?? null}, ${input.parentId ?? null}, ${input.runDate ?? null}::date,
          ${input.idempotencyKey ?? null}, ${input.createdBy ?? null})`);
      return job;
    },

    async startScrapeRun(jobId: number): Promise<ScrapeRun> {
      const [run] = await mapErrors(sql<ScrapeRun[]>`select * from ops.start_scrape_run(${jobId})`);
      return run;
    },

    async heartbeat(jobId: number, input: {
      worker?: string;
      progressDone?: number;
      progressTotal?: number;
      cursor?: Json;
      metrics?: ScrapeMetrics;
    } = {}): Promise<HeartbeatAnswer> {
      const [answer] = await mapErrors(sql<HeartbeatAnswer[]>`
        select * from ops.heartbeat(${jobId}, ${input.worker ?? null}, ${input.progressDone ?? null}::integer,
          ${input.progressTotal ?? null}::integer, ${j(input.cursor)}::jsonb, ${j(input.metrics)}::jsonb)`);
      return answer;
    },

    async appendLogs(jobId: number, lines: LogLine[]): Promise<AppendLogsAnswer> {
      const [answer] = await mapErrors(sql<AppendLogsAnswer[]>`
        select * from ops.append_logs(${jobId}, ${j(lines)}::jsonb)`);
      return answer;
    },

    recordErrors(jobId: number, errors: ErrorEvent[]): Promise<RecordedError[]> {
      return mapErrors(sql<RecordedError[]>`
        select * from ops.record_errors(${jobId}, ${j(errors)}::jsonb)`);
    },

    async finish(jobId: number, input: FinishInput): Promise<FinishAnswer> {
      const [row] = await mapErrors(sql<{ answer: FinishAnswer }[]>`
        select ops.finish(${jobId}, ${input.status}, ${j(input.result)}::jsonb, ${input.error ?? null},
          ${input.errorCategory ?? null}, ${j(input.metrics)}::jsonb, ${input.worker ?? null}) as answer`);
      return row.answer;
    },

    async continueLater(jobId: number, input: {
      cursor: Json;
      delaySeconds?: number;
      worker?: string;
      metrics?: ScrapeMetrics;
    }): Promise<Job> {
      const [job] = await mapErrors(sql<Job[]>`
        select * from ops.continue_later(${jobId}, ${j(input.cursor)}::jsonb, ${input.delaySeconds ?? 0},
          ${input.worker ?? null}, ${j(input.metrics)}::jsonb)`);
      return job;
    },

    async requestCancel(jobId: number, reason?: string): Promise<Job> {
      const [job] = await mapErrors(
        sql<Job[]>`select * from ops.request_cancel(${jobId}, ${reason ?? null})`,
      );
      return job;
    },

    /** Runs the SQL of a pipeline phase job (snapshot, lifespan, repost, score); its result. */
    async runPhaseJob(jobId: number): Promise<Json> {
      const [{ result }] = await mapErrors(sql<{ result: Json }[]>`select ops.run_phase_job(${jobId}) as result`);
      return result;
    },

    /** Stores a scrape job's postings (ops.upsert_postings); how many were new, updated, unchanged. */
    async upsertPostings(jobId: number, rows: Json[]): Promise<{ new: number; updated: number; unchanged: number }> {
      const [{ counts }] = await mapErrors(sql<{ counts: Record<string, number | string> }[]>`
        select ops.upsert_postings(${jobId}, ${j(rows)}::jsonb) as counts`);
      return { new: Number(counts.new), updated: Number(counts.updated), unchanged: Number(counts.unchanged) };
    },

    /** Marks the postings a complete scrape no longer listed inactive (ops.deactivate_missing_postings). */
    async deactivateMissingPostings(jobId: number): Promise<{ applied: boolean; deactivated: number }> {
      const [{ result }] = await mapErrors(sql<{ result: { applied: boolean; deactivated: number } }[]>`
        select ops.deactivate_missing_postings(${jobId}) as result`);
      return result;
    },

    async sweep(): Promise<Record<string, number>> {
      const [row] = await mapErrors(sql<{ counts: Record<string, number> }[]>`select ops.sweep() as counts`);
      return row.counts;
    },
  };
}

export type JobsApi = ReturnType<typeof jobsApi>;
