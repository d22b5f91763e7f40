// SQL errors mapped to HTTP, in one place for every function: the contract
// between the SQL write API (see supabase/migrations/20261122001000_job_api_foundations.sql)
// and the API. MESSAGE is a sentence; DETAIL, when JSON, carries a `code`, the
// failing `field` (or several as `fields`: {path: [messages]}) and the facts,
// returned as `fields` and `details`. PostgreSQL's
// own errors that client input can cause (bad text or values, limits, checks)
// are 4xx by class, so no handler maps them itself and none becomes a 500.
// SQLSTATE classes: https://www.postgresql.org/docs/15/errcodes-appendix.html
import { ERROR_CODES, type ErrorCode, errorResponse } from "./http.ts";

interface Mapping {
  status: number;
  code: ErrorCode;
}

/** The project's own SQLSTATEs (raised by ops_private.api_error) and specific PostgreSQL ones. */
export const SQLSTATE_HTTP: Record<string, Mapping> = {
  P0400: { status: 400, code: "invalid_input" },
  P0404: { status: 404, code: "not_found" },
  P0409: { status: 409, code: "job_type_busy" },
  P0413: { status: 413, code: "payload_too_large" },
  P0419: { status: 409, code: "job_finished" },
  P0423: { status: 409, code: "job_not_owned" },
  "42501": { status: 403, code: "forbidden" }, // insufficient_privilege: RLS or a grant said no
  "23505": { status: 409, code: "conflict" }, // unique_violation
  "23503": { status: 400, code: "invalid_input" }, // foreign_key_violation: a reference to nothing
  "54001": { status: 400, code: "invalid_input" }, // statement_too_complex: nesting too deep
  "54000": { status: 400, code: "invalid_input" }, // program_limit_exceeded: e.g. a value too large to index
};

/**
 * By SQLSTATE class, for codes not listed above: 22 data exception (22021 bad text, 22P05 NUL in jsonb,
 * 22008 date out of range, 22003 number out of range, 22P02 bad literal, ...) and 23 integrity
 * (check, not-null) are about the values the client sent.
 */
const SQLSTATE_CLASS_HTTP: Record<string, Mapping> = {
  "22": { status: 400, code: "invalid_input" },
  "23": { status: 400, code: "invalid_input" },
};

export interface SqlApiError {
  sqlstate: string;
  status: number;
  code: ErrorCode;
  message: string;
  fields: Record<string, string[]>;
  details: Record<string, unknown>;
}

function mappingFor(sqlstate: string): Mapping | undefined {
  return SQLSTATE_HTTP[sqlstate] ?? SQLSTATE_CLASS_HTTP[sqlstate.slice(0, 2)];
}

/** The API error a postgres.js error stands for, or null for an unexpected one. */
export function parseSqlError(error: unknown): SqlApiError | null {
  if (!error || typeof error !== "object") return null;
  // already parsed by the job harness (jobs/errors.ts JobApiError)
  const parsed = error as { sqlstate?: string; status?: number; code?: ErrorCode; message?: string; detail?: unknown };
  if (typeof parsed.sqlstate === "string" && typeof parsed.status === "number") {
    const { fields, ...details } = (parsed.detail ?? {}) as Record<string, unknown>;
    return {
      sqlstate: parsed.sqlstate,
      status: parsed.status,
      code: parsed.code ?? "invalid_input",
      message: parsed.message ?? "",
      fields: (fields ?? {}) as Record<string, string[]>,
      details,
    };
  }
  const e = error as { code?: string; message?: string; detail?: string };
  const mapped = typeof e.code === "string" ? mappingFor(e.code) : undefined;
  if (!mapped) return null;
  let detail: Record<string, unknown> = {};
  if (e.code!.startsWith("P0") && e.detail?.startsWith("{")) {
    try {
      detail = JSON.parse(e.detail);
    } catch {
      // a DETAIL that is not JSON stays out of the answer
    }
  }
  const { code, field, fields, ...facts } = detail;
  const message = e.message ?? mapped.code;
  // A project code names a specific case (job_type_busy, not_found); SQL's generic 'invalid_argument'
  // is this API's invalid_input.
  const known = typeof code === "string" && code in ERROR_CODES && ERROR_CODES[code as ErrorCode] === mapped.status;
  return {
    sqlstate: e.code!,
    status: mapped.status,
    code: known ? code as ErrorCode : mapped.code,
    message,
    fields: fields && typeof fields === "object"
      ? fields as Record<string, string[]>
      : typeof field === "string"
      ? { [field]: [message] }
      : {},
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
  return errorResponse(parsed.status, parsed.code, parsed.message, { fields: parsed.fields, details: parsed.details });
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
