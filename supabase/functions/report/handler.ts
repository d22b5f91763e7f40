// POST endpoints for scrapers that run elsewhere (a VM with a browser, a
// laptop) to report through the same contract as the harness:
//   POST /report/jobs                    start a run (scrape job + scrape run for a source_key, or an external job)
//   POST /report/jobs/:id/logs           append a batch of log lines (max 5,000 lines / 1 MB, else 413)
//   POST /report/jobs/:id/errors         report error events (classified and deduplicated in SQL)
//   POST /report/jobs/:id/heartbeat      keep the lease; progress, cursor, metrics; learn about cancel requests
//   POST /report/jobs/:id/finish         end the run (409 when finished differently before)
// Access: the service role key or an operator's JWT (401 without, 403 for others).
// An Idempotency-Key header makes a retry answer like the first request, which is stored once.
import type { z } from "zod";
import { HttpError } from "../_shared/api.ts";
import { authenticate, bearerToken, requireRole } from "../_shared/auth.ts";
import type { Sql, TransactionSql } from "../_shared/db.ts";
import { sqlErrorResponse } from "../_shared/db-errors.ts";
import { errorResponse, json, preflight } from "../_shared/http.ts";
import { jobsApi, type Json, type ScrapeMetrics } from "../_shared/jobs/api.ts";
import { fieldErrors, readJsonBody } from "../_shared/validation.ts";
import {
  errorsSchema,
  finishSchema,
  heartbeatSchema,
  logsSchema,
  MAX_BODY_BYTES,
  MAX_LOG_LINES,
  startSchema,
} from "./schemas.ts";

export interface ReportDeps {
  sql: Sql;
  jwtSecret: string;
}

interface Answer {
  status: number;
  body: unknown;
}

function parse<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new HttpError(400, "invalid_input", "some fields are missing or invalid", {
      fields: fieldErrors(result.error),
    });
  }
  return result.data;
}

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

export function createReportHandler({ sql, jwtSecret }: ReportDeps) {
  return async (request: Request): Promise<Response> => {
    const cors = preflight(request);
    if (cors) return cors;
    try {
      const caller = await authenticate(bearerToken(request), jwtSecret);
      if (caller instanceof Response) return caller;
      const denied = requireRole(caller, "operator");
      if (denied) return denied;
      if (request.method !== "POST") throw new HttpError(405, "method_not_allowed", "use POST");

      const path = new URL(request.url).pathname.replace(/\/+$/, "");
      const match = path.match(/^\/report\/jobs(?:\/([^/]+)(?:\/([a-z]+))?)?$/);
      if (!match) throw new HttpError(404, "not_found", `no route POST ${path}`);
      const [, rawId, action] = match;
      if (rawId !== undefined && !action) throw new HttpError(404, "not_found", `no route POST ${path}`);
      let jobId: number | undefined;
      if (rawId !== undefined) {
        if (!/^[1-9][0-9]{0,15}$/.test(rawId)) {
          throw new HttpError(400, "invalid_input", "the job id must be a positive integer", {
            fields: { job_id: ["must be a positive integer"] },
          });
        }
        jobId = Number(rawId);
      }
      const route = action ? `POST /jobs/:id/${action}` : "POST /jobs";
      if (action && !["logs", "errors", "heartbeat", "finish"].includes(action)) {
        throw new HttpError(404, "not_found", `no route POST ${path}`);
      }

      const body = await readJsonBody(request, MAX_BODY_BYTES);
      const value = body.data as Record<string, unknown>;
      if (action === "logs" && Array.isArray(value?.lines) && value.lines.length > MAX_LOG_LINES) {
        throw new HttpError(
          413,
          "payload_too_large",
          `${value.lines.length} lines in one batch; at most ${MAX_LOG_LINES}`,
          { details: { limit_lines: MAX_LOG_LINES } },
        );
      }

      // validate everything before touching the database: a 400 writes nothing
      let work: (tx: Sql | TransactionSql) => Promise<Answer>;
      switch (action) {
        case undefined: {
          const input = parse(startSchema, value);
          work = async (tx) => {
            const api = jobsApi(tx as Sql);
            let sourceId: number | undefined;
            if (input.source_key) {
              const [source] = await tx<
                { id: number }[]
              >`select id from ops.sources where key = ${input.source_key}`;
              if (!source) {
                throw new HttpError(404, "not_found", `unknown source ${input.source_key}`, {
                  details: { entity: "source" },
                });
              }
              sourceId = source.id;
            }
            const job = await api.startJob({
              type: input.type ?? (sourceId ? "scrape" : "external"),
              worker: input.worker ?? `external:${caller.actor}`,
              params: (input.params ?? {}) as Json,
              sourceId,
              parentId: input.parent_id,
              runDate: input.run_date,
              createdBy: caller.actor,
            });
            return { status: 201, body: { job } };
          };
          break;
        }
        case "logs": {
          const input = parse(logsSchema, value);
          work = async (tx) => ({
            status: 200,
            body: await jobsApi(tx as Sql).appendLogs(jobId!, input.lines),
          });
          break;
        }
        case "errors": {
          const input = parse(errorsSchema, value);
          work = async (tx) => ({
            status: 200,
            body: { errors: await jobsApi(tx as Sql).recordErrors(jobId!, input.errors) },
          });
          break;
        }
        case "heartbeat": {
          const input = parse(heartbeatSchema, value);
          work = async (tx) => ({
            status: 200,
            body: await jobsApi(tx as Sql).heartbeat(jobId!, {
              worker: input.worker,
              progressDone: input.progress?.done,
              progressTotal: input.progress?.total,
              cursor: input.cursor as Json | undefined,
              metrics: input.metrics as ScrapeMetrics | undefined,
            }),
          });
          break;
        }
        default: {
          const input = parse(finishSchema, value);
          work = async (tx) => ({
            status: 200,
            body: await jobsApi(tx as Sql).finish(jobId!, {
              status: input.status,
              result: input.result as Json | undefined,
              error: input.error,
              errorCategory: input.error_category,
              metrics: input.metrics as ScrapeMetrics | undefined,
              worker: input.worker,
            }),
          });
        }
      }

      const key = request.headers.get("idempotency-key");
      if (!key) {
        const answer = await work(sql);
        return json(answer.body, answer.status);
      }
      if (key.length > 200) {
        throw new HttpError(400, "invalid_input", "the Idempotency-Key is longer than 200 characters", {
          fields: { "Idempotency-Key": ["at most 200 characters"] },
        });
      }
      const requestHash = await sha256(`${path}\n${body.text}`);
      const answer = await sql.begin(async (tx) => {
        const [claim] = await tx<{ state: string; status_code: number | null; response: unknown }[]>`
          select * from ops.idempotency_begin(${key}, ${route}, ${requestHash})`;
        if (claim.state === "mismatch") {
          throw new HttpError(
            422,
            "idempotency_key_reused",
            "this Idempotency-Key was used for a different request",
          );
        }
        if (claim.state === "replay") {
          return { status: claim.status_code ?? 200, body: claim.response, replayed: true };
        }
        const fresh = await work(tx);
        await tx`select ops.idempotency_complete(${key}, ${fresh.status}, ${
          tx.json(fresh.body as Parameters<Sql["json"]>[0])
        }::jsonb)`;
        return { ...fresh, replayed: false };
      }) as Answer & { replayed: boolean };
      return json(answer.body, answer.status, { "idempotency-replayed": String(answer.replayed) });
    } catch (error) {
      return toResponse(error);
    }
  };
}

function toResponse(error: unknown): Response {
  if (error instanceof HttpError) return errorResponse(error.status, error.code, error.message, error.extra);
  const mapped = sqlErrorResponse(error);
  if (mapped) return mapped;
  console.error("report failed:", error);
  return errorResponse(500, "internal_error", "internal error");
}
