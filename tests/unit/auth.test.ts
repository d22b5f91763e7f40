// Caller authentication (supabase/functions/_shared/auth.ts) against a local
// stand-in for Auth's JWKS endpoint: asymmetric user tokens, secret API keys,
// the legacy keys, key rotation, a JWKS outage, and every way a token can be wrong.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Auth, type AuthConfig, type Caller } from "../../supabase/functions/_shared/auth.ts";
import { JwksCache } from "../../supabase/functions/_shared/jwks.ts";

const ISSUER = "http://project.test/auth/v1";
const SECRET_KEY = "sb_secret_unit-test-key-0123456789";
const LEGACY_SECRET = "legacy-jwt-secret-with-at-least-32-characters";

interface KeyPair {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

async function keyPair(kid: string, alg: "ES256" | "RS256" = "ES256"): Promise<KeyPair> {
  const { privateKey, publicKey } = await generateKeyPair(alg);
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: "sig" } };
}

/** A stand-in for <project>/auth/v1/.well-known/jwks.json whose keys and availability the test sets. */
class JwksStandIn {
  keys: JWK[] = [];
  up = true;
  requests = 0;
  private server: Server = createServer((_req, res) => {
    this.requests++;
    if (!this.up) {
      res.writeHead(503).end();
      return;
    }
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys: this.keys }));
  });
  url = "";
  async start() {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${
      (this.server.address() as AddressInfo).port
    }/auth/v1/.well-known/jwks.json`;
  }
  close() {
    return new Promise((resolve) => this.server.close(resolve));
  }
}

const now = () => Math.floor(Date.now() / 1000);
let k1: KeyPair;
let k2: KeyPair;
let rsa: KeyPair;
const standIn = new JwksStandIn();

async function userToken(
  key: KeyPair,
  claims: Record<string, unknown> = {},
  options: { alg?: string; iss?: string; aud?: string; exp?: number | null } = {},
) {
  const jwt = new SignJWT({
    role: "authenticated",
    email: "v@example.com",
    app_metadata: { ops_role: "viewer" },
    ...claims,
  })
    .setProtectedHeader({ alg: options.alg ?? key.publicJwk.alg!, kid: key.kid, typ: "JWT" })
    .setIssuer(options.iss ?? ISSUER)
    .setAudience(options.aud ?? "authenticated")
    .setSubject("00000000-0000-4000-8000-000000000001");
  if (options.exp !== null) jwt.setExpirationTime(options.exp ?? now() + 600);
  return await jwt.sign(key.privateKey);
}

function hs256(payload: Record<string, unknown>, secret = LEGACY_SECRET) {
  return new SignJWT(payload).setProtectedHeader({ alg: "HS256", typ: "JWT" }).sign(
    new TextEncoder().encode(secret),
  );
}

function auth(
  options: {
    initial?: JWK[];
    legacy?: AuthConfig["legacy"];
    cooldownMs?: number;
    maxAgeMs?: number;
    now?: () => number;
  } = {},
) {
  return new Auth({
    issuer: ISSUER,
    jwks: new JwksCache(standIn.url, {
      initial: options.initial ? { keys: options.initial } : null,
      cooldownMs: options.cooldownMs ?? 0,
      maxAgeMs: options.maxAgeMs,
      timeoutMs: 2000,
      now: options.now,
    }),
    secretKeys: [SECRET_KEY],
    legacy: options.legacy,
  });
}

function request(headers: Record<string, string>) {
  return new Request("http://functions.test/control/status", { headers });
}

async function refusal(result: Caller | Response) {
  expect(result).toBeInstanceOf(Response);
  const response = result as Response;
  const body = await response.json();
  return {
    status: response.status,
    code: body.error.code,
    reason: body.error.details?.reason,
    message: body.error.message,
  };
}

beforeAll(async () => {
  [k1, k2, rsa] = await Promise.all([keyPair("key-1"), keyPair("key-2"), keyPair("key-rsa", "RS256")]);
  standIn.keys = [k1.publicJwk, rsa.publicJwk];
  await standIn.start();
});

afterAll(() => standIn.close());

describe("users' tokens, verified against the project's JWKS", () => {
  it("accepts ES256 and RS256 tokens of this project and reads the ops role", async () => {
    const a = auth();
    for (const key of [k1, rsa]) {
      const caller = await a.authenticate(request({ authorization: `Bearer ${await userToken(key)}` }));
      expect(caller).toMatchObject({ opsRole: "viewer", actor: "v@example.com" });
    }
  });

  it("refuses each wrong token with 401 and a reason", async () => {
    const a = auth();
    const cases: [string, Promise<string> | string][] = [
      ["expired", userToken(k1, {}, { exp: now() - 5 })],
      ["not_yet_valid", userToken(k1, { nbf: now() + 600 })],
      ["wrong_issuer", userToken(k1, {}, { iss: "https://other.supabase.co/auth/v1" })],
      ["wrong_audience", userToken(k1, {}, { aud: "scrape-ops:job-stream" })],
      ["unknown_key", userToken(k2)],
      ["missing_exp", userToken(k1, {}, { exp: null })],
      ["invalid_exp", userToken(k1, { exp: String(now() + 600) }, { exp: null })],
      ["invalid_nbf", userToken(k1, { nbf: "0" })],
      [
        "algorithm_not_accepted",
        hs256({ role: "authenticated", iss: ISSUER, aud: "authenticated", exp: now() + 60 }),
      ],
      [
        "unsigned",
        `${Buffer.from('{"alg":"none","typ":"JWT"}').toString("base64url")}.${
          Buffer.from(JSON.stringify({ role: "service_role", exp: now() + 60 })).toString("base64url")
        }.`,
      ],
      ["malformed", "not.a.jwt"],
      ["bad_signature", (await userToken(k1)).slice(0, -6) + "AAAAAA"],
    ];
    for (const [reason, token] of cases) {
      const result = await refusal(await a.authenticate(request({ authorization: `Bearer ${await token}` })));
      expect({ case: reason, ...result }).toMatchObject({
        case: reason,
        reason,
        status: 401,
        code: "unauthorized",
      });
    }
  });

  it("a signed-in user without an ops role is a caller without a role; anon is 401", async () => {
    const a = auth();
    const caller = await a.authenticate(
      request({ authorization: `Bearer ${await userToken(k1, { app_metadata: {} })}` }),
    );
    expect(caller).toMatchObject({ opsRole: null });
    expect(await refusal(await a.authenticate(request({})))).toMatchObject({
      status: 401,
      reason: "missing_credentials",
    });
    const anon = await userToken(k1, { role: "anon" });
    expect(await refusal(await a.authenticate(request({ authorization: `Bearer ${anon}` })))).toMatchObject({
      status: 401,
      reason: "not_signed_in",
    });
  });
});

describe("the JWKS cache", () => {
  it("fetches a rotated-in key by its kid", async () => {
    const a = auth({ initial: [k1.publicJwk] });
    standIn.keys = [k1.publicJwk, k2.publicJwk];
    try {
      expect(await a.authenticate(request({ authorization: `Bearer ${await userToken(k2)}` }))).toMatchObject(
        {
          opsRole: "viewer",
        },
      );
    } finally {
      standIn.keys = [k1.publicJwk, rsa.publicJwk];
    }
  });

  it("keeps working from cached keys while the endpoint is down, even past their max age", async () => {
    // The cache's own clock, moved by the test: with the wall clock, a refetch "past max age" depends on
    // how many milliseconds the machine happens to take between two calls.
    let clock = Date.now();
    const a = auth({ maxAgeMs: 60_000, now: () => clock });
    expect(await a.authenticate(request({ authorization: `Bearer ${await userToken(k1)}` }))).toMatchObject({
      opsRole: "viewer",
    });
    standIn.up = false;
    clock += 60_001; // the cached keys are now past their max age
    try {
      const before = standIn.requests;
      expect(await a.authenticate(request({ authorization: `Bearer ${await userToken(k1)}` }))).toMatchObject(
        {
          opsRole: "viewer",
        },
      );
      expect(standIn.requests).toBeGreaterThan(before); // it did try to refresh
      // an unknown kid during the outage is still a plain 401
      expect(await refusal(await a.authenticate(request({ authorization: `Bearer ${await userToken(k2)}` }))))
        .toMatchObject({ status: 401, reason: "unknown_key" });
    } finally {
      standIn.up = true;
    }
  });

  it("answers 503, not 500, when no keys were ever fetched and the endpoint is down", async () => {
    standIn.up = false;
    try {
      const result = await refusal(
        await auth().authenticate(request({ authorization: `Bearer ${await userToken(k1)}` })),
      );
      expect(result).toMatchObject({ status: 503, code: "auth_unavailable" });
    } finally {
      standIn.up = true;
    }
  });
});

describe("service callers", () => {
  it("accept a secret key from SUPABASE_SECRET_KEYS in the apikey header (also with the key as bearer)", async () => {
    const a = auth();
    expect(await a.authenticate(request({ apikey: SECRET_KEY }))).toMatchObject({ opsRole: "service" });
    expect(await a.authenticate(request({ apikey: SECRET_KEY, authorization: `Bearer ${SECRET_KEY}` })))
      .toMatchObject({ opsRole: "service", claims: { role: "service_role" } });
  });

  it("refuse an unknown secret key, a secret key sent only as bearer, and a publishable key", async () => {
    const a = auth();
    expect(await refusal(await a.authenticate(request({ apikey: `${SECRET_KEY}x` })))).toMatchObject({
      status: 401,
      reason: "unknown_secret_key",
    });
    expect(await refusal(await a.authenticate(request({ authorization: `Bearer ${SECRET_KEY}` }))))
      .toMatchObject({
        status: 401,
        reason: "api_key_in_authorization",
      });
    expect(await refusal(await a.authenticate(request({ apikey: "sb_publishable_abc" })))).toMatchObject({
      status: 401,
      reason: "missing_credentials",
    });
  });
});

describe("legacy keys", () => {
  it("accept the legacy service_role key only while the project has it (SUPABASE_SERVICE_ROLE_KEY)", async () => {
    const serviceRoleKey = await hs256({ iss: "supabase", role: "service_role", exp: now() + 3600 });
    const withLegacy = auth({ legacy: { serviceRoleKey } });
    expect(await withLegacy.authenticate(request({ authorization: `Bearer ${serviceRoleKey}` })))
      .toMatchObject({
        opsRole: "service",
      });
    expect(await refusal(await auth().authenticate(request({ authorization: `Bearer ${serviceRoleKey}` }))))
      .toMatchObject({ status: 401, reason: "algorithm_not_accepted" });
  });

  it("accept HS256 user tokens only with the opt-in legacy secret, as strictly as asymmetric ones", async () => {
    const legacy = auth({ legacy: { jwtSecret: LEGACY_SECRET } });
    const good = await hs256({
      role: "authenticated",
      iss: ISSUER,
      aud: "authenticated",
      exp: now() + 60,
      app_metadata: { ops_role: "operator" },
    });
    expect(await legacy.authenticate(request({ authorization: `Bearer ${good}` }))).toMatchObject({
      opsRole: "operator",
    });
    const noExp = await hs256({ role: "authenticated", iss: ISSUER, aud: "authenticated" });
    expect(await refusal(await legacy.authenticate(request({ authorization: `Bearer ${noExp}` }))))
      .toMatchObject({
        reason: "missing_exp",
      });
    const forged = await hs256(
      { role: "service_role", exp: now() + 60 },
      "another-secret-another-secret-another-one",
    );
    expect(await refusal(await legacy.authenticate(request({ authorization: `Bearer ${forged}` }))))
      .toMatchObject({
        reason: "bad_signature",
      });
    // asymmetric tokens keep working next to the legacy secret
    expect(await legacy.authenticate(request({ authorization: `Bearer ${await userToken(k1)}` })))
      .toMatchObject({
        opsRole: "viewer",
      });
  });
});
