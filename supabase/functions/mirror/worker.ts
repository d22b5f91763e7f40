// Runs queued mirror jobs (started through the jobs function with params {days, dry_run}): claim,
// log, export, always finish. Mirror jobs are exclusive, so there is at most one to claim.
import { z } from "zod";
import type { Sql } from "../_shared/db.ts";
import { runExport } from "../_shared/mirror/export.ts";
import type { MirrorTargetSource } from "../_shared/mirror/target.ts";

export const mirrorJobParams = z.object({
  days: z.number().int().min(1).max(400).default(3),
  dry_run: z.boolean().default(false),
}).strict();

export interface MirrorWorkerOptions {
  worker: string;
  /** Stop claiming after this long; the sweeper re-dispatches leftovers. Default 100 s. */
  budgetMs?: number;
}

interface LogLine {
  level: string;
  message: string;
  ts: string;
}

export async function runMirrorJobs(
  sql: Sql,
  targets: MirrorTargetSource,
  { worker, budgetMs = 100_000 }: MirrorWorkerOptions,
): Promise<{ done: number }> {
  const deadline = Date.now() + budgetMs;
  let done = 0;
  while (Date.now() < deadline) {
    const [job] = await sql<{ id: number; params: unknown }[]>`
      select id, params from ops.claim(${worker}, ${["mirror"]}, 1)`;
    if (!job) break;
    await runOne(sql, targets, worker, job);
    done++;
  }
  return { done };
}

async function runOne(sql: Sql, targets: MirrorTargetSource, worker: string, job: { id: number; params: unknown }) {
  const lines: LogLine[] = [];
  const log = (level: string, message: string) => lines.push({ level, message, ts: new Date().toISOString() });
  const flush = async () => {
    if (lines.length === 0) return;
    const batch = lines.splice(0);
    await sql`select * from ops.append_logs(${job.id}, ${sql.json(batch as never)})`;
  };

  let status: "completed" | "failed" = "failed";
  let result: Record<string, unknown> | null = null;
  let error: string | null = null;
  try {
    const params = mirrorJobParams.safeParse(job.params ?? {});
    if (!params.success) {
      throw new Error(`invalid mirror job params: ${params.error.issues.map((i) => `${i.path.join(".") || "(params)"} ${i.message}`).join("; ")}`);
    }
    const { days, dry_run: dryRun } = params.data;
    log("INFO", `mirror job: ${dryRun ? "dry run, " : ""}last ${days} day(s) to ${targets.describe}`);
    const outcome = await runExport(sql, targets.create(), { days, dryRun, trigger: "job", jobId: job.id, log });
    if (outcome.dryRun) {
      for (const row of outcome.rows.slice(0, 20)) log("DEBUG", `would upsert ${JSON.stringify(row)}`);
      if (outcome.rows.length > 20) log("DEBUG", `... and ${outcome.rows.length - 20} more rows`);
      status = "completed";
      result = {
        dry_run: true,
        target: outcome.target,
        date_from: outcome.dateFrom,
        date_to: outcome.dateTo,
        rows_read: outcome.rowsRead,
        watermark: outcome.watermark,
      };
    } else {
      const { run } = outcome;
      result = {
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
      status = run.status === "completed" ? "completed" : "failed";
      error = run.error;
    }
  } catch (thrown) {
    error = thrown instanceof Error ? thrown.message : String(thrown);
    log("ERROR", `mirror job failed: ${error}`);
  } finally {
    // Always finish: logs first (best effort), then the terminal status.
    await flush().catch((e) => console.error(`mirror: logs of job ${job.id} not stored`, e));
    await sql`select ops.finish(${job.id}, ${status}, ${result === null ? null : sql.json(result as never)},
                                ${error}, null, null, ${worker})`;
  }
}
