// Who is calling: the JWT in the Authorization header (or a token the caller
// passes where headers are impossible), verified with the project's JWT secret.
// Ops roles: service (the service_role key), operator and viewer (a signed-in
// user's app_metadata.ops_role). Anon: 401; signed in with the wrong role: 403.
import type { Claims } from "./db.ts";
import { errorResponse } from "./http.ts";
import { verifyJwt } from "./jwt.ts";

export type OpsRole = "viewer" | "operator" | "service";

export interface Caller {
  opsRole: OpsRole | null;
  /** Who, for audit rows and job records: email, else subject, else the role. */
  actor: string;
  claims: Claims;
}

const RANK: Record<OpsRole, number> = { viewer: 1, operator: 2, service: 3 };

export function bearerToken(request: Request): string | null {
  const header = request.headers.get("authorization");
  if (!header) return null;
  const [scheme, token] = header.split(" ");
  return scheme?.toLowerCase() === "bearer" && token ? token : null;
}

/** The caller these verified claims describe; null for anon or an unknown role. */
export function callerFromClaims(claims: Claims): Caller | null {
  if (claims.role === "service_role") return { opsRole: "service", actor: "service_role", claims };
  if (claims.role !== "authenticated") return null;
  const metadata = (claims.app_metadata ?? {}) as Record<string, unknown>;
  const opsRole = metadata.ops_role === "viewer" || metadata.ops_role === "operator" ? metadata.ops_role : null;
  return { opsRole, actor: String(claims.email ?? claims.sub ?? "authenticated"), claims };
}

/** A Caller, or the 401 response to return. */
export async function authenticate(token: string | null, jwtSecret: string): Promise<Caller | Response> {
  if (!token) return errorResponse(401, "unauthorized", "missing bearer token");
  const verified = await verifyJwt(token, jwtSecret);
  if (!verified.ok) return errorResponse(401, "unauthorized", verified.message);
  return callerFromClaims(verified.payload as Claims) ?? errorResponse(401, "unauthorized", "sign in required");
}

/** null when the caller holds at least `minimum`, else the 403 response. */
export function requireRole(caller: Caller, minimum: OpsRole): Response | null {
  if (caller.opsRole && RANK[caller.opsRole] >= RANK[minimum]) return null;
  return errorResponse(403, "forbidden", `requires the ${minimum} role`, {
    details: { role: caller.opsRole },
  });
}
