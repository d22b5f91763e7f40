// npm run deploy:check: is the project at SUPABASE_URL (default: the local stack) ready to run?
// Checks what a deployment needs, prints one line per check and, for each missing piece, what
// to do; exits 1 when anything is missing. Read-only except for one probe wake-up (dispatch).
//   SUPABASE_URL, SUPABASE_DB_URL, SUPABASE_SECRET_KEY   the project (README, "Deploy")
//   OPS_VIEWER_TOKEN   a signed-in viewer's access token (hosted; the local stack mints one)
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import postgres from "postgres";
import { ROOT, serviceHeaders, stackConfig } from "./lib/config.ts";
import { mintUserToken } from "./lib/tokens.ts";

const config = stackConfig();
const functionUrl = (name: string, path = "") => `${config.supabaseUrl}/functions/v1/${name}${path}`;

interface Outcome {
  ok: boolean;
  detail: string;
  /** What to do when not ok. */
  fix?: string;
}

const results: { name: string; outcome: Outcome }[] = [];

async function check(name: string, run: () => Promise<Outcome>): Promise<void> {
  let outcome: Outcome;
  try {
    outcome = await run();
  } catch (error) {
    outcome = { ok: false, detail: error instanceof Error ? error.message : String(error) };
  }
  results.push({ name, outcome });
  const mark = outcome.ok ? "✔" : "✘";
  console.log(`${mark} ${name.padEnd(30)} ${outcome.detail}${!outcome.ok && outcome.fix ? `\n    → ${outcome.fix}` : ""}`);
}

async function status(url: string, headers: Record<string, string> = {}): Promise<number> {
  const response = await fetch(url, { headers, signal: AbortSignal.timeout(15_000) });
  await response.body?.cancel();
  return response.status;
}

/** The cron jobs the migrations schedule: cron.schedule('<name>', ...). */
function scheduledJobs(): string[] {
  const dir = join(ROOT, "supabase", "migrations");
  const names = new Set<string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".sql"))) {
    for (const match of readFileSync(join(dir, file), "utf8").matchAll(/cron\.schedule\(\s*'([^']+)'/g)) {
      names.add(match[1]);
    }
  }
  return [...names].sort();
}

console.log(`deploy:check against ${config.supabaseUrl}\n`);

await check("health", async () => {
  const response = await fetch(functionUrl("health"), { signal: AbortSignal.timeout(15_000) });
  const body = await response.json().catch(() => null);
  return response.ok
    ? { ok: true, detail: `database reachable, latest migration ${body?.database?.latest_migration}` }
    : { ok: false, detail: `HTTP ${response.status}`, fix: "npx supabase functions deploy; npx supabase db push" };
});

await check("signing keys (JWKS)", async () => {
  const response = await fetch(`${config.supabaseUrl}/auth/v1/.well-known/jwks.json`);
  const keys = response.ok ? ((await response.json()).keys ?? []) : [];
  return keys.length > 0
    ? { ok: true, detail: `${keys.length} key(s): ${keys.map((k: { alg?: string }) => k.alg).join(", ")}` }
    : { ok: false, detail: `no keys (HTTP ${response.status})`, fix: "Dashboard > Project Settings > JWT Keys: migrate to signing keys" };
});

await check("signed-in viewer call", async () => {
  const token = process.env.OPS_VIEWER_TOKEN ?? (config.signingKey ? await mintUserToken({ role: "viewer" }, config) : null);
  if (!token) {
    return {
      ok: false,
      detail: "no viewer token",
      fix: "set OPS_VIEWER_TOKEN to the access token of a user whose app_metadata.ops_role is viewer",
    };
  }
  const code = await status(functionUrl("control", "/status"), { authorization: `Bearer ${token}` });
  return code === 200
    ? { ok: true, detail: "GET /control/status 200" }
    : { ok: false, detail: `GET /control/status ${code}`, fix: code === 403 ? "give the user app_metadata.ops_role" : undefined };
});

await check("service call (secret key)", async () => {
  if (!config.secretKey) return { ok: false, detail: "no secret key", fix: "set SUPABASE_SECRET_KEY=sb_secret_..." };
  const code = await status(functionUrl("control", "/status"), serviceHeaders(config));
  const forged = await status(functionUrl("control", "/status"), { apikey: `${config.secretKey}-not-ours` });
  return code === 200 && forged === 401
    ? { ok: true, detail: "accepted; an unknown secret key gets 401" }
    : { ok: false, detail: `secret key ${code}, unknown key ${forged}`, fix: "the functions get SUPABASE_SECRET_KEYS from the platform: redeploy them" };
});

await check("jobs function (stream tokens)", async () => {
  const code = await status(functionUrl("jobs", "?limit=1"), serviceHeaders(config));
  return code === 200
    ? { ok: true, detail: "starts (OPS_STREAM_TOKEN_SECRET is set)" }
    : { ok: false, detail: `GET /jobs ${code}`, fix: "npx supabase secrets set OPS_STREAM_TOKEN_SECRET=$(openssl rand -base64 32)" };
});

const sql = postgres(config.dbUrl, { max: 1, onnotice: () => {}, connect_timeout: 15 });
try {
  await check("cron jobs", async () => {
    const rows = await sql<{ jobname: string; active: boolean }[]>`select jobname, active from cron.job`;
    const present = new Map(rows.map((r) => [r.jobname, r.active]));
    const expected = scheduledJobs();
    const missing = expected.filter((name) => !present.has(name));
    // paused jobs are listed, not failed: npm test pauses them on purpose while vitest runs
    const paused = expected.filter((name) => present.get(name) === false);
    const note = paused.length ? ` (paused: ${paused.join(", ")})` : "";
    return missing.length === 0
      ? { ok: true, detail: `${expected.join(", ")}${note}` }
      : {
        ok: false,
        detail: `missing ${missing.join(", ")}${note}`,
        fix: "npx supabase db push (the schedules migration registers them); enable pg_cron first",
      };
  });

  await check("dispatch round trip", async () => {
    const [{ via }] = await sql`select coalesce(nullif(current_setting('ops.dispatch_via', true), ''), 'pg_net') as via`;
    if (via === "notify") {
      // the local stack: pg_notify, turned into HTTP by the functions server's listener
      const [{ listeners }] = await sql`
        select count(*)::int as listeners from pg_stat_activity where query ilike 'listen%ops_dispatch%'`;
      return listeners > 0
        ? { ok: true, detail: "local pg_notify path; the functions server listens" }
        : { ok: false, detail: "nobody listens on ops_dispatch", fix: "npm run stack:up" };
    }
    const missing: string[] = [];
    const [{ net }] = await sql`select exists (select 1 from pg_extension where extname = 'pg_net') as net`;
    if (!net) missing.push("pg_net (create extension pg_net with schema extensions)");
    const [{ vault }] = await sql`select to_regclass('vault.decrypted_secrets') is not null as vault`;
    const secrets = vault
      ? (await sql<{ name: string }[]>`select name from vault.decrypted_secrets where name in ('project_url', 'secret_key')`)
        .map((r) => r.name)
      : [];
    for (const name of ["project_url", "secret_key"]) {
      if (!secrets.includes(name)) missing.push(`Vault secret ${name} (select vault.create_secret('...', '${name}'))`);
    }
    if (missing.length) return { ok: false, detail: "cannot dispatch", fix: `add ${missing.join("; ")}` };
    const [{ id }] = await sql`select ops_private.dispatch_record('health', ${sql.json({ probe: "deploy-check", at: Date.now() })}) as id`;
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      await sql`select ops_private.reconcile_dispatches()`;
      const [row] = await sql`select status, http_status, last_error from ops.dispatches where id = ${id}`;
      if (row.status === "delivered") return { ok: true, detail: `pg_net -> health answered ${row.http_status}` };
      if (row.status === "undelivered") {
        return { ok: false, detail: row.last_error ?? "undelivered", fix: "check the Vault secrets' values (project URL, a current secret key)" };
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    return { ok: false, detail: "no answer from pg_net within 30 s", fix: "is pg_net's worker running? select * from net._http_response" };
  });
} finally {
  await sql.end();
}

const failed = results.filter((r) => !r.outcome.ok);
console.log(failed.length ? `\n${failed.length} of ${results.length} checks failed: ${failed.map((r) => r.name).join(", ")}` : `\nall ${results.length} checks passed`);
process.exit(failed.length ? 1 : 0);
