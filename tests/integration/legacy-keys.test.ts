// The legacy group: a project that still has its legacy keys. The control
// function runs in-process with the environment such a project gives
// (SUPABASE_SERVICE_ROLE_KEY) plus the opt-in legacy secret
// (OPS_LEGACY_JWT_SECRET), against the real database. The local stack itself
// speaks the modern dialect only, so the same legacy tokens get 401 there.
import { SignJWT } from "jose";
import { afterAll, describe, expect, it } from "vitest";
import { stackEnv } from "../../scripts/lib/config.ts";
import { authFromEnv } from "../../supabase/functions/_shared/auth.ts";
import { connectDb } from "../../supabase/functions/_shared/db.ts";
import { createControlHandler } from "../../supabase/functions/control/handler.ts";
import { functionUrl, stack, userJwt } from "../support/stack.ts";

const LEGACY_SECRET = "legacy-project-jwt-secret-at-least-32-chars";
const issuer = `${stack.supabaseUrl}/auth/v1`;
const sign = (payload: Record<string, unknown>) =>
  new SignJWT(payload).setProtectedHeader({ alg: "HS256", typ: "JWT" }).sign(
    new TextEncoder().encode(LEGACY_SECRET),
  );
const exp = Math.floor(Date.now() / 1000) + 600;
// Shaped like a legacy project's keys: service_role with iss "supabase"; users as Auth issued them.
const serviceRoleKey = await sign({ iss: "supabase", role: "service_role", exp });
const operator = await sign({
  iss: issuer,
  aud: "authenticated",
  role: "authenticated",
  sub: "00000000-0000-4000-8000-00000000a1e9",
  email: "legacy-op@example.com",
  app_metadata: { ops_role: "operator" },
  exp,
});

const sql = connectDb(stack.dbUrl, { max: 2 });
const legacyProject = createControlHandler({
  sql,
  auth: authFromEnv({
    ...stackEnv(stack),
    SUPABASE_SERVICE_ROLE_KEY: serviceRoleKey,
    OPS_LEGACY_JWT_SECRET: LEGACY_SECRET,
  }),
});

afterAll(() => sql.end());

const status = (handler: (r: Request) => Promise<Response>, headers: Record<string, string>) =>
  handler(new Request("http://functions.local/control/status", { headers }));

describe("legacy keys, opted in", () => {
  it("accepts the legacy service_role key and HS256 user tokens", async () => {
    expect((await status(legacyProject, { authorization: `Bearer ${serviceRoleKey}` })).status).toBe(200);
    expect((await status(legacyProject, { authorization: `Bearer ${operator}` })).status).toBe(200);
  });

  it("still accepts the modern credentials next to them", async () => {
    expect((await status(legacyProject, { apikey: stack.secretKey })).status).toBe(200);
    expect((await status(legacyProject, { authorization: `Bearer ${await userJwt("viewer")}` })).status).toBe(
      200,
    );
  });
});

describe("legacy keys on the modern local stack", () => {
  it("are refused with 401 and a reason", async () => {
    for (const token of [serviceRoleKey, operator]) {
      const response = await fetch(functionUrl("control", "/status"), {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(response.status).toBe(401);
      expect((await response.json()).error.details.reason).toBe("algorithm_not_accepted");
    }
  });
});
