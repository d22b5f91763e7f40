// Short-lived tokens for clients that cannot send an Authorization header
// (the browser's EventSource): minted for one job by a signed-in caller and
// passed as ?token=. They are signed with their own secret
// (OPS_STREAM_TOKEN_SECRET, never the project's keys), carry an audience that
// only the stream route accepts and the job id they were minted for, and live
// a few minutes. Any other route refuses them: they are not user tokens
// (wrong audience, wrong signing key) and the jobs function accepts ?token=
// only on GET /jobs/:id/stream of that job.
import { jwtVerify, SignJWT } from "jose";
import { type Caller, callerFromClaims, rejectionReason } from "../_shared/auth.ts";
import type { Claims } from "../_shared/db.ts";

export const STREAM_TOKEN_TTL_SECONDS = 300;
export const STREAM_TOKEN_AUDIENCE = "scrape-ops:job-stream";
const ISSUER = "scrape-ops:jobs";

/** The stream token secret as a signing key; a missing or short secret stops the function at start-up. */
export function streamTokenKey(secret: string | undefined): Uint8Array {
  if (!secret || secret.length < 32) {
    throw new Error(
      "configuration error: OPS_STREAM_TOKEN_SECRET must be set to a random string of at least 32 characters " +
        "(npx supabase secrets set OPS_STREAM_TOKEN_SECRET=...)",
    );
  }
  return new TextEncoder().encode(secret);
}

/** The caller's identity, without the claims of the token it came with. */
function identity(claims: Claims): Claims {
  const { iss: _iss, aud: _aud, exp: _exp, nbf: _nbf, iat: _iat, jti: _jti, ...rest } = claims;
  return rest as Claims;
}

export async function mintStreamToken(caller: Caller, jobId: number, key: Uint8Array, now = Date.now()) {
  const iat = Math.floor(now / 1000);
  const exp = iat + STREAM_TOKEN_TTL_SECONDS;
  const token = await new SignJWT({ ...identity(caller.claims), job_id: jobId })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuer(ISSUER)
    .setAudience(STREAM_TOKEN_AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .sign(key);
  return { token, expires_at: new Date(exp * 1000).toISOString() };
}

/** The caller the token was minted for, or the reason it is refused. */
export async function verifyStreamToken(
  token: string,
  jobId: number,
  key: Uint8Array,
): Promise<Caller | { reason: string; message: string }> {
  try {
    const { payload } = await jwtVerify(token, key, {
      algorithms: ["HS256"],
      issuer: ISSUER,
      audience: STREAM_TOKEN_AUDIENCE,
      requiredClaims: ["exp", "job_id"],
    });
    const { job_id: tokenJob, ...claims } = payload;
    if (tokenJob !== jobId) return { reason: "wrong_job", message: "the token is for another job's stream" };
    return callerFromClaims(identity(claims as Claims)) ??
      { reason: "not_signed_in", message: "the token carries no signed-in role" };
  } catch (error) {
    return rejectionReason(error);
  }
}
