// The scrape worker: claims scrape jobs one at a time and runs each (see
// run-job.ts) until none is left or its wall-clock or CPU budget is spent
// (_shared/budget.ts). When it stops
// on the budget with runnable scrape jobs left, it asks SQL for a follow-up
// worker (ops.wake: the same "runnable" as claim's). A job it checkpointed wakes
// one by itself when it is re-queued.
import { DEFAULT_CPU_BUDGET_MS, DEFAULT_WALL_BUDGET_MS, invocationBudget } from "../_shared/budget.ts";
import type { Sql } from "../_shared/db.ts";
import { jobsApi, type RunResult } from "../_shared/jobs/mod.ts";
import { asService } from "./db.ts";
import { runScrapeJob } from "./run-job.ts";

export interface ScrapeWorkerOptions {
  worker: string;
  /** Time budget of this invocation. Default DEFAULT_WALL_BUDGET_MS (the hosted wall clock is 150 s). */
  budgetMs?: number;
  /** CPU budget of this invocation. Default DEFAULT_CPU_BUDGET_MS (the hosted limit is 2 s). */
  cpuBudgetMs?: number;
  heartbeatMs?: number;
  trigger?: string;
}

export interface ScrapeWorkerReport {
  worker: string;
  jobs: RunResult[];
  /** Why the worker stopped: no runnable job left, or its budget was spent. */
  stopped: "idle" | "budget";
  followUp: boolean;
  /** CPU this invocation used, in ms. */
  cpuMs: number;
}

export async function runScrapeWorker(sql: Sql, options: ScrapeWorkerOptions): Promise<ScrapeWorkerReport> {
  const budgetMs = options.budgetMs ?? DEFAULT_WALL_BUDGET_MS;
  const budget = invocationBudget(budgetMs, options.cpuBudgetMs ?? DEFAULT_CPU_BUDGET_MS);
  const { deadline, cpu } = budget;
  // Do not start a job with less than this left: it would only checkpoint at once.
  const minStartMs = Math.min(2_000, budgetMs / 4);
  const api = jobsApi(sql);
  const jobs: RunResult[] = [];
  let stopped: ScrapeWorkerReport["stopped"] = "budget";
  while (budget.spent(minStartMs) === null) {
    const [job] = await api.claim(options.worker, ["scrape"], 1);
    if (!job) {
      stopped = "idle";
      break;
    }
    try {
      jobs.push(
        await runScrapeJob(sql, job, {
          worker: options.worker,
          deadline,
          cpu,
          heartbeatMs: options.heartbeatMs,
        }),
      );
    } catch (error) {
      // The harness could not report the end (database gone?): the sweeper ends or re-queues the job.
      console.error(`scrape job ${job.id}: could not report its end`, error);
      jobs.push({ jobId: job.id, outcome: "lost", error: String(error) });
    }
  }
  const followUp = stopped === "budget" &&
    await asService(sql, (tx) => jobsApi(tx).wake("scrape", "continue"));
  return { worker: options.worker, jobs, stopped, followUp, cpuMs: Math.round(cpu.usedMs()) };
}
