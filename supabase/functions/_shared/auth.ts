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
  return errorResponse(403, "forbidden", `requires the ${minimum} role`, { role: caller.opsRole });
}

// ---------------------------------------------------------------------------
// Who is calling, from the bearer token alone (the report function): the
// signature was verified by the gateway (verify_jwt = true in config.toml;
// scripts/functions-server locally), so here the payload is only decoded.
// ---------------------------------------------------------------------------
export interface RequestCaller {
  /** JWT role claim: anon, authenticated or service_role. */
  role: string;
  /** The ops role: service (service_role key), or app_metadata.ops_role of a signed-in user. */
  opsRole: OpsRole | null;
  /** User id (sub), or "service_role". */
  actor: string;
  claims: Record<string, unknown>;
}

function decodePayload(token: string): Record<string, unknown> | null {
  const part = token.split(".")[1];
  if (!part) return null;
  try {
    const base64 = part.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(part.length / 4) * 4, "=");
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const payload = JSON.parse(new TextDecoder().decode(bytes));
    return payload && typeof payload === "object" ? payload : null;
  } catch {
    return null;
  }
}

/** The caller of a request, or null without a usable bearer token. */
export function callerFromRequest(request: Request): RequestCaller | null {
  const header = request.headers.get("authorization") ?? "";
  const [scheme, token] = header.split(" ");
  if (scheme?.toLowerCase() !== "bearer" || !token) return null;
  const claims = decodePayload(token);
  if (!claims || typeof claims.role !== "string") return null;
  const role = claims.role;
  const appMetadata = (claims.app_metadata ?? {}) as Record<string, unknown>;
  let opsRole: OpsRole | null = null;
  if (role === "service_role") opsRole = "service";
  else if (
    role === "authenticated" && (appMetadata.ops_role === "operator" || appMetadata.ops_role === "viewer")
  ) {
    opsRole = appMetadata.ops_role;
  }
  const actor = typeof claims.sub === "string" ? claims.sub : role;
  return { role, opsRole, actor, claims };
}
