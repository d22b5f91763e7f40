// Benchmark of the BI mirror export on the running local stack. Prints JSON.
//
//   npm run bench:mirror   (env: COMPANIES=2000 DAYS=3 RUNS=5)
//
// Data: COMPANIES sources with one finished scrape run per day for the last DAYS Berlin days
// (today included), generated in SQL: jobs and scrape_runs are bulk-inserted with triggers off
// (session_replication_role = replica) and the rollup is rebuilt set-based by
// ops_private.rebuild_daily_source_stats(), the documented path for bulk loads. Statuses and
// volumes vary per company and day (success, partial, failed, zero items).
//
// local:    POST /functions/v1/mirror {"action":"export","days":DAYS} through the functions server
//           (local target `scrape_ops_mirror`): wall time per export and the recorded duration_ms.
// bigquery: the same handler in-process with BIGQUERY_* pointing at the stand-in: HTTP requests
//           per export (first export into a project, then each later one: token + one jobs.query
//           whose script creates dataset and table when missing and MERGEs) and the request size.
import postgres from "postgres";
import { BigQueryStandIn } from "../bigquery-standin/server.ts";
import { createTestServiceAccount } from "../bigquery-standin/service-account.ts";
import { serviceHeaders, stackConfig, stackEnv } from "../lib/config.ts";
import { authFromEnv } from "../../supabase/functions/_shared/auth.ts";
import { connectDb, pgTypes } from "../../supabase/functions/_shared/db.ts";
import { localStackMirrorUrl } from "../../supabase/functions/_shared/mirror/local-target.ts";
import { mirrorTargetFromEnv } from "../../supabase/functions/_shared/mirror/target.ts";
import { createMirrorHandler } from "../../supabase/functions/mirror/handler.ts";

const config = stackConfig();
const companies = Number(process.env.COMPANIES ?? 2000);
const days = Number(process.env.DAYS ?? 3);
const runs = Number(process.env.RUNS ?? 5);
const PREFIX = "bench-mirror-";
const sql = postgres(config.dbUrl, { max: 2, onnotice: () => {}, types: pgTypes });
const mirror = postgres(localStackMirrorUrl(config.dbUrl), { max: 1, onnotice: () => {} });

function stats(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const round = (v: number) => Math.round(v * 10) / 10;
  return {
    min: round(sorted[0]),
    median: round(sorted[Math.floor(sorted.length / 2)]),
    max: round(sorted[sorted.length - 1]),
  };
}

async function cleanUp() {
  await sql`delete from ops.jobs where source_id in (select id from ops.sources where key like ${
    PREFIX + "%"
  })`;
  await sql`delete from ops.sources where key like ${PREFIX + "%"}`;
  await mirror`delete from monitoring.daily_summary where company_key like ${PREFIX + "%"}`.catch(() => {});
}

async function generate(): Promise<number> {
  const t0 = performance.now();
  await sql.begin(async (tx) => {
    await tx`set local session_replication_role = replica`;
    await tx`
      insert into ops.sources (key, display_name, adapter, created_at)
      select ${PREFIX} || lpad(i::text, 5, '0'), 'Bench company ' || i, 'greenhouse', now() - make_interval(days => ${days})
        from generate_series(1, ${companies}) i`;
    await tx`
      with runs as (
        select s.id as source_id, d.day,
               (array['completed', 'completed', 'completed', 'partial', 'failed'])[1 + (s.id + d.n) % 5] as status,
               case when (s.id + d.n) % 13 = 0 then 0 else 20 + (s.id * 7 + d.n * 3) % 180 end as items,
               50 + (s.id * 11 + d.n) % 250 as requests,
               (s.id + d.n) % 9 as failures,
               (s.id * 3 + d.n) % 4 as blocked,
               round((30 + (s.id * 13 + d.n * 17) % 600)::numeric / 7, 3) as exec,
               ((d.day + time '02:00') at time zone 'Europe/Berlin') + make_interval(secs => s.id % 3600) as started
          from ops.sources s
          cross join lateral (
            select n, ops_private.berlin_today() - n as day from generate_series(0, ${days - 1}) n) d
         where s.key like ${PREFIX + "%"}
      ),
      jobs as (
        insert into ops.jobs (type, status, source_id, run_date, created_at, started_at, finished_at)
        select 'scrape', r.status, r.source_id, r.day, r.started, r.started,
               r.started + make_interval(secs => r.exec::double precision)
          from runs r
        returning id, source_id, run_date, status, started_at, finished_at
      )
      insert into ops.scrape_runs (job_id, source_id, run_date, status, items_found, requests, http_failures,
                                   blocked_403, execution_time_sec, started_at, finished_at)
      select j.id, j.source_id, j.run_date, j.status, r.items, r.requests, least(r.failures, r.requests), r.blocked,
             r.exec, j.started_at, j.finished_at
        from jobs j join runs r on r.source_id = j.source_id and r.day = j.run_date`;
  });
  await sql`select ops_private.rebuild_daily_source_stats()`;
  return performance.now() - t0;
}

async function localExports() {
  const wall: number[] = [];
  const recorded: number[] = [];
  let rows = 0;
  for (let i = 0; i <= runs; i++) {
    const t0 = performance.now();
    const response = await fetch(`${config.supabaseUrl}/functions/v1/mirror`, {
      method: "POST",
      headers: { "content-type": "application/json", ...serviceHeaders(config) },
      body: JSON.stringify({ action: "export", days }),
    });
    const body = await response.json();
    const ms = performance.now() - t0;
    if (response.status !== 200) throw new Error(`local export failed: ${JSON.stringify(body)}`);
    rows = body.export.rows_upserted;
    if (i === 0) continue; // the first export creates the table and warms connections
    wall.push(ms);
    recorded.push(body.export.duration_ms);
  }
  const [{ n }] = await mirror`
    select count(*)::int as n from monitoring.daily_summary where company_key like ${PREFIX + "%"}`;
  return {
    rows_per_export: rows,
    bench_rows_in_mirror: n,
    http_ms: stats(wall),
    duration_ms: stats(recorded),
  };
}

async function bigQueryExports() {
  const account = await createTestServiceAccount("scrape-ops-bench");
  const standIn = await BigQueryStandIn.start({
    publicKey: account.publicKey,
    clientEmail: account.clientEmail,
  });
  const fnSql = connectDb(config.dbUrl);
  try {
    const targets = mirrorTargetFromEnv({
      BIGQUERY_PROJECT_ID: "scrape-ops-bench",
      BIGQUERY_SERVICE_ACCOUNT_KEY: account.keyJson(standIn.tokenUrl),
      BIGQUERY_API_URL: standIn.apiUrl,
    }, { bigQuery: { pollIntervalMs: 0 } });
    const handler = createMirrorHandler({
      sql: fnSql,
      auth: authFromEnv(stackEnv(config)),
      targets,
      work: async () => {},
      background: () => {},
      log: () => {},
    });
    const requestsPerExport: number[] = [];
    const sequences: string[][] = [];
    const wall: number[] = [];
    let scriptBytes = 0;
    let scriptRequests = 0;
    let rows = 0;
    for (let i = 0; i <= runs; i++) {
      const before = standIn.requests.length;
      const t0 = performance.now();
      const response = await handler(
        new Request("http://127.0.0.1/mirror", {
          method: "POST",
          headers: { "content-type": "application/json", ...serviceHeaders(config) },
          body: JSON.stringify({ action: "export", days }),
        }),
      );
      const body = await response.json();
      wall.push(performance.now() - t0);
      if (response.status !== 200) throw new Error(`bigquery export failed: ${JSON.stringify(body)}`);
      rows = body.export.rows_upserted;
      const sent = standIn.requests.slice(before);
      requestsPerExport.push(sent.length);
      sequences.push(
        sent.map((r) => `${r.method} ${r.path.replace(/^\/bigquery\/v2\/projects\/[^/]+/, "")}`),
      );
      const scripts = sent.filter((r) => r.path.endsWith("/queries"));
      scriptRequests = scripts.length;
      scriptBytes = Math.max(...scripts.map((m) => Buffer.byteLength(JSON.stringify(m.body))));
    }
    return {
      rows_per_export: rows,
      requests_first_export: requestsPerExport[0],
      requests_per_later_export: [...new Set(requestsPerExport.slice(1))],
      sequence_first_export: sequences[0],
      sequence_later_export: sequences[1],
      script_requests_per_export: scriptRequests,
      script_request_bytes: scriptBytes,
      in_process_ms_first_export: Math.round(wall[0]),
      in_process_ms_later_exports: stats(wall.slice(1)),
      stand_in_rows: standIn.rowsOf("scrape-ops-bench:monitoring.daily_summary").length,
    };
  } finally {
    await standIn.close();
    await fnSql.end();
  }
}

try {
  await cleanUp();
  const generateMs = await generate();
  const local = await localExports();
  const bigquery = await bigQueryExports();
  console.log(JSON.stringify(
    {
      benchmark: "mirror export",
      companies,
      days,
      runs,
      generate_ms: Math.round(generateMs),
      local: { ...local, limit_ms: 3000, within_limit: local.http_ms.max <= 3000 },
      bigquery: {
        ...bigquery,
        limit_requests: 3,
        within_limit: [bigquery.requests_first_export, ...bigquery.requests_per_later_export].every((n) =>
          n <= 3
        ),
      },
    },
    null,
    2,
  ));
} finally {
  await cleanUp();
  await Promise.all([sql.end(), mirror.end()]);
}
