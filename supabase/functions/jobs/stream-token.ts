// Short-lived tokens for clients that cannot send an Authorization header
// (the browser's EventSource): minted for one job by a signed-in caller,
// passed as ?token=, valid for a few minutes and for that job's stream only.
import { type Caller, callerFromClaims } from "../_shared/auth.ts";
import type { Claims } from "../_shared/db.ts";
import { signJwt, verifyJwt } from "../_shared/jwt.ts";

export const STREAM_TOKEN_TTL_SECONDS = 300;

export async function mintStreamToken(caller: Caller, jobId: number, secret: string, now = Date.now()) {
  const exp = Math.floor(now / 1000) + STREAM_TOKEN_TTL_SECONDS;
  const token = await signJwt({ ...caller.claims, purpose: "job_stream", job_id: jobId, exp }, secret);
  return { token, expires_at: new Date(exp * 1000).toISOString() };
}

/** The caller the token was minted for, or an error message. */
export async function verifyStreamToken(token: string, jobId: number, secret: string): Promise<Caller | string> {
  const verified = await verifyJwt(token, secret);
  if (!verified.ok) return verified.message;
  const { purpose, job_id: tokenJob, ...claims } = verified.payload;
  if (purpose !== "job_stream" || tokenJob !== jobId) return "token is not for this job's stream";
  return callerFromClaims(claims as Claims) ?? "token carries no signed-in role";
}
