// Executes queued pipeline phase jobs (snapshot, lifespan, repost, score)
// through the job harness: the work itself is SQL (ops.run_phase_job), the
// harness claims, logs, classifies failures and always finishes the job.
// Loops until no phase job is left or the time budget is spent (the sweeper
// re-dispatches leftovers).
import type { Sql } from "../_shared/db.ts";
import { claimAndRun, type Json } from "../_shared/jobs/mod.ts";

export const PHASE_TYPES = ["snapshot", "lifespan", "repost", "score"];

export interface PhaseWorkerOptions {
  worker: string;
  trigger: string;
  /** Stop claiming after this long. Default 100 s, well under the edge function wall clock. */
  budgetMs?: number;
}

export async function runPhaseJobs(sql: Sql, { worker, budgetMs = 100_000 }: PhaseWorkerOptions) {
  const deadline = Date.now() + budgetMs;
  let done = 0;
  while (Date.now() < deadline) {
    const results = await claimAndRun(sql, { types: PHASE_TYPES }, async (ctx) => {
      const [{ result }] = await sql`select ops.run_phase_job(${ctx.job.id}) as result`;
      ctx.log.success(`${ctx.job.type} done`, result ?? {});
      return { result: (result ?? {}) as Json };
    }, { worker });
    if (results.length === 0) break;
    done += results.length;
  }
  return { done };
}
