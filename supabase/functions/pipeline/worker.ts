// Executes queued pipeline phase jobs (snapshot, lifespan, repost, score): the
// work is SQL (ops.run_phase_job); this loop claims, runs and finishes them
// until none are left or the time budget is spent.
import type { Sql } from "../_shared/db.ts";

export const PHASE_TYPES = ["snapshot", "lifespan", "repost", "score"];

export interface PhaseWorkerOptions {
  worker: string;
  trigger: string;
  /** Stop claiming after this long; the sweeper re-dispatches leftovers. Default 100 s. */
  budgetMs?: number;
}

export async function runPhaseJobs(sql: Sql, { worker, budgetMs = 100_000 }: PhaseWorkerOptions) {
  const deadline = Date.now() + budgetMs;
  let done = 0;
  while (Date.now() < deadline) {
    const [job] = await sql`select id, type from ops.claim(${worker}, ${PHASE_TYPES}, 1)`;
    if (!job) break;
    try {
      const [{ result }] = await sql`select ops.run_phase_job(${job.id}) as result`;
      await sql`select ops.finish(${job.id}, 'completed', ${sql.json(result ?? {})}, null, null, null, ${worker})`;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await sql`select ops.finish(${job.id}, 'failed', null, ${message}, null, null, ${worker})`;
    }
    done++;
  }
  return { done };
}
