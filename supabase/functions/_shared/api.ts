// The shape every API function shares: CORS preflight, authentication (at
// least the viewer role), routing, and errors mapped to HTTP. Handlers throw
// HttpError for input they reject; SQL errors map through db-errors.ts.
import { type Auth, type Caller, requireRole } from "./auth.ts";
import { isTransientDbError, sqlErrorResponse } from "./db-errors.ts";
import { errorResponse, preflight } from "./http.ts";
import type { Router } from "./router.ts";

export class HttpError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly details = {}) {
    super(message);
  }
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
function retryableError(status: number, code: string, message: string, idempotent: boolean): Response {
  const response = errorResponse(status, code, message, {
    details: { retry: { after_seconds: RETRY_AFTER_SECONDS, idempotent } },
  });
  response.headers.set("retry-after", String(RETRY_AFTER_SECONDS));
  return response;
}

export function apiHandler(
  { router, auth, authenticateRequest, idempotent = idempotentByDefault }: ApiOptions,
) {
  return async (request: Request): Promise<Response> => {
    const cors = preflight(request);
    if (cors) return cors;
    const caller = authenticateRequest
      ? await authenticateRequest(request)
      : await auth.authenticate(request);
    if (caller instanceof Response) return caller;
    const denied = requireRole(caller, "viewer");
    if (denied) return denied;
    try {
      return await router.handle(request, { caller });
    } catch (error) {
      if (error instanceof HttpError) return errorResponse(error.status, error.code, error.message, error.details);
      const mapped = sqlErrorResponse(error);
      if (mapped) return mapped;
      if (isTransientDbError(error)) {
        return retryableError(503, "database_unavailable", "the database is unavailable", idempotent(request));
      }
      console.error(`${router.functionName}: unexpected error`, error);
      return retryableError(500, "internal_error", "unexpected error", idempotent(request));
    }
  };
}
