// The scrape worker: claims scrape jobs one at a time and runs each (see
// run-job.ts) until none is left or its time budget is spent. When it stops
// on the budget with runnable scrape jobs left (a checkpointed job among them),
// it wakes a follow-up worker through ops.dispatch.
import type { Sql } from "../_shared/db.ts";
import { asService } from "./db.ts";
import { type ClaimedJob, type JobRunSummary, runScrapeJob } from "./run-job.ts";

export interface ScrapeWorkerOptions {
  worker: string;
  /** Time budget of this invocation. Default 100 s (the hosted wall clock is 150 s). */
  budgetMs?: number;
  heartbeatMs?: number;
  trigger?: string;
}

export interface ScrapeWorkerReport {
  worker: string;
  jobs: JobRunSummary[];
  /** Why the worker stopped: no runnable job left, or its budget was spent. */
  stopped: "idle" | "budget";
  followUp: boolean;
}

export const DEFAULT_BUDGET_MS = 100_000;

export async function runScrapeWorker(sql: Sql, options: ScrapeWorkerOptions): Promise<ScrapeWorkerReport> {
  const budgetMs = options.budgetMs ?? DEFAULT_BUDGET_MS;
  const deadline = Date.now() + budgetMs;
  // Do not start a job with less than this left: it would only checkpoint at once.
  const minStartMs = Math.min(2_000, budgetMs / 4);
  const jobs: JobRunSummary[] = [];
  let stopped: ScrapeWorkerReport["stopped"] = "budget";
  while (deadline - Date.now() > minStartMs) {
    const [job] = await asService(sql, (tx) =>
      tx<ClaimedJob[]>`
        select id, source_id, params, cursor, attempt from ops.claim(${options.worker}, ${["scrape"]}, 1)`);
    if (!job) {
      stopped = "idle";
      break;
    }
    jobs.push(
      await runScrapeJob(sql, job, { worker: options.worker, deadline, heartbeatMs: options.heartbeatMs }),
    );
  }
  let followUp = false;
  if (stopped === "budget") {
    const [{ runnable }] = await sql`
      select exists (select 1 from ops.jobs
                      where type = 'scrape' and status = 'pending' and not cancel_requested
                        and run_after <= now()) as runnable`;
    if (runnable) {
      await asService(
        sql,
        (tx) => tx`select ops.dispatch('scrape', ${tx.json({ action: "work", trigger: "continue" })})`,
      );
      followUp = true;
    }
  }
  return { worker: options.worker, jobs, stopped, followUp };
}
