// Local functions server: one Deno process that serves every folder of
// supabase/functions at http://127.0.0.1:<port>/functions/v1/<name>, the way
// Supabase's gateway and edge runtime do when hosted:
//   - each function's index.ts calls Deno.serve(handler); we capture that handler;
//   - the request path seen by the function starts at /<name> (gateway prefix stripped);
//   - a valid JWT is required unless config.toml says verify_jwt = false for
//     that function (the gateway check: it understands JWTs only);
//   - handlers read SUPABASE_URL, SUPABASE_DB_URL, SUPABASE_JWKS,
//     SUPABASE_PUBLISHABLE_KEYS and SUPABASE_SECRET_KEYS from the environment
//     in hosted shapes (the launcher sets them);
//   - Auth's public signing keys are served at /auth/v1/.well-known/jwks.json
//     (and /auth/v1/jwks), the paths hosted Auth publishes them at;
//   - a local stand-in of Auth itself (./auth.ts) answers supabase-js's sign-in
//     calls under /auth/v1/ for this checkout's local users (scripts/lib/local-users.ts),
//     and shows the magic links it "mails" at /_server/mailbox?email=...
// It also turns `pg_notify('ops_dispatch', ...)` into the HTTP call that pg_net
// makes on hosted Supabase (see ops.dispatch).
import { parse as parseToml } from "smol-toml";
import { AuthStandIn, authStandInHandler } from "./auth.ts";
import { listenForDispatch } from "./dispatch.ts";
import { type Handler, loadHandlers } from "./load.ts";
import { authFromEnv, bearerToken, parseNamedKeys } from "../../supabase/functions/_shared/auth.ts";
import { errorResponse } from "../../supabase/functions/_shared/http.ts";
import { LOCAL_DIR, stackConfig } from "../lib/config.ts";
import { localUsers } from "../lib/local-users.ts";
import { mintUserToken } from "../lib/tokens.ts";


// Hosted, each function runs in an isolate that the edge runtime replaces when it crashes: an
// uncaught error fails that request, not every function. This one process serves them all, so an
// uncaught error is logged, the process keeps serving, and every function is loaded afresh (new
// module instances with new database pools) as new isolates would be; clients retry as they would
// hosted. The one met in practice: postgres.js 3.4 throws outside any promise ("Cannot read
// properties of null (reading 'write')") when the database closes a socket with a write still
// queued, e.g. on a PostgreSQL restart (porsager/postgres#1154, #1208; fix proposed in #1209). The
// throw skips resetting the connection's write timer, so that connection never writes again and
// its queries wait for the 30 s connect timeout: the old pool must not serve another request.
// The old instances' idle connections close after their idle timeout.
let generation = 0;
let reloading: Promise<void> | null = null;
function survive(kind: string, event: Event & { preventDefault(): void }, error: unknown) {
  event.preventDefault();
  console.error(`functions server: ${kind} (serving on, reloading the functions):`, error);
  reloading ??= loadFunctions(++generation)
    .then((fresh) => {
      functions = fresh;
    })
    .catch((reloadError) => console.error("functions server: reload failed:", reloadError))
    .finally(() => {
      reloading = null;
    });
}
globalThis.addEventListener("error", (event) => survive("uncaught error", event, event.error));
globalThis.addEventListener("unhandledrejection", (event) => survive("unhandled rejection", event, event.reason));

const root = new URL("../../", import.meta.url);
const functionsDir = new URL("supabase/functions/", root);
const port = Number(Deno.env.get("FUNCTIONS_PORT") ?? "54321");
const gateway = authFromEnv(Deno.env.toObject());
const jwks = Deno.env.get("SUPABASE_JWKS") ?? '{"keys":[]}';

interface FunctionEntry {
  handler: Handler;
  verifyJwt: boolean;
}

async function readVerifyJwt(): Promise<Record<string, boolean>> {
  const config = parseToml(await Deno.readTextFile(new URL("supabase/config.toml", root))) as {
    functions?: Record<string, { verify_jwt?: boolean }>;
  };
  return Object.fromEntries(
    Object.entries(config.functions ?? {}).map(([name, settings]) => [name, settings.verify_jwt ?? true]),
  );
}

async function loadFunctions(generation = 0): Promise<Map<string, FunctionEntry>> {
  const verifyJwt = await readVerifyJwt();
  const handlers = await loadHandlers(functionsDir, generation);
  return new Map([...handlers].map(([name, handler]) => [name, { handler, verifyJwt: verifyJwt[name] ?? true }]));
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });
}

/** The gateway's verify_jwt check: null when the bearer is a valid JWT, else the 401 to answer. */
async function gatewayCheck(request: Request): Promise<Response | null> {
  const token = bearerToken(request);
  const verified = token
    ? await gateway.verifyJwt(token).catch(() => ({ ok: false as const, reason: "keys_unavailable", message: "signing keys unavailable" }))
    : { ok: false as const, reason: "missing_credentials", message: "Missing authorization header" };
  if (verified.ok) return null;
  return errorResponse(401, "unauthorized", verified.message, { details: { reason: verified.reason } });
}

/** The Auth stand-in, when this checkout has a signing key and local users (the stack creates both). */
function authStandIn() {
  const config = stackConfig();
  const users = localUsers(LOCAL_DIR, false);
  if (!config.signingKey || !users) return null;
  const standIn = new AuthStandIn({
    users,
    sign: (user, sessionId, ttlSeconds) =>
      mintUserToken({ role: user.role, email: user.email, sub: user.id, sessionId, ttlSeconds }, config),
    verify: async (token) => {
      const verified = await gateway.verifyJwt(token).catch(() => null);
      return verified?.ok ? verified.claims : null;
    },
    supabaseUrl: config.supabaseUrl,
    siteUrl: Deno.env.get("AUTH_SITE_URL") ?? `http://127.0.0.1:${config.consolePort}/`,
  });
  const apiKeys = [...parseNamedKeys(Deno.env.get("SUPABASE_PUBLISHABLE_KEYS")), ...parseNamedKeys(Deno.env.get("SUPABASE_SECRET_KEYS"))];
  return authStandInHandler(standIn, apiKeys);
}

let functions = await loadFunctions();
const auth = authStandIn();

Deno.serve({ hostname: "127.0.0.1", port, onListen: () => {} }, async (request, info) => {
  const url = new URL(request.url);
  if (url.pathname === "/_server/health") return json(200, { functions: [...functions.keys()] });
  if (url.pathname === "/auth/v1/.well-known/jwks.json" || url.pathname === "/auth/v1/jwks") {
    return new Response(jwks, { headers: { "content-type": "application/json", "cache-control": "public, max-age=600" } });
  }
  const authAnswer = await auth?.(request);
  if (authAnswer) return authAnswer;
  const match = url.pathname.match(/^\/functions\/v1\/([^/]+)(\/.*)?$/);
  const entry = match ? functions.get(match[1]) : undefined;
  // The gateway's own answers use the API's error shape, so a client handles one shape everywhere.
  if (!match || !entry) return errorResponse(404, "not_found", "Requested function was not found");

  if (entry.verifyJwt && request.method !== "OPTIONS") {
    const refused = await gatewayCheck(request);
    if (refused) return refused;
  }
  const forwarded = new URL(`/${match[1]}${match[2] ?? ""}${url.search}`, url.origin);
  const started = performance.now();
  try {
    const response = await entry.handler(new Request(forwarded, request), info);
    console.log(`${request.method} ${url.pathname} ${response.status} ${(performance.now() - started).toFixed(0)}ms`);
    return response;
  } catch (error) {
    console.error(`${request.method} ${url.pathname} crashed:`, error);
    return errorResponse(500, "internal_error", "Function exited due to an error");
  }
});

console.log(`functions server on http://127.0.0.1:${port}/functions/v1/ serving ${[...functions.keys()].join(", ")}`);

const dbUrl = Deno.env.get("SUPABASE_DB_URL");
const [secretKey] = parseNamedKeys(Deno.env.get("SUPABASE_SECRET_KEYS"));
if (dbUrl && secretKey) {
  await listenForDispatch({ dbUrl, functionsUrl: `http://127.0.0.1:${port}/functions/v1`, secretKey });
}
