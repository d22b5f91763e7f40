// Benchmark of the postings SQL steps of the nightly pipeline: upsert, deactivate,
// snapshots, repost detection, scores, lifespans. Prints JSON.
//
//   npx tsx scripts/bench/postings-sql.ts [--sources 200] [--postings 100] [--nights 30] [--churn 5] [--keep]
//
// Simulates `nights` nights for `sources` sources of about `postings` open postings each:
// every night `churn` postings per source disappear and as many appear, one of
// them a reposted title variant of a recently disappeared posting; 5% of the
// runs are partial. The last night is the measured one ("tonight"); the others
// build the history that repost detection and scores work on. Calls run one
// after another on one connection (the worst case: the pipeline fans the
// per-source calls out to parallel workers). Creates its own sources (key
// prefix "bench-") and removes them and everything they own at the end.
import postgres from "postgres";
import { stackConfig } from "../lib/config.ts";

function arg(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
}

const SOURCES = arg("sources", 200);
const POSTINGS = arg("postings", 100);
const NIGHTS = arg("nights", 30);
const CHURN = arg("churn", 5);

// deterministic pseudo-random numbers (mulberry32)
let seed = 20261122;
function random(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];

const LEVELS = ["", "Junior ", "Senior ", "Lead ", "Principal ", "Working Student "];
const AREAS = ["Data", "Backend", "Frontend", "Platform", "Security", "Sales", "Marketing", "Finance", "People", "Product",
  "Customer Success", "Logistics", "Procurement", "Legal", "Design", "Mobile", "QA", "Research", "Operations", "Growth"];
const ROLES = ["Engineer", "Manager", "Analyst", "Specialist", "Consultant", "Architect", "Coordinator", "Lead",
  "Scientist", "Associate", "Administrator", "Developer"];
const CITIES = ["Berlin", "Hamburg", "Munich", "Cologne", "Frankfurt am Main", "Stuttgart", "Leipzig", "Remote",
  "Vienna", "Zurich", "Düsseldorf", "Dresden"];

interface Posting { external_id: string; title: string; location: string; department: string; url: string }
interface SourceState { id: number; key: string; seq: number; open: Posting[]; gone: Posting[] }

function fresh(state: SourceState): Posting {
  state.seq += 1;
  const area = pick(AREAS);
  const id = `${state.key}-${state.seq}`;
  return {
    external_id: id,
    title: `${pick(LEVELS)}${area} ${pick(ROLES)} (m/w/d)`,
    location: pick(CITIES),
    department: area,
    url: `https://${state.key}.example/jobs/${id}`,
  };
}

function repost(state: SourceState, of: Posting): Posting {
  state.seq += 1;
  const id = `${state.key}-${state.seq}`;
  return { ...of, external_id: id, title: of.title.replace("(m/w/d)", "(w/m/d)"), url: `https://${state.key}.example/jobs/${id}` };
}

const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;
const round = (value: number) => Math.round(value * 10) / 10;
function stats(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const sum = values.reduce((a, b) => a + b, 0);
  return {
    total_ms: round(sum),
    calls: values.length,
    p50_ms: round(sorted[Math.floor(sorted.length / 2)] ?? 0),
    p95_ms: round(sorted[Math.floor(sorted.length * 0.95)] ?? 0),
    max_ms: round(sorted[sorted.length - 1] ?? 0),
  };
}

const config = stackConfig();
const sql = postgres(config.dbUrl, { max: 1, onnotice: () => {} });

async function cleanup() {
  await sql`delete from ops.jobs where source_id in (select id from ops.sources where key like 'bench-%')`;
  await sql`delete from ops.sources where key like 'bench-%'`;
}

try {
  await cleanup();
  const states: SourceState[] = [];
  for (let i = 0; i < SOURCES; i++) {
    const key = `bench-${String(i).padStart(3, "0")}`;
    const [row] = await sql`insert into ops.sources (key, display_name, adapter) values (${key}, ${key}, 'greenhouse') returning id`;
    const state: SourceState = { id: Number(row.id), key, seq: 0, open: [], gone: [] };
    for (let p = 0; p < POSTINGS; p++) state.open.push(fresh(state));
    states.push(state);
  }

  const today = new Date(Date.UTC(2026, 5, 30));
  const nights: Record<string, unknown>[] = [];
  const history = { upsert_ms: 0, deactivate_ms: 0, snapshot_ms: 0, repost_ms: 0, score_ms: 0 };
  const totalStart = process.hrtime.bigint();

  for (let night = 0; night < NIGHTS; night++) {
    const runDate = new Date(today.getTime() - (NIGHTS - 1 - night) * 86400000).toISOString().slice(0, 10);
    // the night's listings: churn (from the second night on)
    if (night > 0) {
      for (const state of states) {
        for (let c = 0; c < CHURN; c++) {
          const [gone] = state.open.splice(Math.floor(random() * state.open.length), 1);
          state.gone.push(gone);
        }
        state.gone = state.gone.slice(-4 * CHURN);
        for (let c = 0; c < CHURN; c++) {
          state.open.push(c === 0 && state.gone.length > CHURN ? repost(state, pick(state.gone.slice(0, -CHURN))) : fresh(state));
        }
      }
    }
    // the night's scrape jobs and runs (not measured: the queue's work)
    const jobs = await sql`
      with j as (
        insert into ops.jobs (type, status, source_id, run_date, started_at)
        select 'scrape', 'running', s, ${runDate}::date, now() from unnest(${states.map((s) => s.id)}::bigint[]) s
        returning id, source_id, run_date)
      insert into ops.scrape_runs (job_id, source_id, run_date) select id, source_id, run_date from j
      returning job_id, source_id`;
    const jobOf = new Map(jobs.map((j) => [Number(j.source_id), Number(j.job_id)]));
    const partial = new Set(states.filter(() => random() < 0.05).map((s) => s.id));

    const upserts: number[] = [];
    let found = 0, created = 0, updated = 0;
    for (const state of states) {
      // a partial run lists only part of the source
      const listed = partial.has(state.id) ? state.open.slice(0, Math.floor(state.open.length * 0.6)) : state.open;
      const start = process.hrtime.bigint();
      const [row] = await sql`select ops.upsert_postings(${jobOf.get(state.id)!}, ${sql.json(listed as never)}) as r`;
      upserts.push(ms(start));
      found += row.r.found; created += row.r.new; updated += row.r.updated;
    }
    await sql`
      update ops.scrape_runs set status = case when source_id = any(${[...partial]}::bigint[]) then 'partial' else 'completed' end,
             finished_at = now()
       where job_id = any(${[...jobOf.values()]}::bigint[])`;
    await sql`
      update ops.jobs set status = case when source_id = any(${[...partial]}::bigint[]) then 'partial' else 'completed' end,
             finished_at = now()
       where id = any(${[...jobOf.values()]}::bigint[])`;

    const deactivations: number[] = [];
    let deactivated = 0;
    for (const state of states) {
      const start = process.hrtime.bigint();
      const [row] = await sql`select ops.deactivate_missing_postings(${jobOf.get(state.id)!}) as r`;
      deactivations.push(ms(start));
      deactivated += row.r.deactivated;
    }

    let start = process.hrtime.bigint();
    await sql`select count(*) from ops.take_snapshot(null, ${runDate}::date)`;
    const snapshotMs = ms(start);
    start = process.hrtime.bigint();
    const [reposts] = await sql`select ops.detect_reposts() as r`;
    const repostMs = ms(start);
    start = process.hrtime.bigint();
    await sql`select ops.compute_scores(${runDate}::date)`;
    const scoreMs = ms(start);
    start = process.hrtime.bigint();
    const [lifespans] = await sql`
      select count(*)::int as postings, round(avg(lifespan_days), 2)::float as avg_days
        from ops.posting_lifespans_v l join ops.sources s on s.id = l.source_id where s.key like 'bench-%'`;
    const lifespanMs = ms(start);

    const upsertStats = stats(upserts);
    const deactivateStats = stats(deactivations);
    history.upsert_ms += upsertStats.total_ms;
    history.deactivate_ms += deactivateStats.total_ms;
    history.snapshot_ms += snapshotMs;
    history.repost_ms += repostMs;
    history.score_ms += scoreMs;

    if (night === NIGHTS - 1) {
      nights.push({
        run_date: runDate,
        counts: { found, new: created, updated, deactivated, partial_runs: partial.size, repost_result: reposts.r, lifespans },
        upsert_postings: upsertStats,
        deactivate_missing_postings: deactivateStats,
        take_snapshot_all_ms: round(snapshotMs),
        detect_reposts_ms: round(repostMs),
        compute_scores_ms: round(scoreMs),
        lifespans_view_ms: round(lifespanMs),
        sql_steps_total_ms: round(upsertStats.total_ms + deactivateStats.total_ms + snapshotMs + repostMs + scoreMs + lifespanMs),
      });
    }
  }

  const [size] = await sql`
    select count(*)::int as postings, pg_size_pretty(pg_total_relation_size('ops.postings')) as postings_size,
           (select count(*)::int from ops.snapshots) as snapshots, (select count(*)::int from ops.scores) as scores
      from ops.postings`;
  console.log(JSON.stringify({
    benchmark: "postings-sql",
    sources: SOURCES, postings_per_source: POSTINGS, nights: NIGHTS, churn_per_night: CHURN,
    tonight: nights[0],
    per_night_average_ms: Object.fromEntries(Object.entries(history).map(([k, v]) => [k, round(v / NIGHTS)])),
    wall_ms: round(ms(totalStart)),
    data: size,
  }, null, 2));
} finally {
  // --keep leaves the data in place for EXPLAIN ANALYZE
  if (!process.argv.includes("--keep")) await cleanup();
  await sql.end();
}
