// The shape every API function shares: CORS preflight, authentication (at
// least the viewer role), routing, and errors mapped to HTTP. Handlers throw
// HttpError for input they reject; SQL errors map through db-errors.ts.
import { type Auth, type Caller, requireRole } from "./auth.ts";
import { sqlErrorResponse } from "./db-errors.ts";
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
}

export function apiHandler({ router, auth, authenticateRequest }: ApiOptions) {
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
      console.error(`${router.functionName}: unexpected error`, error);
      return errorResponse(500, "internal_error", "unexpected error");
    }
  };
}
