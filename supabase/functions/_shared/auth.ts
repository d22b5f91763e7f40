// Who is calling. Every function authenticates its callers itself (verify_jwt
// is off in config.toml: the gateway check only understands JWTs, and the new
// API keys are not JWTs; Supabase docs "Securing Edge Functions",
// guides/functions/auth, and "Authorization headers", guides/functions/auth-headers).
//
// Accepted credentials, in this order:
//  1. a secret API key (`sb_secret_...`) in the `apikey` header, compared in
//     constant time with the keys in SUPABASE_SECRET_KEYS: the service role;
//  2. a user's JWT in `Authorization: Bearer`, signed with the project's
//     asymmetric keys (ES256/RS256) and verified against its JWKS with jose:
//     issuer <SUPABASE_URL>/auth/v1, audience `authenticated`, `exp` required,
//     `exp`/`nbf` numbers and enforced;
//  3. legacy, while a project still has them: the legacy service_role key
//     (SUPABASE_SERVICE_ROLE_KEY, compared in constant time) and, only when
//     OPS_LEGACY_JWT_SECRET is set (an explicit opt-in), HS256 JWTs signed with
//     the legacy JWT secret.
// Ops roles: service (secret key, service_role), operator and viewer (a
// signed-in user's app_metadata.ops_role). Anon: 401; signed in with the wrong
// role: 403. A JWKS that cannot be fetched with no keys cached: 503.
import { createHash, timingSafeEqual } from "node:crypto";
import { decodeProtectedHeader, type JWTPayload, jwtVerify } from "jose";
import type { Claims } from "./db.ts";
import { errorResponse } from "./http.ts";
import { JwksCache, JwksUnavailable, parseJwks } from "./jwks.ts";

export type OpsRole = "viewer" | "operator" | "service";

export interface Caller {
  opsRole: OpsRole | null;
  /** Who, for audit rows and job records: email, else subject, else the role. */
  actor: string;
  claims: Claims;
}

const RANK: Record<OpsRole, number> = { viewer: 1, operator: 2, service: 3 };

/** The audience of user access tokens issued by Supabase Auth. */
export const USER_AUDIENCE = "authenticated";
const ASYMMETRIC_ALGORITHMS = ["ES256", "RS256"];
const SERVICE_CLAIMS: Claims = { role: "service_role" };

export interface AuthConfig {
  /** `<SUPABASE_URL>/auth/v1`: the `iss` of the project's user tokens. */
  issuer: string;
  /** The project's signing keys. */
  jwks: { getKey: JwksCache["getKey"] };
  /** Values of SUPABASE_SECRET_KEYS. */
  secretKeys: string[];
  legacy?: {
    /** SUPABASE_SERVICE_ROLE_KEY, while the project still has legacy keys. */
    serviceRoleKey?: string;
    /** OPS_LEGACY_JWT_SECRET: accept HS256 JWTs signed with the legacy secret (opt-in). */
    jwtSecret?: string;
  };
}

/** SUPABASE_SECRET_KEYS / SUPABASE_PUBLISHABLE_KEYS: a JSON object of named keys (`{"default": "sb_..."}`). */
export function parseNamedKeys(raw: string | undefined): string[] {
  if (!raw) return [];
  try {
    const value = JSON.parse(raw);
    if (value && typeof value === "object") {
      return Object.values(value).filter((key): key is string => typeof key === "string" && key.length > 0);
    }
  } catch {
    // a single key, not JSON
  }
  return [raw];
}

/** The auth configuration from the environment hosted functions get (see README, "Deploy"). */
export function authConfigFromEnv(env: Record<string, string | undefined>): AuthConfig {
  const supabaseUrl = env.SUPABASE_URL?.replace(/\/+$/, "");
  if (!supabaseUrl) throw new Error("configuration error: SUPABASE_URL is not set");
  const issuer = `${supabaseUrl}/auth/v1`;
  return {
    issuer,
    jwks: new JwksCache(`${issuer}/.well-known/jwks.json`, { initial: parseJwks(env.SUPABASE_JWKS) }),
    secretKeys: parseNamedKeys(env.SUPABASE_SECRET_KEYS),
    legacy: {
      serviceRoleKey: env.SUPABASE_SERVICE_ROLE_KEY || undefined,
      jwtSecret: env.OPS_LEGACY_JWT_SECRET || undefined,
    },
  };
}

function sameSecret(a: string, b: string): boolean {
  // Hash first so both sides have one length: timingSafeEqual then runs in constant time.
  return timingSafeEqual(createHash("sha256").update(a).digest(), createHash("sha256").update(b).digest());
}

/** Whether `candidate` is one of `keys`, compared in constant time. */
export function matchesAny(candidate: string, keys: (string | undefined)[]): boolean {
  let found = false;
  for (const key of keys) if (key && sameSecret(candidate, key)) found = true;
  return found;
}

export function bearerToken(request: Request): string | null {
  const header = request.headers.get("authorization");
  if (!header) return null;
  const [scheme, token, extra] = header.trim().split(/\s+/);
  return scheme?.toLowerCase() === "bearer" && token && !extra ? token : null;
}

/** The caller these verified claims describe; null for anon or an unknown role. */
export function callerFromClaims(claims: Claims): Caller | null {
  if (claims.role === "service_role") return { opsRole: "service", actor: "service_role", claims };
  if (claims.role !== "authenticated") return null;
  const metadata = (claims.app_metadata ?? {}) as Record<string, unknown>;
  const opsRole = metadata.ops_role === "viewer" || metadata.ops_role === "operator"
    ? metadata.ops_role
    : null;
  return { opsRole, actor: String(claims.email ?? claims.sub ?? "authenticated"), claims };
}

/** Why a token was refused, in words a caller can act on. */
export function rejectionReason(error: unknown): { reason: string; message: string } {
  const e = error as { code?: string; claim?: string; reason?: string; message?: string };
  switch (e.code) {
    case "ERR_JWT_EXPIRED":
      return { reason: "expired", message: "the token has expired" };
    case "ERR_JWT_CLAIM_VALIDATION_FAILED":
      if (e.reason === "missing") {
        return { reason: `missing_${e.claim}`, message: `the token has no "${e.claim}" claim` };
      }
      if (e.claim === "nbf" && e.reason !== "invalid") {
        return { reason: "not_yet_valid", message: "the token is not valid yet" };
      }
      if (e.claim === "iss") {
        return { reason: "wrong_issuer", message: "the token was issued by another project" };
      }
      if (e.claim === "aud") {
        return { reason: "wrong_audience", message: "the token is not meant for this API" };
      }
      return { reason: `invalid_${e.claim ?? "claim"}`, message: e.message ?? "invalid claim" };
    case "ERR_JWKS_NO_MATCHING_KEY":
      return {
        reason: "unknown_key",
        message: "the token is signed with a key this project does not publish",
      };
    case "ERR_JWS_SIGNATURE_VERIFICATION_FAILED":
      return { reason: "bad_signature", message: "the token's signature is invalid" };
    case "ERR_JOSE_ALG_NOT_ALLOWED":
    case "ERR_JOSE_NOT_SUPPORTED":
      return { reason: "algorithm_not_accepted", message: "the token's signing algorithm is not accepted" };
    default:
      return { reason: "malformed", message: "the token is not a well-formed JWT" };
  }
}

type Verified = { ok: true; claims: Claims } | { ok: false; reason: string; message: string };

function refused(reason: string, message: string): Verified {
  return { ok: false, reason, message };
}

export class Auth {
  constructor(private readonly config: AuthConfig) {}

  /** Verifies a JWT as this project's users, (legacy) service role or gateway would present it. */
  async verifyJwt(token: string): Promise<Verified> {
    let alg: string | undefined;
    try {
      alg = decodeProtectedHeader(token).alg;
    } catch {
      return refused("malformed", "the token is not a well-formed JWT");
    }
    if (!alg || alg === "none") return refused("unsigned", "unsigned tokens (alg none) are not accepted");
    try {
      if (ASYMMETRIC_ALGORITHMS.includes(alg)) {
        const { payload } = await jwtVerify(token, this.config.jwks.getKey, {
          algorithms: ASYMMETRIC_ALGORITHMS,
          issuer: this.config.issuer,
          audience: USER_AUDIENCE,
          requiredClaims: ["exp"],
        });
        return { ok: true, claims: payload as Claims };
      }
      const legacySecret = this.config.legacy?.jwtSecret;
      if (alg !== "HS256" || !legacySecret) {
        return refused(
          "algorithm_not_accepted",
          alg === "HS256"
            ? "HS256 tokens are not accepted: this project verifies its asymmetric signing keys (JWKS)"
            : `tokens signed with ${alg} are not accepted`,
        );
      }
      const { payload } = await jwtVerify(token, new TextEncoder().encode(legacySecret), {
        algorithms: ["HS256"],
      });
      return this.legacyClaims(payload);
    } catch (error) {
      if (error instanceof JwksUnavailable) throw error;
      const { reason, message } = rejectionReason(error);
      return refused(reason, message);
    }
  }

  /** Legacy HS256 tokens: the service_role key as it is; users as strictly as with signing keys. */
  private legacyClaims(payload: JWTPayload): Verified {
    if (payload.role === "service_role") return { ok: true, claims: payload as Claims };
    if (payload.iss !== this.config.issuer) {
      return refused("wrong_issuer", "the token was issued by another project");
    }
    const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    if (!audiences.includes(USER_AUDIENCE)) {
      return refused("wrong_audience", "the token is not meant for this API");
    }
    if (payload.exp === undefined) return refused("missing_exp", 'the token has no "exp" claim');
    return { ok: true, claims: payload as Claims };
  }

  /** A Caller, or the 401 (503 when no signing keys can be had) response to return. */
  async authenticate(request: Request): Promise<Caller | Response> {
    const apiKey = request.headers.get("apikey");
    const bearer = bearerToken(request);
    // supabase-js sends its key both as `apikey` and as the bearer when no user is signed in.
    if (apiKey?.startsWith("sb_secret_") || (!apiKey && bearer?.startsWith("sb_secret_"))) {
      if (apiKey && matchesAny(apiKey, this.config.secretKeys)) return callerFromClaims(SERVICE_CLAIMS)!;
      return unauthorized(
        apiKey ? "unknown_secret_key" : "api_key_in_authorization",
        apiKey ? "the secret key is not one of this project's keys" : "send secret keys in the apikey header",
      );
    }
    if (!bearer || bearer.startsWith("sb_")) {
      return unauthorized("missing_credentials", "sign in or send a secret key");
    }
    if (matchesAny(bearer, [this.config.legacy?.serviceRoleKey])) return callerFromClaims(SERVICE_CLAIMS)!;
    let verified: Verified;
    try {
      verified = await this.verifyJwt(bearer);
    } catch (error) {
      if (error instanceof JwksUnavailable) {
        return errorResponse(
          503,
          "auth_unavailable",
          "the project's signing keys cannot be fetched; try again shortly",
        );
      }
      throw error;
    }
    if (!verified.ok) return unauthorized(verified.reason, verified.message);
    return callerFromClaims(verified.claims) ?? unauthorized("not_signed_in", "sign in required");
  }
}

export function unauthorized(reason: string, message: string): Response {
  return errorResponse(401, "unauthorized", message, { details: { reason } });
}

/** The Auth for the environment a function runs in. */
export function authFromEnv(env: Record<string, string | undefined>): Auth {
  return new Auth(authConfigFromEnv(env));
}

/** null when the caller holds at least `minimum`, else the 403 response. */
export function requireRole(caller: Caller, minimum: OpsRole): Response | null {
  if (caller.opsRole && RANK[caller.opsRole] >= RANK[minimum]) return null;
  return errorResponse(403, "forbidden", `requires the ${minimum} role`, {
    details: { role: caller.opsRole },
  });
}
