// The nightly pipeline's API:
//   POST /pipeline/run       start a run (operator or service); 409 with the running one
//   GET  /pipeline/pending   pending jobs
//   GET  /pipeline/history   the last 10 runs
//   GET  /pipeline/stats     the last 7 days
//   POST /pipeline           dispatch entry (service role): {"action": "run"} from the
//                            schedule, {"action": "work"} to execute phase jobs
import { z } from "zod";
import { apiHandler } from "../_shared/api.ts";
import { type Caller, requireRole } from "../_shared/auth.ts";
import { asCaller, type Sql } from "../_shared/db.ts";
import { json } from "../_shared/http.ts";
import { startPipelineRun } from "../_shared/pipeline-start.ts";
import { Router } from "../_shared/router.ts";
import { readJsonBody, validate } from "../_shared/validation.ts";

export interface PipelineDeps {
  sql: Sql;
  jwtSecret: string;
  /** Scrape workers woken per run (each claims scrape jobs until none are left). Default 4. */
  scrapeWorkers?: number;
  /** Runs queued phase and backfill jobs; the function's index wires it to the job harness. */
  work: () => Promise<unknown>;
  /** Hands background work to the runtime (EdgeRuntime.waitUntil when hosted). */
  background: (promise: Promise<unknown>) => void;
}

const runBody = z.object({
  run_date: z.iso.date().optional(),
  sources: z.array(z.string().min(1)).min(1).max(5000).optional(),
}).strict();

const dispatchBody = z.union([
  z.object({
    action: z.enum(["run", "work"]),
    trigger: z.string().max(40).optional(),
    pipeline_id: z.number().int().optional(),
    schedule: z.string().optional(),
    local_date: z.iso.date().optional(),
  }).strict(),
  // a job started through the jobs function (phase jobs, backfills)
  z.object({ job_id: z.number().int().positive(), type: z.string().max(40) }).strict(),
]);

export function createPipelineHandler(deps: PipelineDeps) {
  const { sql, jwtSecret } = deps;
  const scrapeWorkers = deps.scrapeWorkers ?? 4;

  const startRun = (createdBy: string, trigger: string, runDate?: string, sources?: string[]) =>
    startPipelineRun(sql, { createdBy, trigger, runDate, sources, scrapeWorkers });

  const router = new Router<{ caller: Caller }>("pipeline")
    .on("POST", "/run", async ({ caller, request }) => {
      const denied = requireRole(caller, "operator");
      if (denied) return denied;
      const body = await readJsonBody(request, 262_144);
      if (!body.ok) return body.response;
      const input = validate(runBody, body.data);
      if (!input.ok) return input.response;
      return json(await startRun(caller.actor, "manual", input.data.run_date, input.data.sources), 201);
    })
    .on("POST", "/", async ({ caller, request }) => {
      const denied = requireRole(caller, "service");
      if (denied) return denied;
      const body = await readJsonBody(request, 16_384);
      if (!body.ok) return body.response;
      const input = validate(dispatchBody, body.data);
      if (!input.ok) return input.response;
      if ("action" in input.data && input.data.action === "run") {
        return json(await startRun("schedule", input.data.trigger ?? "schedule", input.data.local_date), 201);
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
               extract(epoch from coalesce(finished_at, now()) - started_at)::float8 as duration_seconds,
               progress_done, progress_total, result -> 'totals' as totals, result -> 'phases' as phases,
               jsonb_array_length(coalesce(result -> 'errors', '[]')) as error_count, error
          from ops.jobs where type = 'pipeline' order by id desc limit 10`);
      return json({ runs });
    })
    .on("GET", "/stats", async ({ caller }) => {
      const [stats] = await asCaller(sql, caller.claims, (tx) =>
        tx`
        with runs as (
          select * from ops.jobs where type = 'pipeline' and created_at > now() - interval '7 days'),
        children as (
          select j.* from ops.jobs j join runs r on j.root_id = r.id)
        select (select count(*) from runs)::int as runs,
               (select count(*) from runs where status = 'completed')::int as completed,
               (select count(*) from runs where status = 'partial')::int as partial,
               (select count(*) from runs where status = 'failed')::int as failed,
               (select round(count(*) filter (where status = 'completed')::numeric / nullif(count(*) filter (where finished_at is not null), 0), 4)::float8 from runs) as success_rate,
               (select round(avg(extract(epoch from finished_at - started_at))::numeric, 1)::float8 from runs where finished_at is not null) as avg_duration_seconds,
               (select count(*) from children)::int as jobs,
               (select coalesce(jsonb_object_agg(status, n), '{}') from (select status, count(*) as n from children group by status) x) as jobs_by_status,
               (select coalesce(jsonb_object_agg(type, n), '{}') from (select type, count(*) as n from children group by type) x) as jobs_by_type`);
      return json({ window_days: 7, ...stats });
    });

  return apiHandler({ router, jwtSecret });
}
