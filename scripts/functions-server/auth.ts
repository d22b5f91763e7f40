// Local stand-in of Supabase Auth (GoTrue), served by the functions server at the hosted paths under
// <SUPABASE_URL>/auth/v1/, so that the console signs in locally through supabase-js's real calls.
// Only what supabase-js's auth client (@supabase/auth-js 2.x, GoTrueClient) calls for the console's
// sign-in, in the shapes of supabase/auth (GoTrue) internal/api:
//   POST /token?grant_type=password      signInWithPassword: {email, password, gotrue_meta_security}
//   POST /token?grant_type=refresh_token the session refresh: {refresh_token}; refresh tokens rotate
//        both answer GoTrue's AccessTokenResponse: access_token, token_type "bearer", expires_in,
//        expires_at, refresh_token, user (token.go)
//   GET  /user                           the user of the bearer's session (user.go); 403
//                                        session_not_found once the session is signed out
//   POST /logout?scope=global|local|others  ends sessions; 204 (logout.go)
//   POST /otp?redirect_to=...            signInWithOtp: {email, create_user, ...}; a magic link goes to
//                                        the local mailbox; an unknown e-mail gets 422 otp_disabled
//                                        "Signups not allowed for otp" (otp.go; no sign-ups here)
//   GET  /verify?token&type=magiclink&redirect_to
//                                        the link in the mail: 303 See Other to redirect_to with the
//                                        session in the URL fragment (implicit flow: supabase-js's default
//                                        flowType, which the console's createClient keeps), or the error
//                                        in the fragment (verify.go verifyGet, prepErrorRedirectURL)
// Errors follow errors.go HandleResponseError: a request with X-Supabase-Api-Version 2024-01-01 (auth-js
// sends it, lib/fetch.ts _request) gets {"code": "<error code>", "message"} and the header echoed; an
// older caller gets {"code": <status>, "error_code", "msg"}. auth-js reads either (lib/fetch.ts handleError).
// redirect_to is honoured only for the Site URL's origin or an allowed Redirect URL, else the Site URL
// is used (GoTrue's getRedirectURLOrReferrer); hosted, allow the console's URL in Auth's URL settings.
// Access tokens are the ES256 JWTs the functions verify against the JWKS (scripts/lib/tokens.ts).
// Not here: sign-up, PKCE, phone, MFA, OAuth, refresh-token reuse intervals, rate limits.
import { bearerToken, matchesAny } from "../../supabase/functions/_shared/auth.ts";
import { corsHeaders } from "../../supabase/functions/_shared/http.ts";
import { readJsonBody } from "../../supabase/functions/_shared/validation.ts";

export interface StandInUser {
  id: string;
  email: string;
  password: string;
  role: "viewer" | "operator";
}

export interface StandInOptions {
  users: StandInUser[];
  /** Signs the user's access token for a session: ES256 like Auth's, with app_metadata.ops_role. */
  sign: (user: StandInUser, sessionId: string, ttlSeconds: number) => Promise<string>;
  /** The verified claims of an access token, or null when it is not one of this project's. */
  verify: (token: string) => Promise<Record<string, unknown> | null>;
  /** <SUPABASE_URL>: the links in mails point at <SUPABASE_URL>/auth/v1/verify. */
  supabaseUrl: string;
  /** Auth's Site URL: where a magic link lands when redirect_to is missing or not allowed. */
  siteUrl: string;
  /** Auth's Redirect URLs: redirect_to may start with one of these (or be on the Site URL's origin). */
  redirectUrls?: string[];
  /** Auth's jwt_expiry (3600 s by default). */
  accessTokenTtlSeconds?: number;
  /** Auth's mailer OTP expiry (3600 s by default). */
  linkTtlSeconds?: number;
  now?: () => number;
}

export interface AuthError {
  code: string;
  message: string;
}

/** What an endpoint answers: a JSON body, an error, a redirect or nothing (204). */
export type Outcome =
  | { status: number; body: unknown }
  | { status: number; error: AuthError }
  | { status: 303; location: string }
  | { status: 204 };

export interface MailMessage {
  to: string;
  subject: string;
  /** The magic link, as Auth's default template's {{ .ConfirmationURL }}. */
  link: string;
  sentAt: string;
}

interface StandInSession {
  userId: string;
  refreshToken: string;
}

const fail = (status: number, code: string, message: string): Outcome => ({ status, error: { code, message } });
const INVALID_CREDENTIALS = fail(400, "invalid_credentials", "Invalid login credentials");

function randomToken(bytes = 24): string {
  const raw = crypto.getRandomValues(new Uint8Array(bytes));
  return btoa(String.fromCharCode(...raw)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function text(value: unknown): string | null {
  return typeof value === "string" && value.trim() !== "" ? value : null;
}

/** The decisions of the stand-in, free of HTTP: each endpoint's outcome for its input. */
export class AuthStandIn {
  readonly mailbox: MailMessage[] = [];
  readonly #sessions = new Map<string, StandInSession>();
  readonly #links = new Map<string, { userId: string; expiresAt: number }>();
  readonly #now: () => number;
  readonly #createdAt: string;

  constructor(private readonly options: StandInOptions) {
    this.#now = options.now ?? Date.now;
    this.#createdAt = new Date(this.#now()).toISOString();
  }

  #byEmail(email: string): StandInUser | undefined {
    const wanted = email.trim().toLowerCase();
    return this.options.users.find((u) => u.email.toLowerCase() === wanted);
  }

  /** GoTrue's user object (models.User as JSON), with the ops role in app_metadata. */
  userJson(user: StandInUser): Record<string, unknown> {
    const at = this.#createdAt;
    return {
      id: user.id,
      aud: "authenticated",
      role: "authenticated",
      email: user.email,
      email_confirmed_at: at,
      phone: "",
      confirmed_at: at,
      last_sign_in_at: new Date(this.#now()).toISOString(),
      app_metadata: { provider: "email", providers: ["email"], ops_role: user.role },
      user_metadata: {},
      identities: [],
      created_at: at,
      updated_at: at,
      is_anonymous: false,
    };
  }

  async #startSession(user: StandInUser, sessionId: string = crypto.randomUUID()) {
    const ttl = this.options.accessTokenTtlSeconds ?? 3600;
    const refreshToken = randomToken(16);
    this.#sessions.set(sessionId, { userId: user.id, refreshToken });
    return {
      access_token: await this.options.sign(user, sessionId, ttl),
      token_type: "bearer",
      expires_in: ttl,
      expires_at: Math.floor(this.#now() / 1000) + ttl,
      refresh_token: refreshToken,
      user: this.userJson(user),
    };
  }

  async passwordGrant(body: Record<string, unknown>): Promise<Outcome> {
    const email = text(body.email);
    const password = typeof body.password === "string" ? body.password : null;
    if (!email || password === null) return fail(400, "validation_failed", "missing email or phone");
    const user = this.#byEmail(email);
    // the same answer for an unknown e-mail and a wrong password: nobody learns who has an account
    if (!user || !matchesAny(password, [user.password])) return INVALID_CREDENTIALS;
    return { status: 200, body: await this.#startSession(user) };
  }

  async refreshGrant(body: Record<string, unknown>): Promise<Outcome> {
    const token = text(body.refresh_token);
    if (!token) return fail(400, "validation_failed", "refresh_token required");
    for (const [sessionId, session] of this.#sessions) {
      if (!matchesAny(token, [session.refreshToken])) continue;
      const user = this.options.users.find((u) => u.id === session.userId);
      if (!user) break;
      // the session lives on with a new refresh token; the one just used is spent
      return { status: 200, body: await this.#startSession(user, sessionId) };
    }
    return fail(400, "refresh_token_not_found", "Invalid Refresh Token: Refresh Token Not Found");
  }

  /** The bearer's user and session, or the refusal (auth.go requireAuthentication + session check). */
  async #authenticated(bearer: string | null): Promise<{ user: StandInUser; sessionId: string } | Outcome> {
    if (!bearer) return fail(401, "no_authorization", "This endpoint requires a valid Bearer token");
    const claims = await this.options.verify(bearer);
    if (!claims) return fail(403, "bad_jwt", "invalid JWT: unable to parse or verify signature");
    const sessionId = String(claims.session_id ?? "");
    const session = this.#sessions.get(sessionId);
    if (!session || session.userId !== claims.sub) {
      return fail(403, "session_not_found", "Session from session_id claim in JWT does not exist");
    }
    const user = this.options.users.find((u) => u.id === session.userId);
    if (!user) return fail(403, "user_not_found", "User from sub claim in JWT does not exist");
    return { user, sessionId };
  }

  async user(bearer: string | null): Promise<Outcome> {
    const who = await this.#authenticated(bearer);
    return "status" in who ? who : { status: 200, body: this.userJson(who.user) };
  }

  async logout(bearer: string | null, scope: string | null): Promise<Outcome> {
    const who = await this.#authenticated(bearer);
    if ("status" in who) return who;
    const which = scope ?? "global";
    if (!["global", "local", "others"].includes(which)) {
      return fail(400, "validation_failed", "Unsupported logout scope");
    }
    for (const [id, session] of this.#sessions) {
      if (session.userId !== who.user.id) continue;
      if (which === "global" || (which === "local") === (id === who.sessionId)) this.#sessions.delete(id);
    }
    return { status: 204 };
  }

  #redirectTarget(requested: string | null): string {
    const { siteUrl, redirectUrls = [] } = this.options;
    if (!requested) return siteUrl;
    try {
      const url = new URL(requested);
      if (url.origin === new URL(siteUrl).origin) return requested;
    } catch {
      return siteUrl;
    }
    return redirectUrls.some((allowed) => requested.startsWith(allowed)) ? requested : siteUrl;
  }

  otp(body: Record<string, unknown>, redirectTo: string | null): Outcome {
    const email = text(body.email);
    if (!email) return fail(400, "validation_failed", "An email address or phone number is required to get an OTP");
    const user = this.#byEmail(email);
    if (!user) {
      return body.create_user === false
        ? fail(422, "otp_disabled", "Signups not allowed for otp")
        : fail(422, "signup_disabled", "Signups not allowed for this instance");
    }
    const token = randomToken();
    this.#links.set(token, { userId: user.id, expiresAt: this.#now() + (this.options.linkTtlSeconds ?? 3600) * 1000 });
    const link = new URL(`${this.options.supabaseUrl}/auth/v1/verify`);
    link.search = new URLSearchParams({ token, type: "magiclink", redirect_to: this.#redirectTarget(redirectTo) }).toString();
    this.mailbox.push({ to: user.email, subject: "Your Magic Link", link: link.href, sentAt: new Date(this.#now()).toISOString() });
    return { status: 200, body: {} };
  }

  async verify(params: URLSearchParams): Promise<Outcome> {
    const token = text(params.get("token"));
    const type = text(params.get("type"));
    if (!token) return fail(400, "validation_failed", "Verify requires a token");
    if (!type) return fail(400, "validation_failed", "Verify requires a verification type");
    const target = new URL(this.#redirectTarget(params.get("redirect_to")));
    const link = this.#links.get(token);
    const user = link && this.options.users.find((u) => u.id === link.userId);
    if (type !== "magiclink" || !link || !user || link.expiresAt < this.#now()) {
      target.search = "";
      target.hash = new URLSearchParams({
        error: "access_denied",
        error_code: "otp_expired",
        error_description: "Email link is invalid or has expired",
      }).toString();
      return { status: 303, location: target.href };
    }
    this.#links.delete(token); // a magic link signs in once
    const session = await this.#startSession(user);
    target.hash = new URLSearchParams({
      access_token: session.access_token,
      expires_at: String(session.expires_at),
      expires_in: String(session.expires_in),
      refresh_token: session.refresh_token,
      token_type: session.token_type,
      type: "magiclink",
    }).toString();
    return { status: 303, location: target.href };
  }

  messagesFor(email: string): MailMessage[] {
    const wanted = email.trim().toLowerCase();
    return this.mailbox.filter((m) => m.to.toLowerCase() === wanted);
  }
}

/** The API version auth-js sends and GoTrue echoes (errors.go, apiversions.go). */
export const API_VERSION_HEADER = "x-supabase-api-version";
const API_VERSION_2024 = "2024-01-01";

const CORS = {
  ...corsHeaders,
  "access-control-allow-headers": `${corsHeaders["access-control-allow-headers"]}, ${API_VERSION_HEADER}`,
  "access-control-expose-headers": API_VERSION_HEADER,
};

/** An Outcome as GoTrue sends it to this request (the error shape depends on the API version asked for). */
export function toResponse(outcome: Outcome, request: Request): Response {
  const versioned = (request.headers.get(API_VERSION_HEADER) ?? "") >= API_VERSION_2024;
  const headers: Record<string, string> = { ...CORS, ...(versioned ? { [API_VERSION_HEADER]: API_VERSION_2024 } : {}) };
  if ("location" in outcome) return new Response(null, { status: 303, headers: { ...headers, location: outcome.location } });
  if (!("body" in outcome) && !("error" in outcome)) return new Response(null, { status: 204, headers });
  const body = "body" in outcome
    ? outcome.body
    : versioned
    ? { code: outcome.error.code, message: outcome.error.message }
    : { code: outcome.status, error_code: outcome.error.code, msg: outcome.error.message };
  return new Response(JSON.stringify(body), {
    status: outcome.status,
    headers: { ...headers, "content-type": "application/json" },
  });
}

async function jsonBody(request: Request): Promise<Record<string, unknown> | Outcome> {
  try {
    const { data } = await readJsonBody(request, 16_384);
    return data && typeof data === "object" && !Array.isArray(data)
      ? data as Record<string, unknown>
      : fail(400, "bad_json", "Could not parse request body as JSON: expected an object");
  } catch (error) {
    const status = (error as { status?: number }).status === 413 ? 413 : 400;
    return fail(status, status === 413 ? "request_too_large" : "bad_json", (error as Error).message);
  }
}

const isOutcome = (value: unknown): value is Outcome => typeof value === "object" && value !== null && "status" in value;

/**
 * The stand-in's HTTP routes: null for a path that is not its own. `apiKeys`: the project's
 * publishable and secret keys; the hosted gateway refuses Auth calls without one (the mailed link
 * to /verify is opened by a browser and needs none).
 */
export function authStandInHandler(standIn: AuthStandIn, apiKeys: string[]) {
  return async (request: Request): Promise<Response | null> => {
    const url = new URL(request.url);
    if (url.pathname === "/_server/mailbox" && request.method === "GET") {
      const email = url.searchParams.get("email") ?? "";
      return Response.json({ messages: standIn.messagesFor(email) });
    }
    if (!url.pathname.startsWith("/auth/v1/")) return null;
    if (request.method === "OPTIONS") return new Response("ok", { headers: CORS });
    const path = url.pathname.slice("/auth/v1".length);
    const answer = (outcome: Outcome) => toResponse(outcome, request);
    if (path === "/verify" && request.method === "GET") return answer(await standIn.verify(url.searchParams));

    const apiKey = request.headers.get("apikey");
    if (!apiKey || !matchesAny(apiKey, apiKeys)) {
      return Response.json({ message: apiKey ? "Invalid API key" : "No API key found in request" }, { status: 401, headers: CORS });
    }
    const route = `${request.method} ${path}`;
    if (route === "GET /user") return answer(await standIn.user(bearerToken(request)));
    if (route === "POST /logout") return answer(await standIn.logout(bearerToken(request), url.searchParams.get("scope")));
    if (route !== "POST /token" && route !== "POST /otp") return answer(fail(404, "not_found", "Not found"));
    const body = await jsonBody(request);
    if (isOutcome(body)) return answer(body);
    if (route === "POST /otp") return answer(standIn.otp(body, url.searchParams.get("redirect_to")));
    const grant = url.searchParams.get("grant_type");
    if (grant === "password") return answer(await standIn.passwordGrant(body));
    if (grant === "refresh_token") return answer(await standIn.refreshGrant(body));
    return answer(fail(400, "validation_failed", "unsupported_grant_type"));
  };
}
