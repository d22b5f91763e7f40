// The write API's error conventions (see supabase/migrations/20261122001000_job_api_foundations.sql):
// custom SQLSTATEs with a JSON DETAIL, mapped 1:1 to HTTP statuses.

/** SQLSTATE -> HTTP status and error code of the write API. */
export const SQLSTATE_HTTP: Record<string, { status: number; code: string }> = {
  P0400: { status: 400, code: "invalid_argument" },
  P0404: { status: 404, code: "not_found" },
  P0409: { status: 409, code: "job_type_busy" },
  P0413: { status: 413, code: "payload_too_large" },
  P0419: { status: 409, code: "job_finished" },
  P0423: { status: 409, code: "job_not_owned" },
  "42501": { status: 403, code: "forbidden" },
};

/** A write-API error raised by one of the ops.* SQL functions. */
export class JobApiError extends Error {
  constructor(
    readonly sqlstate: string,
    readonly status: number,
    readonly code: string,
    message: string,
    readonly detail: Record<string, unknown>,
  ) {
    super(message);
    this.name = "JobApiError";
  }
}

/** Turns a postgres.js error from an ops.* function into a JobApiError; other errors come back unchanged. */
export function toJobApiError(error: unknown): unknown {
  if (!error || typeof error !== "object") return error;
  const e = error as { code?: string; message?: string; detail?: string };
  const mapped = e.code ? SQLSTATE_HTTP[e.code] : undefined;
  if (!mapped) return error;
  let detail: Record<string, unknown> = {};
  if (e.detail?.startsWith("{")) {
    try {
      detail = JSON.parse(e.detail);
    } catch {
      // keep the empty detail
    }
  }
  const code = typeof detail.code === "string" ? detail.code : mapped.code;
  return new JobApiError(e.code!, mapped.status, code, e.message ?? code, detail);
}

/** Awaits a database call and rethrows write-API errors as JobApiError. */
export async function mapErrors<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    throw toJobApiError(error);
  }
}
