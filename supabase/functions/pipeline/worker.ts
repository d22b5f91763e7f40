// Work the pipeline function executes through the job harness (which claims,
// logs, classifies failures and always finishes the job):
//   - phase jobs (snapshot, lifespan, repost, score): SQL in ops.run_phase_job;
//   - backfill jobs {from, to}: one pipeline run per date, one after another,
//     checkpointing the next date so that a follow-up invocation continues
//     within the edge function's wall clock.
// Loops until no such job is left or its wall-clock or CPU budget is spent
// (_shared/budget.ts; the sweeper wakes the worker again for leftovers). Each
// phase job's log line carries the invocation's CPU so far (bench:cpu reads it).
import { DEFAULT_CPU_BUDGET_MS, DEFAULT_WALL_BUDGET_MS, invocationBudget } from "../_shared/budget.ts";
import type { Sql } from "../_shared/db.ts";
import {
  claimAndRun,
  isTerminal,
  JobApiError,
  type JobContext,
  jobsApi,
  type Json,
  PIPELINE_PHASES,
  type WorkOutcome,
} from "../_shared/jobs/mod.ts";

/** The phases after scrape, executed here (scrape jobs run in the scrape function). */
export const PHASE_TYPES: string[] = PIPELINE_PHASES.slice(1);

export interface PipelineWorkerOptions {
  worker: string;
  /** Stop claiming after this long. Default DEFAULT_WALL_BUDGET_MS, well under the edge function wall clock. */
  budgetMs?: number;
  /** Stop claiming once this invocation used this much CPU. Default DEFAULT_CPU_BUDGET_MS (the hosted limit is 2 s). */
  cpuBudgetMs?: number;
  /** How often a backfill checks its current run. Default 1 s. */
  pollMs?: number;
}

function datesBetween(from: string, to: string): string[] {
  const dates: string[] = [];
  const last = Date.parse(`${to}T00:00:00Z`);
  for (let day = Date.parse(`${from}T00:00:00Z`); day <= last; day += 86_400_000) {
    dates.push(new Date(day).toISOString().slice(0, 10));
  }
  return dates;
}

interface BackfillCursor {
  /** The date whose run is under way, or next to start. */
  date: string;
  pipeline_id: number | null;
}

export async function runPipelineWork(sql: Sql, options: PipelineWorkerOptions) {
  const budget = invocationBudget(
    options.budgetMs ?? DEFAULT_WALL_BUDGET_MS,
    options.cpuBudgetMs ?? DEFAULT_CPU_BUDGET_MS,
  );
  const { cpu } = budget;
  const spent = () => budget.spent() !== null;
  const pollMs = options.pollMs ?? 1000;
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  async function backfill(ctx: JobContext<{ from: string; to: string }>): Promise<WorkOutcome> {
    const dates = datesBetween(ctx.params.from, ctx.params.to);
    const cursor = (ctx.cursor ?? { date: dates[0], pipeline_id: null }) as unknown as BackfillCursor;
    const runs: Record<string, string> = {};
    for (let i = dates.indexOf(cursor.date); i < dates.length; i++) {
      const date = dates[i];
      let pipelineId = date === cursor.date ? cursor.pipeline_id : null;
      while (pipelineId === null) {
        try {
          const run = await jobsApi(sql).startPipeline({
            createdBy: `backfill:${ctx.job.id}`,
            trigger: "backfill",
            runDate: date,
          });
          pipelineId = run.pipeline_id;
          ctx.log.info(`backfill ${date}: pipeline ${pipelineId} started with ${run.scrape_jobs} sources`);
        } catch (error) {
          // another pipeline (the nightly one) runs: wait for it, within the budget
          if (!(error instanceof JobApiError && error.sqlstate === "P0409")) throw error;
          if (spent()) return { continueLater: { cursor: { date, pipeline_id: null } as unknown as Json } };
          ctx.throwIfAborted();
          await sleep(pollMs);
        }
      }
      for (;;) {
        ctx.throwIfAborted();
        const [root] = await sql`select status from ops.jobs where id = ${pipelineId}`;
        if (isTerminal(root.status)) {
          runs[date] = root.status;
          ctx.log.info(`backfill ${date}: pipeline ${pipelineId} ${root.status}`);
          break;
        }
        if (spent()) {
          return { continueLater: { cursor: { date, pipeline_id: pipelineId } as unknown as Json } };
        }
        await sleep(pollMs);
      }
      if (i + 1 === dates.length) break;
      const next = { date: dates[i + 1], pipeline_id: null } as unknown as Json;
      await ctx.checkpoint(next, { done: i + 1, total: dates.length });
      if (spent()) return { continueLater: { cursor: next } };
    }
    ctx.progress(dates.length, dates.length);
    return { result: { dates: dates.length, runs } };
  }

  let done = 0;
  while (!spent()) {
    const phases = await claimAndRun(sql, { types: PHASE_TYPES }, async (ctx) => {
      const result = (await jobsApi(sql).runPhaseJob(ctx.job.id) ?? {}) as Record<string, Json>;
      ctx.log.success(`${ctx.job.type} done`, {
        ...result,
        worker: options.worker,
        worker_cpu_ms: Math.round(cpu.usedMs()),
      });
      return { result };
    }, { worker: options.worker });
    const backfills = phases.length
      ? []
      : await claimAndRun<{ from: string; to: string }>(sql, { types: ["backfill"] }, backfill, {
        worker: options.worker,
      });
    if (phases.length + backfills.length === 0) break;
    done += phases.length + backfills.length;
  }
  return { done, cpuMs: Math.round(cpu.usedMs()) };
}
