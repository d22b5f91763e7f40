// The nightly pipeline's API:
//   POST /pipeline/run       start a run (operator or service); 409 with the running one
//   GET  /pipeline/pending   pending jobs
//   GET  /pipeline/history   the last 10 runs
//   GET  /pipeline/stats     the last 7 days
//   POST /pipeline           wake-up entry (service role): {"action": "run"} from the
//                            schedule, {"action": "work"} to execute phase jobs
import { z } from "zod";
import { apiHandler } from "../_shared/api.ts";
import { type Auth, type Caller, requireRole } from "../_shared/auth.ts";
import { asCaller, type Sql } from "../_shared/db.ts";
import { json } from "../_shared/http.ts";
import { jobsApi } from "../_shared/jobs/api.ts";
import { Router } from "../_shared/router.ts";
import { calendarDate } from "../_shared/fields.ts";
import { parseBody } from "../_shared/validation.ts";

export interface PipelineDeps {
  sql: Sql;
  auth: Auth;
  /** Runs queued phase and backfill jobs; the function's index wires it to the job harness. */
  work: () => Promise<unknown>;
  /** Hands background work to the runtime (EdgeRuntime.waitUntil when hosted). */
  background: (promise: Promise<unknown>) => void;
}

const runBody = z.object({
  /** Europe/Berlin date the run is for; bounds (backfill window .. tomorrow) are checked in SQL. */
  run_date: calendarDate.optional(),
  sources: z.array(z.string().min(1).max(63)).min(1).max(5000).optional(),
}).strict();

const dispatchBody = z.union([
  z.object({
    action: z.enum(["run", "work"]),
    trigger: z.string().max(40).optional(),
    pipeline_id: z.number().int().positive().optional(),
    schedule: z.string().max(60).optional(),
    local_date: calendarDate.optional(),
  }).strict(),
  // a new runnable job woken from SQL (phase jobs, backfills: jobs_wake_worker)
  z.object({ job_id: z.number().int().positive(), type: z.string().max(40) }).strict(),
]);

export function createPipelineHandler(deps: PipelineDeps) {
  const { sql, auth } = deps;

  const router = new Router<{ caller: Caller }>("pipeline")
    .on("POST", "/run", async ({ caller, request }) => {
      const denied = requireRole(caller, "operator");
      if (denied) return denied;
      const input = await parseBody(request, runBody, 262_144);
      // as the caller: SQL checks the role, records who started the run and wakes the scrape workers
      const root = await asCaller(sql, caller.claims, (tx) => jobsApi(tx).startManualJob("pipeline", input));
      return json({ pipeline_id: root.id, run_date: root.run_date, scrape_jobs: root.progress_total }, 201);
    })
    .on("POST", "/", async ({ caller, request }) => {
      const denied = requireRole(caller, "service");
      if (denied) return denied;
      const input = await parseBody(request, dispatchBody);
      if ("action" in input && input.action === "run") {
        const trigger = input.trigger ?? "schedule";
        return json(await jobsApi(sql).startPipeline({ createdBy: "schedule", trigger, runDate: input.local_date }), 201);
      }
      deps.background(deps.work());
      return json({ accepted: true }, 202);
    })
    .on("GET", "/pending", async ({ caller }) => {
      const jobs = await asCaller(sql, caller.claims, (tx) =>
        tx`
        select j.id, j.type, s.key as source, j.root_id as pipeline_id, j.run_date, j.attempt, j.run_after, j.created_at
          from ops.jobs j left join ops.sources s on s.id = j.source_id
         where j.status = 'pending' order by j.priority desc, j.run_after, j.id limit 1000`);
      return json({ pending: jobs, count: jobs.length });
    })
    .on("GET", "/history", async ({ caller }) => {
      const runs = await asCaller(sql, caller.claims, (tx) =>
        tx`
        select id, run_date, status, created_by, started_at, finished_at,
               extract(epoch from coalesce(finished_at, ops_private.now()) - started_at)::float8 as duration_seconds,
               progress_done, progress_total, result -> 'totals' as totals, result -> 'phases' as phases,
               jsonb_array_length(coalesce(result -> 'errors', '[]')) as error_count, error
          from ops.jobs where type = 'pipeline' order by id desc limit 10`);
      return json({ runs });
    })
    .on("GET", "/stats", async ({ caller }) => {
      const { stats, jobTypes } = await asCaller(sql, caller.claims, async (tx) => ({
        stats: (await tx`select * from ops.pipeline_stats_v where window_days = 7`)[0],
        jobTypes: await tx`select * from ops.job_type_stats_v order by type`,
      }));
      return json({
        ...stats,
        jobs_by_type: Object.fromEntries(jobTypes.map((t) => [t.type, t.jobs])),
        // ops.job_type_stats_v covers the last 30 days
        job_types: jobTypes,
      });
    });

  return apiHandler({ router, auth });
}
