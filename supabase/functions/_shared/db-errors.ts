// SQL errors raised by ops.* functions, mapped to HTTP: the contract between the
// SQL write API (see supabase/migrations/20261122001000_job_api_foundations.sql)
// and every function. MESSAGE is a sentence; DETAIL, when JSON, carries a
// `code` and the facts, returned to the client as `details`.
import { errorResponse } from "./http.ts";

export const SQLSTATE_HTTP: Record<string, { status: number; code: string }> = {
  P0400: { status: 400, code: "invalid_argument" },
  P0404: { status: 404, code: "not_found" },
  P0409: { status: 409, code: "job_type_busy" },
  P0413: { status: 413, code: "payload_too_large" },
  P0419: { status: 409, code: "job_finished" },
  P0423: { status: 409, code: "job_not_owned" },
  "42501": { status: 403, code: "forbidden" },
  // column checks and bad casts reached by client input
  "22023": { status: 400, code: "invalid_argument" },
  "22P02": { status: 400, code: "invalid_argument" },
  "23514": { status: 400, code: "invalid_argument" },
  "23502": { status: 400, code: "invalid_argument" },
};

export interface SqlApiError {
  sqlstate: string;
  status: number;
  code: string;
  message: string;
  details: Record<string, unknown>;
}

/** The API error a postgres.js error stands for, or null for an unexpected one. */
export function parseSqlError(error: unknown): SqlApiError | null {
  if (!error || typeof error !== "object") return null;
  // already parsed by the job harness (jobs/errors.ts JobApiError)
  const parsed = error as { sqlstate?: string; status?: number; code?: string; message?: string; detail?: unknown };
  if (typeof parsed.sqlstate === "string" && typeof parsed.status === "number") {
    return {
      sqlstate: parsed.sqlstate,
      status: parsed.status,
      code: parsed.code ?? "error",
      message: parsed.message ?? "",
      details: (parsed.detail ?? {}) as Record<string, unknown>,
    };
  }
  const e = error as { code?: string; message?: string; detail?: string };
  const mapped = e.code ? SQLSTATE_HTTP[e.code] : undefined;
  if (!mapped) return null;
  let details: Record<string, unknown> = {};
  if (e.detail?.startsWith("{")) {
    try {
      details = JSON.parse(e.detail);
    } catch {
      // a DETAIL that is not JSON stays out of the answer
    }
  }
  const { code, ...facts } = details;
  return {
    sqlstate: e.code!,
    status: mapped.status,
    code: typeof code === "string" ? code : mapped.code,
    message: e.message ?? mapped.code,
    details: facts,
  };
}

/**
 * The HTTP answer for a known SQL error, or null (let it be a 500). The failing
 * field(s) a DETAIL names (`field`, or `fields` as `{path: [messages]}`) become
 * the answer's `fields`, like a 400 from input validation; other facts are `details`.
 */
export function sqlErrorResponse(error: unknown): Response | null {
  const parsed = parseSqlError(error);
  if (!parsed) return null;
  const { field, fields, ...facts } = parsed.details;
  const named = fields && typeof fields === "object"
    ? fields
    : typeof field === "string"
    ? { [field]: [parsed.message] }
    : undefined;
  return errorResponse(parsed.status, parsed.code, parsed.message, {
    ...(named ? { fields: named } : {}),
    ...(Object.keys(facts).length ? { details: facts } : {}),
  });
}

// Connection loss, restarts, overload, serialization failures and deadlocks:
// the request did not take effect (its transaction rolled back) and a retry may succeed.
const TRANSIENT_SQLSTATE = /^(08|53|57P0[1-3]|40001|40P01|55P03)/;
const TRANSIENT_CLIENT = new Set([
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "CONNECT_TIMEOUT",
  "ECONNREFUSED",
  "ECONNRESET",
]);

/** Whether a postgres.js error is one a client may simply retry. */
export function isTransientDbError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && (TRANSIENT_SQLSTATE.test(code) || TRANSIENT_CLIENT.has(code));
}
