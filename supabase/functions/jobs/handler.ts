// The job runner API: start jobs by hand, list and inspect them, read and
// stream their logs, cancel them. verify_jwt is off for this function because
// EventSource cannot send headers: every route authenticates here instead
// (Authorization header, or a short-lived stream token in ?token=).
import { apiHandler } from "../_shared/api.ts";
import { type Auth, type Caller, requireRole, unauthorized } from "../_shared/auth.ts";
import { asCaller, type Sql, type TransactionSql } from "../_shared/db.ts";
import { errorResponse, json } from "../_shared/http.ts";
import type { JobEvents } from "../_shared/job-events.ts";
import { Router } from "../_shared/router.ts";
import { lastEventId, type SseStreamOptions } from "../_shared/sse.ts";
import { idParam, parseBody } from "../_shared/validation.ts";
import { jobsApi, LOG_LEVELS } from "../_shared/jobs/api.ts";
import {
  cancelBody,
  jobParamSchemas,
  listJobsQuery,
  logsQuery,
  type StartJob,
  startJobSchema,
  streamQuery,
} from "./schemas.ts";
import { streamJob } from "./stream.ts";
import { mintStreamToken, verifyStreamToken } from "./stream-token.ts";

export interface JobsDeps {
  sql: Sql;
  events: JobEvents;
  auth: Auth;
  /** OPS_STREAM_TOKEN_SECRET as a key (streamTokenKey). */
  streamTokenKey: Uint8Array;
  stream?: SseStreamOptions;
}

/** Exit codes in the shell's spirit: 0 completed, 1 failed, 3 partial, 4 skipped, 130 cancelled. */
const EXIT_CODES: Record<string, number> = { completed: 0, failed: 1, partial: 3, skipped: 4, cancelled: 130 };

const jobColumns = (tx: TransactionSql) =>
  tx`j.id, j.type, j.status, j.params, s.key as source, j.parent_id, j.root_id, j.run_date, j.priority,
     j.attempt, j.max_attempts, j.progress_done, j.progress_total, j.cancel_requested, j.result, j.error,
     j.error_category, j.created_by, j.created_at, j.started_at, j.finished_at, j.timeout_at,
     extract(epoch from coalesce(j.finished_at, ops_private.now()) - j.started_at)::float8 as duration_seconds`;

async function jobIn(tx: TransactionSql, id: number) {
  const [job] = await tx`
    select ${jobColumns(tx)},
           (select count(*) from ops.logs l where l.job_id = j.id)::int as log_count
      from ops.jobs j left join ops.sources s on s.id = j.source_id where j.id = ${id}`;
  return job ? present(job) : null;
}

function present(job: Record<string, unknown>) {
  return {
    ...job,
    progress: { done: job.progress_done, total: job.progress_total },
    exit_code: EXIT_CODES[job.status as string] ?? null,
  };
}

export function createJobsHandler(deps: JobsDeps) {
  const { sql, auth } = deps;

  async function readJob(caller: Caller, id: number) {
    return await asCaller(sql, caller.claims, (tx) => jobIn(tx, id));
  }

  /** Whether the caller may see the job (RLS decides); cheaper than readJob where only that matters. */
  async function visible(caller: Caller, id: number): Promise<boolean> {
    const [row] = await asCaller(sql, caller.claims, (tx) => tx`select exists (select 1 from ops.jobs where id = ${id}) as ok`);
    return row.ok;
  }

  async function start(caller: Caller, input: StartJob): Promise<Response> {
    // As the caller: SQL checks the role and the source and records who started the job. The answer
    // is read in the same transaction, so it shows the job as created: the worker wakes at commit.
    const [id, created] = await asCaller(sql, caller.claims, async (tx) => {
      const job = await jobsApi(tx).startManualJob(input.type, input.params);
      return [job.id, await jobIn(tx, job.id)] as const;
    });
    return json(created, 201, { location: `/jobs/${id}` });
  }

  const router = new Router<{ caller: Caller }>("jobs")
    .on("POST", "/", async ({ caller, request }) => {
      const denied = requireRole(caller, "operator");
      if (denied) return denied;
      return await start(caller, await parseBody(request, startJobSchema, 65_536));
    })
    .on("GET", "/", async ({ caller, query: q }) => {
      const jobs = await asCaller(sql, caller.claims, (tx) =>
        tx`
        select ${jobColumns(tx)}
          from ops.jobs j left join ops.sources s on s.id = j.source_id
         where true
           ${q.type ? tx`and j.type = ${q.type}` : tx``}
           ${q.status ? tx`and j.status = ${q.status}` : tx``}
           ${q.source ? tx`and s.key = ${q.source}` : tx``}
           ${q.root_id ? tx`and (j.root_id = ${q.root_id} or j.id = ${q.root_id})` : tx``}
           ${q.before_id ? tx`and j.id < ${q.before_id}` : tx``}
         order by j.id desc limit ${q.limit}`);
      const next = jobs.length === q.limit ? jobs[jobs.length - 1].id : null;
      return json({ jobs: jobs.map(present), next_before_id: next });
    }, listJobsQuery)
    // registered before /:id, which would otherwise take "schemas" for an id
    .on("GET", "/schemas", () => json({ types: jobParamSchemas() }))
    .on("GET", "/:id", async ({ caller, params }) => {
      const job = await readJob(caller, jobId(params.id));
      return job ? json(job) : errorResponse(404, "not_found", `job ${params.id} not found`);
    })
    .on("DELETE", "/:id", async ({ caller, params, request }) => {
      const denied = requireRole(caller, "operator");
      if (denied) return denied;
      const id = jobId(params.id);
      const input = await parseBody(request, cancelBody);
      const job = await asCaller(sql, caller.claims, (tx) => jobsApi(tx).requestCancel(id, input.reason));
      // pending: cancelled at once (200); running: the worker stops at its next heartbeat (202)
      return json(await readJob(caller, job.id), job.status === "cancelled" ? 200 : 202);
    })
    .on("GET", "/:id/logs", async ({ caller, params, query: q }) => {
      const id = jobId(params.id);
      const levels = q.level ? LOG_LEVELS.slice(LOG_LEVELS.indexOf(q.level)) : LOG_LEVELS;
      if (!(await visible(caller, id))) return errorResponse(404, "not_found", `job ${params.id} not found`);
      if (q.format === "text") return textLogs(caller, id, [...levels]);
      const logs = await asCaller(sql, caller.claims, (tx) =>
        tx`
        select id, ts, level, message, context from ops.logs
         where job_id = ${id} and id > ${q.after_id} and level in ${tx([...levels])}
         order by id limit ${q.limit}`);
      return json({ logs, next_after_id: logs.length === q.limit ? logs[logs.length - 1].id : null });
    }, logsQuery)
    .on("GET", "/:id/tree", async ({ caller, params }) => {
      const id = jobId(params.id);
      const tree = await asCaller(sql, caller.claims, (tx) => tx`select * from ops.job_tree(${id})`);
      return tree.length ? json({ tree }) : errorResponse(404, "not_found", `job ${params.id} not found`);
    })
    .on("POST", "/:id/stream-token", async ({ caller, params }) => {
      const id = jobId(params.id);
      if (!(await visible(caller, id))) return errorResponse(404, "not_found", `job ${params.id} not found`);
      const minted = await mintStreamToken(caller, id, deps.streamTokenKey);
      // relative to <project url>/functions/v1
      return json({ ...minted, stream_path: `/jobs/${id}/stream?token=${minted.token}` }, 201);
    })
    .on("GET", "/:id/stream", async ({ caller, params, request }) => {
      const id = jobId(params.id);
      const after = lastEventId(request);
      if (!(await visible(caller, id))) return errorResponse(404, "not_found", `job ${params.id} not found`);
      return streamJob(deps.stream ? { ...deps, options: deps.stream } : deps, id, after);
    }, streamQuery);

  function textLogs(caller: Caller, id: number, levels: string[]): Response {
    const encoder = new TextEncoder();
    let cursor = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const page = await asCaller(sql, caller.claims, (tx) =>
          tx`select id, ts, level, message from ops.logs
              where job_id = ${id} and id > ${cursor} and level in ${tx(levels)} order by id limit 5000`);
        if (page.length === 0) return controller.close();
        cursor = page[page.length - 1].id;
        controller.enqueue(encoder.encode(
          page.map((l) => `${new Date(l.ts).toISOString()} ${String(l.level).padEnd(8)} ${l.message}\n`).join(""),
        ));
      },
    });
    return new Response(body, {
      headers: {
        "content-type": "text/plain; charset=utf-8",
        "content-disposition": `attachment; filename="job-${id}.log"`,
      },
    });
  }

  async function authenticateRequest(request: Request): Promise<Caller | Response> {
    const url = new URL(request.url);
    const streamToken = url.searchParams.get("token");
    if (streamToken === null) return await auth.authenticate(request);
    // ?token= is a stream token: good for reading one job's stream, nothing else.
    const stream = request.method === "GET" ? url.pathname.match(/^\/jobs\/([1-9][0-9]{0,15})\/stream$/) : null;
    if (!stream) return unauthorized("stream_token_elsewhere", "stream tokens are accepted only by GET /jobs/:id/stream");
    const verified = await verifyStreamToken(streamToken, Number(stream[1]), deps.streamTokenKey);
    return "reason" in verified ? unauthorized(verified.reason, verified.message) : verified;
  }

  return apiHandler({ router, auth, authenticateRequest });
}

const jobId = (raw: string) => idParam(raw);
