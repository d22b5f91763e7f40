// Retryable errors of every API function tell the client when and whether to
// repeat the request: Retry-After plus details.retry (apiHandler).
import { describe, expect, it } from "vitest";
import { apiHandler } from "../../../supabase/functions/_shared/api.ts";
import { Auth } from "../../../supabase/functions/_shared/auth.ts";
import { JwksCache } from "../../../supabase/functions/_shared/jwks.ts";
import { Router } from "../../../supabase/functions/_shared/router.ts";

const secretKey = "sb_secret_unit-test-key";
const auth = new Auth({
  issuer: "http://local/auth/v1",
  jwks: new JwksCache("http://127.0.0.1:9/unused", { initial: { keys: [] } }),
  secretKeys: [secretKey],
});

function handlerThrowing(error: unknown) {
  const router = new Router<{ caller: unknown }>("fn").on("POST", "/x", () => {
    throw error;
  }).on("GET", "/x", () => {
    throw error;
  });
  return apiHandler({ router: router as never, auth });
}

async function call(handler: (r: Request) => Promise<Response>, init: RequestInit = {}) {
  const response = await handler(
    new Request("http://local/fn/x", {
      method: "POST",
      ...init,
      headers: { apikey: secretKey, ...init.headers },
    }),
  );
  return { status: response.status, retryAfter: response.headers.get("retry-after"), body: await response.json() };
}

describe("retryable errors", () => {
  it("a lost database connection is a 503 with Retry-After; a POST without a key is not safe to repeat", async () => {
    const answer = await call(handlerThrowing(Object.assign(new Error("write CONNECTION_CLOSED"), { code: "CONNECTION_CLOSED" })));
    expect(answer.status).toBe(503);
    expect(answer.retryAfter).toBe("1");
    expect(answer.body.error).toMatchObject({
      code: "database_unavailable",
      details: { retry: { after_seconds: 1, idempotent: false } },
    });
  });

  it("an unexpected error is a 500 with Retry-After; with an Idempotency-Key repeating is safe", async () => {
    const answer = await call(handlerThrowing(new Error("boom")), { headers: { "idempotency-key": "k1" } });
    expect(answer.status).toBe(500);
    expect(answer.retryAfter).toBe("1");
    expect(answer.body.error.details.retry).toEqual({ after_seconds: 1, idempotent: true });
  });

  it("a GET is safe to repeat; a known SQL error is not retryable", async () => {
    const get = await call(handlerThrowing(new Error("boom")), { method: "GET" });
    expect(get.body.error.details.retry.idempotent).toBe(true);
    const sqlError = Object.assign(new Error("job 1 not found"), {
      code: "P0404",
      detail: JSON.stringify({ code: "not_found", job_id: 1 }),
    });
    const notFound = await call(handlerThrowing(sqlError));
    expect(notFound.status).toBe(404);
    expect(notFound.retryAfter).toBeNull();
    expect(notFound.body.error).toEqual({ code: "not_found", message: "job 1 not found", details: { job_id: 1 } });
  });

  it("a SQL error naming a field answers with fields, like input validation", async () => {
    const sqlError = Object.assign(new Error("unknown metric bogus"), {
      code: "P0400",
      detail: JSON.stringify({ code: "invalid_argument", field: "metrics.bogus" }),
    });
    const answer = await call(handlerThrowing(sqlError));
    expect(answer.status).toBe(400);
    // SQL's generic invalid_argument is the API's invalid_input: one set of error codes
    expect(answer.body.error).toEqual({
      code: "invalid_input",
      message: "unknown metric bogus",
      fields: { "metrics.bogus": ["unknown metric bogus"] },
    });
  });
});
