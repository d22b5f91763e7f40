// Local functions server: one Deno process that serves every folder of
// supabase/functions at http://127.0.0.1:<port>/functions/v1/<name>, the way
// Supabase's gateway and edge runtime do when hosted:
//   - each function's index.ts calls Deno.serve(handler); we capture that handler;
//   - the request path seen by the function starts at /<name> (gateway prefix stripped);
//   - a JWT signed with the project's secret is required unless config.toml says
//     verify_jwt = false for that function;
//   - handlers read SUPABASE_URL, SUPABASE_DB_URL, SUPABASE_ANON_KEY and
//     SUPABASE_SERVICE_ROLE_KEY from the environment (the launcher sets them).
// It also turns `pg_notify('ops_dispatch', ...)` into the HTTP call that pg_net
// makes on hosted Supabase (see ops.dispatch).
import { parse as parseToml } from "smol-toml";
import { listenForDispatch } from "./dispatch.ts";
import { errorResponse } from "../../supabase/functions/_shared/http.ts";
import { verifyGatewayJwt } from "../../supabase/functions/_shared/jwt.ts";

type Handler = (request: Request, info?: Deno.ServeHandlerInfo) => Response | Promise<Response>;

const root = new URL("../../", import.meta.url);
const functionsDir = new URL("supabase/functions/", root);
const port = Number(Deno.env.get("FUNCTIONS_PORT") ?? "54321");
const jwtSecret = Deno.env.get("SUPABASE_JWT_SECRET") ?? "";

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

// The edge runtime's background-task API, so handlers can use it unchanged.
const edgeRuntime = {
  waitUntil(promise: Promise<unknown>) {
    promise.catch((error) => console.error("waitUntil task failed:", error));
  },
};
Object.defineProperty(globalThis, "EdgeRuntime", { value: edgeRuntime, configurable: true });

async function loadFunctions(): Promise<Map<string, FunctionEntry>> {
  const verifyJwt = await readVerifyJwt();
  const entries = new Map<string, FunctionEntry>();
  const names: string[] = [];
  for await (const entry of Deno.readDir(functionsDir)) {
    if (!entry.isDirectory || entry.name.startsWith("_")) continue;
    try {
      await Deno.stat(new URL(`${entry.name}/index.ts`, functionsDir));
      names.push(entry.name);
    } catch {
      // a folder without index.ts is not a function
    }
  }
  const realServe = Deno.serve;
  for (const name of names.sort()) {
    let captured: Handler | undefined;
    Object.defineProperty(Deno, "serve", {
      configurable: true,
      writable: true,
      value: (...args: unknown[]) => {
        const last = args[args.length - 1];
        captured = (typeof last === "function" ? last : (last as { handler: Handler }).handler) as Handler;
        return { finished: Promise.resolve(), shutdown: () => Promise.resolve(), ref() {}, unref() {} };
      },
    });
    await import(new URL(`${name}/index.ts`, functionsDir).href);
    if (!captured) throw new Error(`supabase/functions/${name}/index.ts did not call Deno.serve`);
    entries.set(name, { handler: captured, verifyJwt: verifyJwt[name] ?? true });
  }
  Object.defineProperty(Deno, "serve", { configurable: true, writable: true, value: realServe });
  return entries;
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}

const functions = await loadFunctions();

Deno.serve({ hostname: "127.0.0.1", port, onListen: () => {} }, async (request, info) => {
  const url = new URL(request.url);
  if (url.pathname === "/_server/health") return json(200, { functions: [...functions.keys()] });
  const match = url.pathname.match(/^\/functions\/v1\/([^/]+)(\/.*)?$/);
  const entry = match ? functions.get(match[1]) : undefined;
  // The gateway's own answers use the API's error shape, so a client handles one shape everywhere.
  if (!match || !entry) return errorResponse(404, "not_found", "Requested function was not found");

  if (entry.verifyJwt && request.method !== "OPTIONS") {
    const failure = await verifyGatewayJwt(request.headers.get("authorization"), jwtSecret);
    if (failure) return errorResponse(401, "unauthorized", failure);
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
const serviceRoleKey = Deno.env.get("SUPABASE_SERVICE_ROLE_KEY");
if (dbUrl && serviceRoleKey) {
  await listenForDispatch({ dbUrl, functionsUrl: `http://127.0.0.1:${port}/functions/v1`, serviceRoleKey });
}
