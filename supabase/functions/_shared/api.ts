// The shape every API function shares: CORS preflight, authentication (at
// least the viewer role), routing (which checks the URL's text), and errors
// mapped to HTTP. Handlers throw HttpError for input they reject; SQL errors
// map through db-errors.ts, so a handler never catches them itself.
import { type Auth, type Caller, requireRole } from "./auth.ts";
import { isTransientDbError, sqlErrorResponse } from "./db-errors.ts";
import { type ErrorCode, type ErrorExtra, errorResponse, preflight } from "./http.ts";
import type { Router } from "./router.ts";

export class HttpError extends Error {
  constructor(readonly status: number, readonly code: ErrorCode, message: string, readonly extra: ErrorExtra = {}) {
    super(message);
  }
}

/** 400 naming each failing field. */
export function invalidInput(fields: Record<string, string[]>, message = "some fields are missing or invalid") {
  return new HttpError(400, "invalid_input", message, { fields });
}

export interface ApiOptions {
  router: Router<{ caller: Caller }>;
  auth: Auth;
  /** Replaces header authentication (e.g. to also accept a stream token). */
  authenticateRequest?: (request: Request) => Promise<Caller | Response>;
  /**
   * Whether repeating this request as it is changes nothing twice: told to the
   * client with every retryable error. Default: GET, or an Idempotency-Key header.
   */
  idempotent?: (request: Request) => boolean;
}

/** Seconds a client should wait before retrying a 5xx. */
export const RETRY_AFTER_SECONDS = 1;

const idempotentByDefault = (request: Request) =>
  request.method === "GET" || request.headers.has("idempotency-key");

/** A 5xx with Retry-After and `details.retry`: whether and when to repeat the request. */
function retryableError(status: number, code: ErrorCode, message: string, idempotent: boolean): Response {
  const response = errorResponse(status, code, message, {
    details: { retry: { after_seconds: RETRY_AFTER_SECONDS, idempotent } },
  });
  response.headers.set("retry-after", String(RETRY_AFTER_SECONDS));
  return response;
}

/** The HTTP answer for anything a handler throws: HttpError, a mapped SQL error, a retryable 5xx. */
function errorToResponse(error: unknown, request: Request, functionName: string, idempotent: boolean): Response {
  if (error instanceof HttpError) return errorResponse(error.status, error.code, error.message, error.extra);
  const mapped = sqlErrorResponse(error);
  if (mapped) return mapped;
  if (isTransientDbError(error)) {
    return retryableError(503, "database_unavailable", "the database is unavailable", idempotent);
  }
  console.error(`${functionName}: unexpected error (${request.method})`, error);
  return retryableError(500, "internal_error", "unexpected error", idempotent);
}

export function apiHandler(
  { router, auth, authenticateRequest, idempotent = idempotentByDefault }: ApiOptions,
) {
  return async (request: Request): Promise<Response> => {
    const cors = preflight(request);
    if (cors) return cors;
    try {
      const caller = authenticateRequest
        ? await authenticateRequest(request)
        : await auth.authenticate(request);
      if (caller instanceof Response) return caller;
      const denied = requireRole(caller, "viewer");
      if (denied) return denied;
      return await router.handle(request, { caller });
    } catch (error) {
      return errorToResponse(error, request, router.functionName, idempotent(request));
    }
  };
}
