// npm run bench:pipeline — the whole nightly pipeline at scale, through the real functions.
//
// BENCH_SOURCES (200) companies x BENCH_POSTINGS (100) postings on the fixture sites, every
// format round-robin, no faults, rate_limit_seconds 0. Starts the run with POST /pipeline/run
// (the new scrape jobs wake their workers from SQL), follows the root job until it is
// terminal, then prints JSON: wall time, the root's per-phase times (result.phases), jobs,
// postings (stored and expected from the fixtures' ground truth), the scrape success rate.
// Target: wall time <= 60 s on a 2-core machine.
//
// It runs on its own key prefix and removes what it created afterwards (its sources with their
// postings, snapshots and scores; its jobs and their logs). The lifespan, repost and score phases
// are global by design, so other sources of the database are scored for the run date too.
// BENCH_KEEP=1 keeps everything. It refuses to start while another pipeline is running (409).
//
// Where the time goes (2 cores, local stack): about 10-17 s in all, the scrape phase 7-12 s of it.
// The machine is CPU-bound, not waiting: during a run Postgres uses ~8.5 CPU-s, the functions server
// (one Deno process) ~6.5 CPU-s, the fixture sites ~2.4 CPU-s. So more scrape workers help little
// (ops.job_types.wake_fanout of scrape 1: scrape ~12-13.5 s; 4: 8-11.5 s; 8: 7-9 s) and budgets or per-host
// limits do not matter here; the repost phase (pg_trgm over all postings) takes 0.7-2.4 s.
import postgres from "postgres";
import { defineCompanies, FORMATS, postingsOn } from "../fixtures/catalog.ts";
import { startFixtureServer } from "../fixtures/server.ts";
import { serviceHeaders, stackConfig } from "../lib/config.ts";
import { envInt } from "./env.ts";
import { isTerminal, PIPELINE_PHASES } from "../../supabase/functions/_shared/jobs/api.ts";
import { pgTypes } from "../../supabase/functions/_shared/db.ts";


const SOURCES = envInt("BENCH_SOURCES", 200);
const POSTINGS = envInt("BENCH_POSTINGS", 100);
const TIMEOUT_S = envInt("BENCH_TIMEOUT_SECONDS", 300);
const KEEP = process.env.BENCH_KEEP === "1";
const TARGET_S = 60;
/** The fixture day served: day 0 lists exactly BENCH_POSTINGS per company; later days add, drop and repost. */
const DAY = Number(process.env.BENCH_DAY ?? 0);
const RUN_DATE = "2026-09-05";

const config = stackConfig();
const sql = postgres(config.dbUrl, { max: 2, onnotice: () => {}, types: pgTypes });
const prefix = `bench-pl-${Date.now().toString(36)}`;
const companies = defineCompanies({
  seed: 7,
  count: SOURCES,
  postings: POSTINGS,
  formats: FORMATS,
  keyPrefix: prefix,
});
const fixtures = await startFixtureServer({ companies, port: 0 });
let rootId: number | null = null;

async function cleanup() {
  if (KEEP) return;
  if (rootId !== null) {
    await sql`update ops.jobs set status = 'cancelled', finished_at = now(), singleton_key = null
               where (id = ${rootId} or root_id = ${rootId}) and status in ('pending', 'running')`;
    await sql`delete from ops.logs where job_id in (select id from ops.jobs where id = ${rootId} or root_id = ${rootId})`;
    await sql`delete from ops.jobs where id = ${rootId}`; // its children go with it
  }
  await sql`delete from ops.sources where key like ${prefix + "-%"}`;
}

async function main() {
  const registerStarted = performance.now();
  const options = { rate_limit_seconds: 0, request_timeout_seconds: 10, max_retries: 1 };
  for (const company of companies) {
    const { adapter, config: adapterConfig } = fixtures.sourceFor(company.key, DAY);
    await sql`select key from ops.upsert_source(${company.key}, ${company.name}, ${adapter},
      ${sql.json(adapterConfig as postgres.JSONValue)}, ${sql.json(options)})`;
  }
  const registerSeconds = (performance.now() - registerStarted) / 1000;
  const expectedPostings = companies.reduce((sum, c) => sum + postingsOn(c, DAY).length, 0);

  const started = performance.now();
  const response = await fetch(`${config.supabaseUrl}/functions/v1/pipeline/run`, {
    method: "POST",
    headers: { ...serviceHeaders(config), "content-type": "application/json" },
    body: JSON.stringify({ run_date: RUN_DATE, sources: companies.map((c) => c.key) }),
  });
  const run = await response.json();
  if (response.status === 409) {
    throw new Error(`another pipeline is running (job ${run.error.details.job_id}): let it end, then retry`);
  }
  if (response.status !== 201) throw new Error(`POST /pipeline/run answered ${response.status}: ${JSON.stringify(run)}`);
  rootId = run.pipeline_id as number;

  // Follow the root (one cheap query per 200 ms, so the follower costs the workers next to nothing).
  const seenPhases = new Map<string, number>();
  let root: Record<string, any>;
  for (;;) {
    [root] = await sql`
      select status, result, extract(epoch from finished_at - started_at)::float8 as seconds,
             (select coalesce(jsonb_object_agg(type, n), '{}') from
               (select type, count(*) as n from ops.jobs where root_id = ${rootId} group by type) t) as phases
        from ops.jobs where id = ${rootId}`;
    for (const phase of Object.keys(root.phases)) {
      if (!seenPhases.has(phase)) seenPhases.set(phase, (performance.now() - started) / 1000);
    }
    if (isTerminal(root.status)) break;
    if (performance.now() - started > TIMEOUT_S * 1000) {
      throw new Error(`pipeline ${rootId} still ${root.status} after ${TIMEOUT_S} s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const wallSeconds = (performance.now() - started) / 1000;

  const [stored] = await sql`
    select count(*)::int as postings, count(*) filter (where p.active)::int as active
      from ops.postings p join ops.sources s on s.id = p.source_id where s.key like ${prefix + "-%"}`;
  const [scrapes] = await sql`
    select count(*)::int as jobs,
           round(avg(extract(epoch from finished_at - started_at))::numeric, 3)::float8 as avg_seconds,
           round(max(extract(epoch from finished_at - started_at))::numeric, 3)::float8 as max_seconds,
           count(distinct locked_by)::int as workers, max(attempt)::int as max_attempt
      from ops.jobs where root_id = ${rootId} and type = 'scrape'`;
  const [runs] = await sql`
    select sum(requests)::int as requests, round(avg(avg_request_ms)::numeric, 1)::float8 as avg_request_ms
      from ops.scrape_runs r join ops.jobs j on j.id = r.job_id where j.root_id = ${rootId}`;
  // CPU per worker invocation, as the workers report it: a scrape job's last log line and a
  // phase job's "done" line carry the invocation's CPU so far (worker_cpu_ms); a worker's largest
  // figure is its invocation's.
  const invocationCpu = await sql<{ scrape: boolean; cpu_ms: number }[]>`
    select bool_or(j.type = 'scrape') as scrape, max((l.context->>'worker_cpu_ms')::int) as cpu_ms
      from ops.logs l join ops.jobs j on j.id = l.job_id
     where j.root_id = ${rootId} and l.context ? 'worker_cpu_ms'
     group by l.context->>'worker'`;
  const totals = root.result?.totals ?? {};
  const rootPhases = (root.result?.phases ?? {}) as Record<string, Record<string, unknown>>;
  const phases = Object.fromEntries(
    PIPELINE_PHASES.filter((type) => rootPhases[type]).map((type) => {
      const p = rootPhases[type];
      return [type, { jobs: p.jobs, completed: p.completed, failed: p.failed, skipped: p.skipped, seconds: p.seconds }];
    }),
  );

  console.log(JSON.stringify(
    {
      benchmark: "pipeline",
      sources: SOURCES,
      postings_per_source: POSTINGS,
      formats: FORMATS.length,
      fixture_day: DAY,
      pipeline_id: rootId,
      status: root.status,
      wall_seconds: Number(wallSeconds.toFixed(2)),
      root_seconds: Number(root.seconds.toFixed(2)),
      target_seconds: TARGET_S,
      within_target: wallSeconds <= TARGET_S,
      phases,
      phase_seen_at_seconds: Object.fromEntries([...seenPhases].map(([k, v]) => [k, Number(v.toFixed(2))])),
      jobs: totals.jobs,
      scrape: {
        jobs: scrapes.jobs,
        succeeded: totals.scrape_succeeded,
        success_rate: totals.success_rate,
        workers: scrapes.workers,
        max_attempt: scrapes.max_attempt,
        avg_job_seconds: scrapes.avg_seconds,
        max_job_seconds: scrapes.max_seconds,
        requests: runs.requests,
        fixture_requests: fixtures.requestLog.length,
        avg_request_ms: runs.avg_request_ms,
      },
      scrape_cpu: cpuSummary(invocationCpu.filter((r) => r.scrape).map((r) => r.cpu_ms)),
      pipeline_cpu: cpuSummary(invocationCpu.filter((r) => !r.scrape).map((r) => r.cpu_ms)),
      postings: { stored: stored.postings, active: stored.active, expected: expectedPostings },
      register_seconds: Number(registerSeconds.toFixed(2)),
      errors: (root.result?.errors ?? []).slice(0, 5),
    },
    null,
    2,
  ));
}

/** The hosted per-request CPU limit (https://supabase.com/docs/guides/functions/limits). */
const HOSTED_CPU_LIMIT_MS = 2_000;

function cpuSummary(cpuMs: number[]) {
  const sorted = [...cpuMs].sort((a, b) => a - b);
  const at = (q: number) => sorted.length === 0 ? null : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return {
    invocations: sorted.length,
    cpu_ms_p50: at(0.5),
    cpu_ms_p95: at(0.95),
    cpu_ms_max: sorted.at(-1) ?? null,
    hosted_limit_ms: HOSTED_CPU_LIMIT_MS,
    any_over_limit: sorted.some((ms) => ms > HOSTED_CPU_LIMIT_MS),
  };
}

try {
  await main();
} catch (error) {
  console.error(`bench:pipeline failed: ${error instanceof Error ? error.message : error}`);
  process.exitCode = 1;
} finally {
  await cleanup().catch((error) => console.error("cleanup failed:", error));
  await fixtures.close();
  await sql.end();
}
