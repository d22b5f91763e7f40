// HTTP helpers shared by every function: CORS, JSON responses, the one error shape.
export const corsHeaders: Record<string, string> = {
  "access-control-allow-origin": "*",
  "access-control-allow-headers": "authorization, x-client-info, apikey, content-type, idempotency-key, last-event-id",
  "access-control-allow-methods": "GET, POST, PATCH, DELETE, OPTIONS",
};

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { ...corsHeaders, "content-type": "application/json; charset=utf-8", ...headers },
  });
}

/**
 * Every error code an API function answers with (the `code` of the error shape), and its status.
 * SQL errors arrive with the codes of db-errors.ts, which are part of this list.
 */
export const ERROR_CODES = {
  invalid_input: 400, // with `fields`: each failing field (body, query parameter or path segment)
  invalid_json: 400, // the body is not JSON (or not UTF-8)
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  job_type_busy: 409, // an exclusive job type runs: `details` has the running job
  job_finished: 409,
  job_not_owned: 409,
  source_paused: 409,
  conflict: 409,
  counters_decreased: 400, // report API: a running total went down (`fields` names the counters)
  payload_too_large: 413,
  idempotency_key_reused: 422, // an Idempotency-Key sent again with a different request
  invalid_rows: 422, // mirror: a row violates the export schema (`details.issues`)
  internal_error: 500, // `details.retry` says whether repeating the request is safe
  database_unavailable: 503, // transient: retry after Retry-After
  auth_unavailable: 503, // the signing keys (JWKS) cannot be fetched: retry shortly
  export_failed: 502,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** `fields`: failing field -> messages; `details`: facts about the error (the conflicting job, limits, ...). */
export interface ErrorExtra {
  fields?: Record<string, string[]>;
  details?: Record<string, unknown>;
}

/** `{"error": {"code", "message", "fields"?, "details"?}}` */
export function errorBody(code: ErrorCode, message: string, { fields, details }: ErrorExtra = {}) {
  return {
    error: {
      code,
      message,
      ...(fields && Object.keys(fields).length ? { fields } : {}),
      ...(details && Object.keys(details).length ? { details } : {}),
    },
  };
}

export function errorResponse(status: number, code: ErrorCode, message: string, extra: ErrorExtra = {}): Response {
  return json(errorBody(code, message, extra), status);
}

/** Answers CORS preflight requests; null for every other method. */
export function preflight(request: Request): Response | null {
  return request.method === "OPTIONS" ? new Response("ok", { headers: corsHeaders }) : null;
}
