// The local Supabase Auth stand-in's decisions (scripts/functions-server/auth.ts) with a test clock:
// GoTrue's answers for right and wrong credentials, refresh-token rotation, sessions ended by
// logout, magic links (allowed redirects, single use, expiry) and the error shape per API version.
// Tokens here are plain JSON ("signed" by the test): the ES256 signing is scripts/lib/tokens.ts's,
// proven by the integration test that signs in through supabase-js.
import { describe, expect, it } from "vitest";
import { AuthStandIn, authStandInHandler, type Outcome, type StandInUser, toResponse } from "../../scripts/functions-server/auth.ts";

const USERS: StandInUser[] = [
  { id: "u-viewer", email: "viewer@console.local", password: "viewer-pw", role: "viewer" },
  { id: "u-operator", email: "operator@console.local", password: "operator-pw", role: "operator" },
];
const SITE = "http://console.test/";

function standIn() {
  let now = Date.parse("2026-11-26T08:00:00Z");
  const auth = new AuthStandIn({
    users: USERS,
    sign: (user, sessionId, ttl) =>
      Promise.resolve(JSON.stringify({ sub: user.id, session_id: sessionId, ops_role: user.role, exp: now / 1000 + ttl })),
    verify: (token) => {
      try {
        const claims = JSON.parse(token);
        return Promise.resolve(claims.exp > now / 1000 ? claims : null);
      } catch {
        return Promise.resolve(null);
      }
    },
    supabaseUrl: "http://api.test",
    siteUrl: SITE,
    redirectUrls: ["https://ops.example.com/console/"],
    now: () => now,
  });
  return { auth, advance: (seconds: number) => (now += seconds * 1000) };
}

type Session = { access_token: string; refresh_token: string; expires_in: number; expires_at: number; token_type: string; user: Record<string, unknown> };
const body = (o: Outcome) => (o as { body: unknown }).body as Session;
const error = (o: Outcome) => (o as { error: { code: string } }).error.code;

describe("password grant", () => {
  it("answers GoTrue's session for the right password, with the ops role in app_metadata", async () => {
    const { auth } = standIn();
    const outcome = await auth.passwordGrant({ email: " Operator@Console.local", password: "operator-pw" });
    expect(outcome.status).toBe(200);
    const session = body(outcome);
    expect(session).toMatchObject({ token_type: "bearer", expires_in: 3600, expires_at: Date.parse("2026-11-26T09:00:00Z") / 1000 });
    expect(session.user).toMatchObject({ id: "u-operator", aud: "authenticated", email: "operator@console.local" });
    expect(session.user.app_metadata).toMatchObject({ provider: "email", ops_role: "operator" });
    expect(JSON.parse(session.access_token).ops_role).toBe("operator");
  });

  it("refuses a wrong password and an unknown e-mail alike, and input without an e-mail", async () => {
    const { auth } = standIn();
    for (const attempt of [{ email: "viewer@console.local", password: "operator-pw" }, { email: "nobody@console.local", password: "x" }]) {
      const outcome = await auth.passwordGrant(attempt);
      expect(outcome).toEqual({ status: 400, error: { code: "invalid_credentials", message: "Invalid login credentials" } });
    }
    expect(error(await auth.passwordGrant({ password: "viewer-pw" }))).toBe("validation_failed");
  });
});

describe("sessions", () => {
  it("rotates refresh tokens within one session: the used one is spent", async () => {
    const { auth } = standIn();
    const first = body(await auth.passwordGrant({ email: "viewer@console.local", password: "viewer-pw" }));
    const refreshed = await auth.refreshGrant({ refresh_token: first.refresh_token });
    expect(refreshed.status).toBe(200);
    const second = body(refreshed);
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(JSON.parse(second.access_token).session_id).toBe(JSON.parse(first.access_token).session_id);
    expect(error(await auth.refreshGrant({ refresh_token: first.refresh_token }))).toBe("refresh_token_not_found");
    expect((await auth.refreshGrant({ refresh_token: second.refresh_token })).status).toBe(200);
  });

  it("answers the bearer's user until its session is signed out", async () => {
    const { auth } = standIn();
    expect(error(await auth.user(null))).toBe("no_authorization");
    expect(error(await auth.user("not a token"))).toBe("bad_jwt");
    const session = body(await auth.passwordGrant({ email: "viewer@console.local", password: "viewer-pw" }));
    const user = await auth.user(session.access_token);
    expect(user.status).toBe(200);
    expect((user as { body: { email: string } }).body.email).toBe("viewer@console.local");
    expect((await auth.logout(session.access_token, "global")).status).toBe(204);
    expect(error(await auth.user(session.access_token))).toBe("session_not_found");
    expect(error(await auth.refreshGrant({ refresh_token: session.refresh_token }))).toBe("refresh_token_not_found");
  });

  it("logout scope local ends only this session, global every session of the user", async () => {
    const { auth } = standIn();
    const signIn = async () => body(await auth.passwordGrant({ email: "viewer@console.local", password: "viewer-pw" }));
    const [a, b, c] = [await signIn(), await signIn(), await signIn()];
    const other = body(await auth.passwordGrant({ email: "operator@console.local", password: "operator-pw" }));
    expect((await auth.logout(a.access_token, "local")).status).toBe(204);
    expect((await auth.user(a.access_token)).status).toBe(403);
    expect((await auth.user(b.access_token)).status).toBe(200);
    expect(error(await auth.logout(b.access_token, "everything"))).toBe("validation_failed");
    expect((await auth.logout(b.access_token, null)).status).toBe(204); // supabase-js's default: global
    expect((await auth.user(c.access_token)).status).toBe(403);
    expect((await auth.user(other.access_token)).status).toBe(200);
  });

  it("refuses an expired access token", async () => {
    const { auth, advance } = standIn();
    const session = body(await auth.passwordGrant({ email: "viewer@console.local", password: "viewer-pw" }));
    advance(3601);
    expect(error(await auth.user(session.access_token))).toBe("bad_jwt");
  });
});

describe("magic link", () => {
  it("mails a link for a known user; an unknown one gets GoTrue's otp_disabled", () => {
    const { auth } = standIn();
    expect(auth.otp({ email: "stranger@console.local", create_user: false }, SITE)).toEqual({
      status: 422,
      error: { code: "otp_disabled", message: "Signups not allowed for otp" },
    });
    expect(error(auth.otp({ email: "stranger@console.local", create_user: true }, SITE))).toBe("signup_disabled");
    expect(auth.mailbox).toEqual([]);
    expect(auth.otp({ email: "viewer@console.local", create_user: false }, "https://ops.example.com/console/")).toEqual({ status: 200, body: {} });
    const [mail] = auth.messagesFor("VIEWER@console.local");
    const link = new URL(mail.link);
    expect(link.origin + link.pathname).toBe("http://api.test/auth/v1/verify");
    expect(link.searchParams.get("type")).toBe("magiclink");
    expect(link.searchParams.get("redirect_to")).toBe("https://ops.example.com/console/");
  });

  it("sends a redirect_to that is not allowed to the Site URL instead", () => {
    const { auth } = standIn();
    auth.otp({ email: "viewer@console.local", create_user: false }, "https://evil.example.net/");
    auth.otp({ email: "viewer@console.local", create_user: false }, "http://console.test/#/runs");
    const targets = auth.messagesFor("viewer@console.local").map((m) => new URL(m.link).searchParams.get("redirect_to"));
    expect(targets).toEqual([SITE, "http://console.test/#/runs"]);
  });

  it("signs in once with the session in the fragment (implicit flow), then answers the error there", async () => {
    const { auth } = standIn();
    auth.otp({ email: "viewer@console.local", create_user: false }, SITE);
    const link = new URL(auth.messagesFor("viewer@console.local")[0].link);
    const first = await auth.verify(link.searchParams) as { status: number; location: string };
    expect(first.status).toBe(303);
    const landed = new URL(first.location);
    expect(landed.origin + landed.pathname).toBe("http://console.test/");
    const fragment = new URLSearchParams(landed.hash.slice(1));
    expect(fragment.get("type")).toBe("magiclink");
    expect(fragment.get("token_type")).toBe("bearer");
    expect(fragment.get("expires_in")).toBe("3600");
    expect(JSON.parse(fragment.get("access_token")!).ops_role).toBe("viewer");
    expect((await auth.user(fragment.get("access_token")!)).status).toBe(200);
    expect((await auth.refreshGrant({ refresh_token: fragment.get("refresh_token") })).status).toBe(200);

    const again = new URL((await auth.verify(link.searchParams) as { location: string }).location);
    expect(Object.fromEntries(new URLSearchParams(again.hash.slice(1)))).toEqual({
      error: "access_denied",
      error_code: "otp_expired",
      error_description: "Email link is invalid or has expired",
    });
  });

  it("refuses a link past its expiry, another type, and a request without a token", async () => {
    const { auth, advance } = standIn();
    auth.otp({ email: "viewer@console.local", create_user: false }, SITE);
    auth.otp({ email: "viewer@console.local", create_user: false }, SITE);
    const [late, wrongType] = auth.messagesFor("viewer@console.local").map((m) => new URL(m.link).searchParams);
    wrongType.set("type", "recovery");
    expect((await auth.verify(wrongType) as { location: string }).location).toContain("error_code=otp_expired");
    advance(3601);
    expect((await auth.verify(late) as { location: string }).location).toContain("error_code=otp_expired");
    expect(error(await auth.verify(new URLSearchParams({ type: "magiclink" })))).toBe("validation_failed");
  });
});

describe("HTTP", () => {
  const request = (path: string, init: RequestInit = {}) => new Request(`http://api.test${path}`, init);

  it("sends errors in the shape of the API version asked for (auth-js asks for 2024-01-01)", async () => {
    const outcome: Outcome = { status: 400, error: { code: "invalid_credentials", message: "Invalid login credentials" } };
    const current = toResponse(outcome, request("/auth/v1/token", { headers: { "x-supabase-api-version": "2024-01-01" } }));
    expect(current.headers.get("x-supabase-api-version")).toBe("2024-01-01");
    expect(await current.json()).toEqual({ code: "invalid_credentials", message: "Invalid login credentials" });
    const legacy = toResponse(outcome, request("/auth/v1/token"));
    expect(legacy.headers.get("x-supabase-api-version")).toBeNull();
    expect(await legacy.json()).toEqual({ code: 400, error_code: "invalid_credentials", msg: "Invalid login credentials" });
  });

  it("wants a project API key except on the mailed link, answers preflights, and rejects bad bodies with 4xx", async () => {
    const { auth } = standIn();
    const handle = authStandInHandler(auth, ["sb_publishable_test"]);
    expect(await handle(request("/functions/v1/jobs"))).toBeNull();
    const preflight = (await handle(request("/auth/v1/token", { method: "OPTIONS" })))!;
    expect(preflight.headers.get("access-control-allow-headers")).toContain("x-supabase-api-version");
    const noKey = (await handle(request("/auth/v1/user")))!;
    expect(noKey.status).toBe(401);
    expect((await handle(request("/auth/v1/user", { headers: { apikey: "sb_publishable_other" } })))!.status).toBe(401);
    const headers = { apikey: "sb_publishable_test", "content-type": "application/json" };
    const notJson = (await handle(request("/auth/v1/token?grant_type=password", { method: "POST", headers, body: "{" })))!;
    expect(notJson.status).toBe(400);
    const tooLarge = (await handle(request("/auth/v1/otp", { method: "POST", headers, body: JSON.stringify({ email: "x".repeat(20_000) }) })))!;
    expect(tooLarge.status).toBe(413);
    const grant = (await handle(request("/auth/v1/token?grant_type=pkce", { method: "POST", headers, body: "{}" })))!;
    expect(grant.status).toBe(400);
    const signIn = (await handle(request("/auth/v1/token?grant_type=password", {
      method: "POST",
      headers,
      body: JSON.stringify({ email: "viewer@console.local", password: "viewer-pw" }),
    })))!;
    expect(signIn.status).toBe(200);
    expect(auth.mailbox).toEqual([]);
    const verify = (await handle(request("/auth/v1/verify?token=nope&type=magiclink")))!;
    expect(verify.status).toBe(303);
    const mailbox = await (await handle(request("/_server/mailbox?email=viewer@console.local")))!.json();
    expect(mailbox).toEqual({ messages: [] });
  });
});
