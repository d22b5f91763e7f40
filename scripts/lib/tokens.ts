// Signed-in users' access tokens for the local stack (tests, benchmarks, the
// console's sign-in link), shaped like Supabase Auth's: ES256 with the
// project's `kid`, iss <SUPABASE_URL>/auth/v1, aud `authenticated`, role
// `authenticated`, the ops role in app_metadata, a short lifetime.
// On a hosted project only Auth holds the private key: sign in there instead
// (or set OPS_SIGNING_KEY for a project whose signing key you imported).
import { importJWK, SignJWT } from "jose";
import { type StackConfig, stackConfig } from "./config.ts";

export type UserOpsRole = "viewer" | "operator" | null;

export interface UserTokenOptions {
  /** app_metadata.ops_role; null for a signed-in user without one. */
  role: UserOpsRole;
  email?: string;
  /** The user's id (`sub`). */
  sub?: string;
  /** Lifetime in seconds; default 3600 like Auth's jwt_expiry. */
  ttlSeconds?: number;
  /** The Auth session the token belongs to (`session_id`); a fresh one by default. */
  sessionId?: string;
}

/** What signing needs: the private key and the project URL (the issuer is <SUPABASE_URL>/auth/v1). */
export type SigningConfig = Pick<StackConfig, "signingKey" | "supabaseUrl">;

const DEFAULT_SUB = "00000000-0000-4000-8000-0000000000a1";
const keyCache = new Map<string, Promise<CryptoKey | Uint8Array>>();

export async function mintUserToken(
  options: UserTokenOptions,
  config: SigningConfig = stackConfig(),
): Promise<string> {
  const jwk = config.signingKey;
  if (!jwk) {
    throw new Error(
      "no signing key: user tokens can be minted only for the local stack or with OPS_SIGNING_KEY",
    );
  }
  const kid = String(jwk.kid);
  if (!keyCache.has(kid)) keyCache.set(kid, importJWK(jwk, "ES256"));
  const now = Math.floor(Date.now() / 1000);
  const email = options.email ?? `${options.role ?? "user"}@example.com`;
  return await new SignJWT({
    role: "authenticated",
    email,
    app_metadata: { provider: "email", ...(options.role ? { ops_role: options.role } : {}) },
    user_metadata: {},
    aal: "aal1",
    session_id: options.sessionId ?? crypto.randomUUID(),
  })
    .setProtectedHeader({ alg: "ES256", kid, typ: "JWT" })
    .setIssuer(`${config.supabaseUrl}/auth/v1`)
    .setAudience("authenticated")
    .setSubject(options.sub ?? DEFAULT_SUB)
    .setIssuedAt(now)
    .setExpirationTime(now + (options.ttlSeconds ?? 3600))
    .sign(await keyCache.get(kid)!);
}
