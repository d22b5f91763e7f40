// The report API: scrapers that run elsewhere (a VM with a browser, a laptop,
// a Crawlee crawler) report their runs through the same contract as the
// scrape function. The rules (totals, paused sources, run dates, read-back)
// live in SQL (ops.report_*); this file validates bodies with the shared
// contract (../_shared/report/contract.ts) and wires routes:
//   GET  /report/categories              the error taxonomy (category, default severity, block, retryable)
//   POST /report/jobs                    start a run                     -> 201 run
//   GET  /report/jobs/:id                read a run back                 -> run
//   POST /report/jobs/:id/logs           append log lines (413 over 5,000 lines / 1 MB: split)
//   POST /report/jobs/:id/errors         error events, classified and deduplicated in SQL
//   POST /report/jobs/:id/heartbeat      lease, progress, cursor, counter totals; learn about cancel requests
//   POST /report/jobs/:id/finish         end the run (identical repeat: same answer; different: 409)
// Access: categories for viewers; everything else for the service role or an operator.
// An Idempotency-Key header makes a repeat answer like the first request, which is stored once.
import { apiHandler, HttpError } from "../_shared/api.ts";
import { type Auth, type Caller, requireRole } from "../_shared/auth.ts";
import type { Sql, TransactionSql } from "../_shared/db.ts";
import { json } from "../_shared/http.ts";
import { jobsApi, type Json } from "../_shared/jobs/api.ts";
import {
  errorsSchema,
  finishSchema,
  heartbeatSchema,
  logsSchema,
  MAX_BODY_BYTES,
  MAX_IDEMPOTENCY_KEY,
  MAX_LOG_LINES,
  startSchema,
} from "../_shared/report/contract.ts";
import { type RouteContext, Router } from "../_shared/router.ts";
import { idParam, parseInput as parse, readJsonBody } from "../_shared/validation.ts";

export interface ReportDeps {
  sql: Sql;
  auth: Auth;
}

interface Answer {
  status: number;
  body: unknown;
}

type Db = Sql | TransactionSql;
type Ctx = RouteContext & { caller: Caller };
/** A validated write: runs later, inside the idempotency transaction when there is a key. */
type Work = (db: Db, caller: Caller, jobId: number) => Promise<Answer>;

const ok = (body: unknown): Answer => ({ status: 200, body });

/** The 413 that tells a client to split its batch, before the schema's own limit answers 400. */
function checkLineCount(value: unknown): void {
  const lines = (value as { lines?: unknown } | null)?.lines;
  if (Array.isArray(lines) && lines.length > MAX_LOG_LINES) {
    throw new HttpError(413, "payload_too_large", `${lines.length} lines in one batch; at most ${MAX_LOG_LINES}`, {
      details: { limit_lines: MAX_LOG_LINES, limit_bytes: MAX_BODY_BYTES },
    });
  }
}

// --- the writes: each validates its body and returns the work to do --------

function startRun(value: unknown): Work {
  const input = parse(startSchema, value);
  return async (db, caller) => {
    const [row] = await db<{ run: unknown }[]>`
      select ops.report_start(
        p_worker => ${input.worker ?? `external:${caller.actor}`}, p_source_key => ${input.source_key ?? null},
        p_type => ${input.type ?? null}, p_params => ${db.json((input.params ?? {}) as Json)},
        p_run_date => ${input.run_date ?? null}::date, p_parent_id => ${input.parent_id ?? null}::bigint,
        p_created_by => ${caller.actor}) as run`;
    return { status: 201, body: row.run };
  };
}

function appendLogs(value: unknown): Work {
  checkLineCount(value);
  const input = parse(logsSchema, value);
  return async (db, _caller, jobId) => ok(await jobsApi(db as Sql).appendLogs(jobId, input.lines));
}

function recordErrors(value: unknown): Work {
  const input = parse(errorsSchema, value);
  return async (db, _caller, jobId) => ok({ errors: await jobsApi(db as Sql).recordErrors(jobId, input.errors) });
}

function heartbeat(value: unknown): Work {
  const input = parse(heartbeatSchema, value);
  const j = (db: Db, v: unknown) => (v === undefined ? null : db.json(v as Json));
  return async (db, _caller, jobId) => {
    const [answer] = await db`
      select * from ops.report_heartbeat(${jobId}, ${input.progress?.done ?? null}::integer,
        ${input.progress?.total ?? null}::integer, ${j(db, input.cursor)}::jsonb, ${j(db, input.totals)}::jsonb)`;
    return ok(answer);
  };
}

function finish(value: unknown): Work {
  const input = parse(finishSchema, value);
  const j = (db: Db, v: unknown) => (v === undefined ? null : db.json(v as Json));
  return async (db, _caller, jobId) => {
    const [row] = await db<{ run: unknown }[]>`
      select ops.report_finish(${jobId}, ${input.status}, ${j(db, input.result)}::jsonb, ${input.error ?? null},
        ${input.error_category ?? null}, ${j(db, input.totals)}::jsonb) as run`;
    return ok(row.run);
  };
}

// --- idempotency -------------------------------------------------------------

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Runs `work` with the request's Idempotency-Key: in one transaction with the
 * key, so a repeat (even after a crash between the write and the answer) gets
 * the stored answer and writes nothing (ops.idempotency_begin).
 */
async function withIdempotencyKey(
  sql: Sql,
  key: string,
  route: string,
  requestHash: string,
  run: (db: Db) => Promise<Answer>,
): Promise<Answer & { replayed: boolean }> {
  if (key.length > MAX_IDEMPOTENCY_KEY) {
    throw new HttpError(400, "invalid_input", `the Idempotency-Key is longer than ${MAX_IDEMPOTENCY_KEY} characters`, {
      fields: { "Idempotency-Key": [`at most ${MAX_IDEMPOTENCY_KEY} characters`] },
    });
  }
  return await sql.begin(async (tx) => {
    const [claim] = await tx<{ state: string; status_code: number | null; response: unknown }[]>`
      select * from ops.idempotency_begin(${key}, ${route}, ${requestHash})`;
    if (claim.state === "mismatch") {
      throw new HttpError(422, "idempotency_key_reused", "this Idempotency-Key was used for a different request");
    }
    if (claim.state === "replay") return { status: claim.status_code ?? 200, body: claim.response, replayed: true };
    const fresh = await run(tx);
    await tx`select ops.idempotency_complete(${key}, ${fresh.status}, ${
      tx.json(fresh.body as Parameters<Sql["json"]>[0])
    }::jsonb)`;
    return { ...fresh, replayed: false };
  }) as Answer & { replayed: boolean };
}

// --- wiring ------------------------------------------------------------------

export function createReportHandler({ sql, auth }: ReportDeps) {
  /** Operator check, job id, body, validation (a 400 writes nothing), then the work, with or without a key. */
  const write = (route: string, validate: (value: unknown) => Work) => async (ctx: Ctx): Promise<Response> => {
    const denied = requireRole(ctx.caller, "operator");
    if (denied) return denied;
    const jobId = ctx.params.id === undefined ? 0 : idParam(ctx.params.id, "job_id");
    const body = await readJsonBody(ctx.request, MAX_BODY_BYTES);
    const work = validate(body.data);
    const key = ctx.request.headers.get("idempotency-key");
    if (key === null) {
      const answer = await work(sql, ctx.caller, jobId);
      return json(answer.body, answer.status);
    }
    const requestHash = await sha256(`${ctx.url.pathname}\n${body.text}`);
    const answer = await withIdempotencyKey(sql, key, route, requestHash, (db) => work(db, ctx.caller, jobId));
    return json(answer.body, answer.status, { "idempotency-replayed": String(answer.replayed) });
  };

  const router = new Router<{ caller: Caller }>("report")
    .on("GET", "/categories", async () => {
      const categories = await sql`
        select category, description, default_severity, is_block, retryable
          from ops.error_categories order by category`;
      return json({ categories });
    })
    .on("POST", "/jobs", write("POST /jobs", startRun))
    .on("GET", "/jobs/:id", async ({ caller, params }) => {
      const denied = requireRole(caller, "operator");
      if (denied) return denied;
      const [row] = await sql<{ run: unknown }[]>`select ops.report_run(${idParam(params.id, "job_id")}) as run`;
      return json(row.run);
    })
    .on("POST", "/jobs/:id/logs", write("POST /jobs/:id/logs", appendLogs))
    .on("POST", "/jobs/:id/errors", write("POST /jobs/:id/errors", recordErrors))
    .on("POST", "/jobs/:id/heartbeat", write("POST /jobs/:id/heartbeat", heartbeat))
    .on("POST", "/jobs/:id/finish", write("POST /jobs/:id/finish", finish));

  return apiHandler({
    router,
    auth,
    // heartbeats carry totals and a finish repeats identically: both are safe to repeat as they are
    idempotent: (request) =>
      request.method === "GET" || request.headers.has("idempotency-key") ||
      /\/(heartbeat|finish)\/?$/.test(new URL(request.url).pathname),
  });
}
