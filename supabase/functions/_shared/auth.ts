// Who is calling, from the bearer token. The signature was verified by the
// gateway (verify_jwt = true in config.toml; scripts/functions-server locally),
// so here the payload is only decoded.
export type OpsRole = "service" | "operator" | "viewer" | null;

export interface Caller {
  /** JWT role claim: anon, authenticated or service_role. */
  role: string;
  /** The ops role: service (service_role key), or app_metadata.ops_role of a signed-in user. */
  opsRole: OpsRole;
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
export function callerFromRequest(request: Request): Caller | null {
  const header = request.headers.get("authorization") ?? "";
  const [scheme, token] = header.split(" ");
  if (scheme?.toLowerCase() !== "bearer" || !token) return null;
  const claims = decodePayload(token);
  if (!claims || typeof claims.role !== "string") return null;
  const role = claims.role;
  const appMetadata = (claims.app_metadata ?? {}) as Record<string, unknown>;
  let opsRole: OpsRole = null;
  if (role === "service_role") opsRole = "service";
  else if (
    role === "authenticated" && (appMetadata.ops_role === "operator" || appMetadata.ops_role === "viewer")
  ) {
    opsRole = appMetadata.ops_role;
  }
  const actor = typeof claims.sub === "string" ? claims.sub : role;
  return { role, opsRole, actor, claims };
}
