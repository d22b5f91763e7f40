// Runs queued mirror jobs (started through the jobs function with params {days, dry_run}) through
// the shared job harness: claim, buffered logs, heartbeat, and always a finish. Mirror jobs are
// exclusive, so there is at most one to claim. A failed export fails the job with the export's
// error (for BigQuery the API's message); the export record itself is in ops.mirror_runs.
import { z } from "zod";
import { systemClock } from "../_shared/clock.ts";
import type { Sql } from "../_shared/db.ts";
import { claimAndRun, type Json, type RunResult, type Work } from "../_shared/jobs/mod.ts";
import { runExport } from "../_shared/mirror/export.ts";
import type { MirrorTargetSource } from "../_shared/mirror/target.ts";

export const mirrorJobParams = z.object({
  days: z.number().int().min(1).max(400).default(3),
  dry_run: z.boolean().default(false),
}).strict();

/** How many "would upsert" lines a dry-run job logs. */
const DRY_RUN_LOGGED_ROWS = 20;

export interface MirrorWorkerOptions {
  worker: string;
  /** Stop claiming after this long; the sweeper re-dispatches leftovers. Default 100 s. */
  budgetMs?: number;
}

export function mirrorWork(sql: Sql, targets: MirrorTargetSource): Work<unknown> {
  return async (ctx) => {
    const params = mirrorJobParams.safeParse(ctx.params ?? {});
    if (!params.success) {
      throw new Error(
        `invalid mirror job params: ${
          params.error.issues.map((i) => `${i.path.join(".") || "(params)"} ${i.message}`).join("; ")
        }`,
      );
    }
    const { days, dry_run: dryRun } = params.data;
    ctx.log.info(`mirror job: ${dryRun ? "dry run, " : ""}last ${days} day(s) to ${targets.describe}`);
    const log = (level: "INFO" | "WARNING" | "ERROR" | "SUCCESS", message: string) =>
      ctx.log[level.toLowerCase() as "info" | "warning" | "error" | "success"](message);
    const outcome = await runExport(sql, targets.create(), {
      days,
      dryRun,
      trigger: "job",
      jobId: ctx.job.id,
      log,
    });
    if (outcome.dryRun) {
      for (const row of outcome.rows.slice(0, DRY_RUN_LOGGED_ROWS)) {
        ctx.log.debug(`would upsert ${JSON.stringify(row)}`);
      }
      if (outcome.rows.length > DRY_RUN_LOGGED_ROWS) {
        ctx.log.debug(`... and ${outcome.rows.length - DRY_RUN_LOGGED_ROWS} more rows`);
      }
      return {
        result: {
          dry_run: true,
          target: outcome.target,
          date_from: outcome.dateFrom,
          date_to: outcome.dateTo,
          rows_read: outcome.rowsRead,
          watermark: outcome.watermark,
        },
      };
    }
    const { run, error } = outcome;
    if (error) {
      // The harness fails the job with this message and classifies it (the BigQuery error carries
      // its HTTP status); the failed export record is already written.
      throw Object.assign(new Error(`export ${run.id} failed: ${run.error}`), {
        httpStatus: (error as { httpStatus?: unknown }).httpStatus,
      });
    }
    const result: Json = {
      dry_run: false,
      mirror_run_id: run.id,
      target: run.target,
      date_from: run.date_from,
      date_to: run.date_to,
      rows_read: run.rows_read,
      rows_upserted: run.rows_upserted,
      watermark: run.watermark,
      duration_ms: run.duration_ms,
    };
    return { result };
  };
}

export async function runMirrorJobs(
  sql: Sql,
  targets: MirrorTargetSource,
  { worker, budgetMs = 100_000 }: MirrorWorkerOptions,
): Promise<{ done: number; results: RunResult[] }> {
  const deadline = systemClock.now() + budgetMs;
  const results: RunResult[] = [];
  const work = mirrorWork(sql, targets);
  while (systemClock.now() < deadline) {
    const ran = await claimAndRun(sql, { types: ["mirror"], limit: 1 }, work, { worker });
    if (ran.length === 0) break;
    results.push(...ran);
  }
  return { done: results.length, results };
}
