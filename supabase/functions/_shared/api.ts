// The shape every API function shares: CORS preflight, authentication (at
// least the viewer role), the URL's text checked, routing, and errors mapped
// to HTTP. Handlers throw HttpError for input they reject; SQL errors map
// through db-errors.ts, so a handler never catches them itself.
import { authenticate, bearerToken, type Caller, requireRole } from "./auth.ts";
import { sqlErrorResponse } from "./db-errors.ts";
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
  jwtSecret: string;
  /** Replaces header authentication (e.g. to also accept a stream token). */
  authenticateRequest?: (request: Request) => Promise<Caller | Response>;
}

/** The HTTP answer for anything a handler throws: HttpError, a mapped SQL error, else 500. */
export function errorToResponse(error: unknown, functionName: string): Response {
  if (error instanceof HttpError) return errorResponse(error.status, error.code, error.message, error.extra);
  const mapped = sqlErrorResponse(error);
  if (mapped) return mapped;
  console.error(`${functionName}: unexpected error`, error);
  return errorResponse(500, "internal_error", "unexpected error");
}

export function apiHandler({ router, jwtSecret, authenticateRequest }: ApiOptions) {
  return async (request: Request): Promise<Response> => {
    const cors = preflight(request);
    if (cors) return cors;
    try {
      const caller = authenticateRequest
        ? await authenticateRequest(request)
        : await authenticate(bearerToken(request), jwtSecret);
      if (caller instanceof Response) return caller;
      const denied = requireRole(caller, "viewer");
      if (denied) return denied;
      return await router.handle(request, { caller });
    } catch (error) {
      return errorToResponse(error, router.functionName);
    }
  };
}
