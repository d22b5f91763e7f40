// npm run bench:monitoring — the monitoring views at scale (issue 4).
//
// Generates, in SQL (generate_series, one INSERT ... SELECT per table):
//   BENCH_SOURCES (2000) sources x BENCH_DAYS (400) days of scrape jobs and runs,
//   BENCH_LOG_LINES (20,000,000) log lines, hourly error counts and deduplicated errors;
// populates the daily rollup (ops.daily_source_stats) with the set-based rebuild, ANALYZEs,
// then measures, as the roles that read them in production:
//   looker_3d       reporting.daily_summary_looker_v, last 3 days (BI role)        target <= 50 ms
//   looker_company  reporting.daily_summary_looker_v, one company, 400 days (BI)   target <= 50 ms
//   error_trend_90d ops.error_trend_daily_v (viewer)                               target <= 300 ms
// plus a few informative figures (alerts, ops.daily_summary_v, the trigger's cost per finished
// run), and checks with EXPLAIN that no plan scans ops.logs sequentially. Prints JSON.
//
// DESTRUCTIVE: it truncates the ops tables of the LOCAL database it points at (run
// `npm run db:reset` afterwards, or keep the data with BENCH_KEEP=1 to explore it). It refuses
// to run against SUPABASE_DB_URL. Quick run: BENCH_SOURCES=200 BENCH_DAYS=60 BENCH_LOG_LINES=200000.
// BENCH_KEEP=1 keeps the data; BENCH_REUSE=1 measures kept data again without generating.
import postgres from "postgres";
import { stackConfig } from "../lib/config.ts";
import { envInt } from "./env.ts";


const SOURCES = envInt("BENCH_SOURCES", 2000);
const DAYS = envInt("BENCH_DAYS", 400);
const LOG_LINES = envInt("BENCH_LOG_LINES", 20_000_000);
const RUNS = envInt("BENCH_RUNS", 15);
const KEEP = process.env.BENCH_KEEP === "1";
// BENCH_REUSE=1: measure the data a previous BENCH_KEEP=1 run left (no generation)
const REUSE = process.env.BENCH_REUSE === "1";

const config = stackConfig();
if (config.external) {
  console.error("bench:monitoring truncates tables: it only runs against the local stack, not SUPABASE_DB_URL");
  process.exit(2);
}

const sql = postgres(config.dbUrl, { onnotice: () => {}, max: 1, prepare: false });
const progress = (message: string) => process.stderr.write(`  ${message}\n`);

async function timed<T>(label: string, work: () => Promise<T>): Promise<number> {
  const start = performance.now();
  await work();
  const ms = performance.now() - start;
  progress(`${label}: ${(ms / 1000).toFixed(1)} s`);
  return Math.round(ms);
}

// ---------------------------------------------------------------------------
// Generation
// ---------------------------------------------------------------------------
async function generate(): Promise<Record<string, number>> {
  const t: Record<string, number> = {};
  await sql.unsafe(`set synchronous_commit = off; set maintenance_work_mem = '512MB'; set work_mem = '128MB'`);
  await sql.unsafe(`truncate ops.logs, ops.error_hourly, ops.error_daily, ops.error_daily_category, ops.errors, ops.daily_source_stats, ops.source_days, ops.scrape_runs,
    ops.jobs, ops.mirror_runs, ops.sources restart identity cascade`);

  // day 0 = today - DAYS + 1 (Berlin); every source exists from day 0 on
  t.sources_ms = await timed("sources", () =>
    sql.unsafe(`
      insert into ops.sources (key, display_name, adapter, created_at)
      select 'bench-' || lpad(i::text, 4, '0'), 'Bench company ' || i, (array['greenhouse', 'lever', 'personio', 'html'])[1 + i % 4],
             ((ops_private.berlin_today() - ${DAYS - 1}) + time '00:00') at time zone 'Europe/Berlin'
      from generate_series(1, ${SOURCES}) as i`));

  // one scrape job per source and day, except ~2% of days without any run;
  // ~4% failed, ~4% partial, the rest completed; a few volume drops and zero-item days
  t.jobs_ms = await timed("jobs", () =>
    sql.unsafe(`
      insert into ops.jobs (type, status, source_id, run_date, attempt, created_at, started_at, finished_at, error, error_category)
      select 'scrape', x.status, x.source_id, x.run_date, 1, x.started_at, x.started_at,
             x.started_at + make_interval(secs => x.exec_sec),
             case when x.status = 'failed' then 'HTTP 429 Too Many Requests' end,
             case when x.status = 'failed' then 'block_429' end
      from (
        select s.id as source_id, d::date as run_date,
               case when h < 2 then null when h < 6 then 'failed' when h < 10 then 'partial' else 'completed' end as status,
               ((d::date + time '02:00') at time zone 'Europe/Berlin') + make_interval(secs => (s.id % 3600)::int) as started_at,
               30 + (s.id % 200) + (h % 20) as exec_sec
        from ops.sources s
        cross join generate_series(ops_private.berlin_today() - ${DAYS - 1}, ops_private.berlin_today(), interval '1 day') as d
        cross join lateral (select abs(hashint8(s.id * 100003 + (d::date - date '2000-01-01'))) % 100 as h) hh
      ) x
      where x.status is not null
      order by x.source_id, x.run_date`));

  t.scrape_runs_ms = await timed("scrape_runs (rollup trigger disabled for the bulk load)", async () => {
    await sql.unsafe(`alter table ops.scrape_runs disable trigger scrape_runs_rollup`);
    try {
      await sql.unsafe(`
        insert into ops.scrape_runs (job_id, source_id, run_date, status, links_checked, links_ok, links_failed,
          items_found, items_new, requests, http_failures, blocked_403, blocked_429, timeouts,
          request_time_ms_total, execution_time_sec, started_at, finished_at)
        select j.id, j.source_id, j.run_date, j.status, v.items + 5, v.items, 5,
               v.items, v.items / 10, v.items + 10, v.failures, v.failures / 4, v.failures / 4, v.failures / 5,
               (v.items + 10) * 180.0, extract(epoch from j.finished_at - j.started_at), j.started_at, j.finished_at
        from ops.jobs j
        cross join lateral (
          select abs(hashint8(j.id)) % 1000 as r, 20 + (j.source_id * 37) % 480 as base
        ) h
        cross join lateral (
          select
            case when j.status = 'failed' then 0
                 when h.r < 5 then 0                                    -- zero items
                 when h.r < 15 then h.base / 4                          -- a volume drop
                 else h.base * (90 + h.r % 21) / 100 end as items,
            case when j.status = 'failed' then 20
                 when h.r % 10 < 3 then 1 + h.r % 7 else 0 end as failures
        ) v
        where j.type = 'scrape'`);
    } finally {
      await sql.unsafe(`alter table ops.scrape_runs enable trigger scrape_runs_rollup`);
    }
  });

  await sql.unsafe(`analyze ops.jobs, ops.scrape_runs`);
  t.rollup_rebuild_ms = await timed("rollup rebuild (set-based)", () =>
    sql.unsafe(`select ops_private.rebuild_daily_source_stats()`));

  // hourly error counts: runs with failures have errors in 2 categories over 2 hours
  t.error_hourly_ms = await timed("error_hourly (daily rollup trigger disabled for the bulk load)", async () => {
    await sql.unsafe(`alter table ops.error_hourly disable trigger error_hourly_rollup`);
    try {
      await sql.unsafe(`
      insert into ops.error_hourly (hour, source_id, category, count)
      select date_trunc('hour', r.started_at) + make_interval(hours => k.h::int), r.source_id, c.category,
             greatest(1, r.http_failures / 2)
      from ops.scrape_runs r
      cross join (values (0), (1)) as k(h)
      cross join (values ('block_429'), ('network_timeout')) as c(category)
      where r.http_failures > 0`);
    } finally {
      await sql.unsafe(`alter table ops.error_hourly enable trigger error_hourly_rollup`);
    }
  });
  t.error_daily_rebuild_ms = await timed("error daily rollup rebuild (set-based)", () =>
    sql.unsafe(`select ops_private.rebuild_error_daily()`));

  t.errors_ms = await timed("errors", () =>
    sql.unsafe(`
      insert into ops.errors (source_id, fingerprint, category, severity, http_status, url, message, count, first_seen, last_occurrence)
      select s.id, md5(c.category || f), c.category, 'medium', c.status, 'https://example.test/jobs/' || f,
             c.category || ' error variant ' || f, 1 + (s.id * f) % 50,
             ops_private.now() - interval '90 days', ops_private.now() - make_interval(hours => ((s.id + f) % 200)::int)
      from ops.sources s
      cross join generate_series(1, 5) as f
      cross join (values ('block_429', 429), ('network_timeout', null::int)) as c(category, status)`));

  // 20M log lines: secondary indexes are dropped during the load and rebuilt after
  // (what a bulk load does; the definitions are read from the catalog, not repeated here)
  const indexes = await sql<{ name: string; def: string }[]>`
    select indexname as name, indexdef as def from pg_indexes
    where schemaname = 'ops' and tablename = 'logs' and indexname <> 'logs_pkey'`;
  const [{ jobs }] = await sql<{ jobs: number }[]>`select count(*)::int as jobs from ops.jobs`;
  const perJob = Math.max(1, Math.ceil(LOG_LINES / jobs));
  t.logs_ms = await timed(`logs (${LOG_LINES} lines)`, async () => {
    for (const index of indexes) await sql.unsafe(`drop index ops.${index.name}`);
    await sql.unsafe(`
      insert into ops.logs (job_id, source_id, ts, level, message, context)
      select j.id, j.source_id, j.started_at + make_interval(secs => (g % ${perJob})),
             case when g % 50 = 1 then 'ERROR' when g % 20 = 0 then 'WARNING' when g % 7 = 0 then 'DEBUG' else 'INFO' end,
             'fetched page ' || (g % 97) || ' of ' || j.source_id,
             case when g % 10 = 0 then jsonb_build_object('status', 200, 'ms', g % 900) end
      from generate_series(0, ${LOG_LINES - 1}::bigint) as g
      join ops.jobs j on j.id = 1 + g / ${perJob}`);
  });
  t.logs_indexes_ms = await timed("logs indexes", async () => {
    for (const index of indexes) await sql.unsafe(index.def);
  });
  // what autovacuum does soon after a bulk load: statistics everywhere, visibility maps on
  // the tables the views read (index-only scans); the 20M-line logs table is only analyzed
  t.vacuum_analyze_ms = await timed("vacuum analyze", async () => {
    await sql.unsafe(`vacuum analyze ops.daily_source_stats, ops.source_days, ops.error_hourly, ops.error_daily, ops.error_daily_category, ops.calendar_days, ops.sources, ops.errors`);
    await sql.unsafe(`analyze`);
  });
  return t;
}

// ---------------------------------------------------------------------------
// Measurement
// ---------------------------------------------------------------------------
type Role = "bi" | "viewer" | "superuser";

async function asRole<T>(role: Role, work: (tx: postgres.TransactionSql) => Promise<T>): Promise<T> {
  return (await sql.begin(async (tx) => {
    if (role === "bi") {
      // what a login as looker_export_ro gets: its role settings (read-only, jit = off, ...)
      await tx.unsafe(`
        select set_config(split_part(c, '=', 1), substr(c, strpos(c, '=') + 1), true)
        from pg_roles r, unnest(r.rolconfig) c where r.rolname = 'looker_export_ro'`);
      await tx.unsafe(`select set_config('role', 'looker_export_ro', true)`);
    } else if (role === "viewer") {
      await tx.unsafe(`select set_config('request.jwt.claims', $1, true), set_config('role', 'authenticated', true)`, [
        JSON.stringify({ role: "authenticated", sub: "00000000-0000-4000-8000-00000000000a", app_metadata: { ops_role: "viewer" } }),
      ]);
    }
    return work(tx);
  })) as T;
}

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Schema"?: string;
  Plans?: PlanNode[];
}

function seqScans(node: PlanNode, into: string[] = []): string[] {
  if (node["Node Type"] === "Seq Scan" && node["Relation Name"]) into.push(node["Relation Name"]);
  for (const child of node.Plans ?? []) seqScans(child, into);
  return into;
}

async function measure(name: string, query: string, role: Role, targetMs: number | null) {
  const times: number[] = [];
  let rows = 0;
  for (let i = 0; i < RUNS + 2; i++) {
    const ms = await asRole(role, async (tx) => {
      const start = performance.now();
      const result = await tx.unsafe(query);
      const elapsed = performance.now() - start;
      rows = result.length;
      return elapsed;
    });
    if (i >= 2) times.push(ms); // two warm-up runs
  }
  times.sort((a, b) => a - b);
  const plan = await asRole(role, async (tx) => {
    const [row] = await tx.unsafe(`explain (analyze, buffers, format json) ${query}`);
    return (row["QUERY PLAN"] as { Plan: PlanNode; "Execution Time": number }[])[0];
  });
  const scans = seqScans(plan.Plan);
  const jit = (plan as unknown as { JIT?: { Timing?: { Total?: number } } }).JIT?.Timing?.Total ?? 0;
  const median = times[Math.floor(times.length / 2)];
  progress(`${name}: median ${median.toFixed(1)} ms, ${rows} rows`);
  return {
    query: query.replace(/\s+/g, " ").trim(),
    role,
    rows,
    median_ms: round(median),
    min_ms: round(times[0]),
    max_ms: round(times[times.length - 1]),
    explain_execution_ms: round(plan["Execution Time"]),
    explain_jit_ms: round(jit),
    target_ms: targetMs,
    within_target: targetMs === null ? null : median <= targetMs,
    seq_scans: [...new Set(scans)],
    seq_scan_on_logs: scans.includes("logs"),
  };
}

const round = (n: number) => Math.round(n * 100) / 100;

async function triggerCost(): Promise<Record<string, number>> {
  // re-finish 200 recent runs one by one, each statement firing the rollup trigger
  const ids = await sql<{ job_id: number }[]>`
    select job_id from ops.scrape_runs where status = 'completed' order by run_date desc, job_id limit 200`;
  const start = performance.now();
  for (const { job_id } of ids) {
    await sql`update ops.scrape_runs set items_found = items_found + 1 where job_id = ${job_id}`;
  }
  const ms = performance.now() - start;
  return { runs: ids.length, total_ms: round(ms), per_run_ms: round(ms / Math.max(1, ids.length)) };
}

// ---------------------------------------------------------------------------
try {
  progress(`bench:monitoring: ${SOURCES} sources x ${DAYS} days, ${LOG_LINES} log lines`);
  const generation = REUSE ? {} : await generate();
  const [sizes] = await sql`
    select (select count(*) from ops.sources)::int as sources,
           (select count(*) from ops.scrape_runs)::int as scrape_runs,
           (select count(*) from ops.daily_source_stats)::int as rollup_rows,
           (select reltuples::bigint from pg_class where oid = 'ops.logs'::regclass) as logs,
           (select count(*) from ops.error_hourly)::int as error_hourly_rows,
           pg_size_pretty(pg_total_relation_size('ops.logs')) as logs_size`;
  const company = `bench-${String(Math.ceil(SOURCES / 2)).padStart(4, "0")}`;
  // the local tester (postgres, no superuser in the hosted role model) may switch only to roles it
  // is a member of, as the pgTAP helpers do
  await sql.unsafe(`grant looker_export_ro to current_user`);
  const queries = {
    looker_3d: await measure(
      "looker_3d",
      `select * from reporting.daily_summary_looker_v where run_date >= (now() at time zone 'Europe/Berlin')::date - 2`,
      "bi",
      50,
    ),
    looker_company: await measure(
      "looker_company",
      `select * from reporting.daily_summary_looker_v where company_key = '${company}'`,
      "bi",
      50,
    ),
    error_trend_90d: await measure("error_trend_90d", `select * from ops.error_trend_daily_v`, "viewer", 300),
    daily_summary_3d: await measure(
      "daily_summary_3d",
      `select * from ops.daily_summary_v where run_date >= (now() at time zone 'Europe/Berlin')::date - 2`,
      "viewer",
      null,
    ),
    alerts: await measure("alerts", `select * from ops.alerts_v`, "viewer", null),
    slo_status: await measure("slo_status", `select * from ops.slo_status_v`, "viewer", null),
  };
  const trigger = await triggerCost();
  const result = {
    benchmark: "monitoring",
    sizes: { ...sizes, requested_log_lines: LOG_LINES, days: DAYS },
    generation_ms: generation,
    queries,
    rollup_trigger: trigger,
    all_within_target: Object.values(queries).every((q) => q.within_target !== false),
    no_seq_scan_on_logs: Object.values(queries).every((q) => !q.seq_scan_on_logs),
  };
  if (!KEEP) {
    await timed("cleanup (BENCH_KEEP=1 keeps the data)", () =>
      sql.unsafe(`truncate ops.logs, ops.error_hourly, ops.error_daily, ops.error_daily_category, ops.errors, ops.daily_source_stats, ops.source_days, ops.scrape_runs,
        ops.jobs, ops.mirror_runs, ops.sources restart identity cascade`));
  }
  console.log(JSON.stringify(result, null, 2));
} finally {
  await sql.end();
}
