// Benchmark of the postings SQL steps of the nightly pipeline: upsert, deactivate,
// snapshots, lifespans, repost detection, scores. Prints JSON.
//
//   npx tsx scripts/bench/postings-sql.ts [--sources 200] [--postings 100] [--nights 30] [--churn 5]
//                                         [--history-days 0] [--settle 0] [--workers 1] [--keep] [--reuse]
//   npm run bench:postings:scale   (2,000 sources x 100 postings, 400 days of history, 3 settling and
//                                   3 measured nights, 4 scrape workers)
//
// Simulates `nights` nights for `sources` sources of about `postings` open postings each:
// every night `churn` postings per source disappear and as many appear, one of
// them a reposted title variant of a recently disappeared posting; 5% of the
// runs are partial. Postings are complete records as the scraper sends them (a
// description of about 2 KB, locations, employment type, salary for some, the
// normalized title and the content hash). The last night is "tonight"; the
// others build the history that repost detection and scores work on.
//
// --history-days N first bulk-loads N days of history in SQL (not measured): every
// source's postings of those days (each open `postings / churn` days, `churn`
// opening and closing a day), a snapshot and a score per source and day; then
// the `nights` measured nights run through the SQL functions as the pipeline
// calls them (per source: upsert, deactivate, snapshot; once: lifespans,
// reposts, scores). Per measured night it reports phase times and the growth of
// the database (pg_database_size after the night minus before it; a plain VACUUM
// of the posting tables between nights stands in for autovacuum, so space freed
// by the previous night's updates is reused), and the tables' sizes at the end.
// Per night it also reports the growth per relation (heap, TOAST table, each index) that makes up the total.
// --settle N runs N nights through the same SQL functions before the measured ones, without reporting them.
// A bulk load builds every index at once, and the places where nights write (the recent end of each
// source's keys, the posting lists of the trigram indexes where a night's new versions of recent postings
// land) are packed as no database grown by nights has them: the first nights after the load split those
// pages once (the trigram indexes of the title alone grew 8 MB on the second night, the tables' own
// nightly growth is ~12 MB). GIN indexes take no fillfactor, so a few nights settle them instead.
// --workers N runs the scrape phase's per-source calls (upsert, deactivate) on N
// connections at once, as the pipeline's scrape workers do (the scrape job type wakes up
// to 4: ops.job_types.wake_fanout); a phase's time is its wall time. The default 1 runs
// them one after another. Snapshots run one after another (their job type wakes one worker).
// Creates its own sources (key prefix "bench-") and removes them and everything they
// own at the end, unless --keep. --reuse continues on the bench sources a --keep run
// left (same --sources): the measured nights follow the last night stored, so the
// history is loaded once for several measurements.
import { createHash } from "node:crypto";
import postgres from "postgres";
import { normalizeTitle } from "../../supabase/functions/_shared/scrape/posting.ts";
import { stackConfig } from "../lib/config.ts";

function arg(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
}

const SOURCES = arg("sources", 200);
const POSTINGS = arg("postings", 100);
const NIGHTS = arg("nights", 30);
const SETTLE = arg("settle", 0);
const TOTAL_NIGHTS = SETTLE + NIGHTS;
const CHURN = arg("churn", 5);
const HISTORY_DAYS = arg("history-days", 0);
const WORKERS = arg("workers", 1);
const REUSE = process.argv.includes("--reuse");

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
const WORDS = ("you will build maintain and improve our systems together with a team of experienced colleagues " +
  "we offer flexible working hours a modern office training budget and a friendly culture requirements include " +
  "several years of experience strong communication skills and curiosity about new technologies and customers").split(" ");
const EMPLOYMENT = ["full_time", "full_time", "full_time", "part_time", "contract", "internship"];

/** About 2 KB of plain text in lines, as a stored description looks. */
function description(title: string): string {
  const lines = [`${title}: what you will do`];
  for (let i = 0; i < 24; i++) {
    const words = Array.from({ length: 12 }, () => pick(WORDS)).join(" ");
    lines.push(i % 3 === 0 ? words : `- ${words}`);
  }
  return lines.join("\n");
}

interface Posting {
  external_id: string;
  title: string;
  normalized_title: string;
  location: string;
  locations: { name: string; city: string; region: null; country: string }[];
  department: string;
  url: string;
  description: string;
  employment_type: string;
  workplace_type: string;
  salary_min?: number;
  salary_max?: number;
  salary_currency?: string;
  salary_period?: string;
  posted_at: string;
  content_hash: string;
}
interface SourceState { id: number; key: string; seq: number; open: Posting[]; gone: Posting[] }

/** What the scraper adds to a record: the normalized title and the hash of the content (sha256 of its fields). */
function scraped(record: Omit<Posting, "normalized_title" | "content_hash">): Posting {
  const { external_id: _, ...content } = record;
  return {
    ...record,
    normalized_title: normalizeTitle(record.title),
    content_hash: createHash("sha256").update(JSON.stringify(content)).digest("hex"),
  };
}

function complete(state: SourceState, id: string, title: string, city: string, area: string): Posting {
  const paid = random() < 0.4;
  const base = 40_000 + Math.floor(random() * 40) * 1_000;
  return scraped({
    external_id: id,
    title,
    location: city,
    locations: [{ name: city, city, region: null, country: "DE" }],
    department: area,
    url: `https://${state.key}.example/jobs/${id}`,
    description: description(title),
    employment_type: pick(EMPLOYMENT),
    workplace_type: city === "Remote" ? "remote" : "onsite",
    ...(paid ? { salary_min: base, salary_max: base + 15_000, salary_currency: "EUR", salary_period: "year" } : {}),
    posted_at: new Date(Date.UTC(2026, 0, 1)).toISOString(),
  });
}

function fresh(state: SourceState): Posting {
  state.seq += 1;
  const area = pick(AREAS);
  const id = `${state.key}-${state.seq}`;
  return complete(state, id, `${pick(LEVELS)}${area} ${pick(ROLES)} (m/w/d)`, pick(CITIES), area);
}

function repost(state: SourceState, of: Posting): Posting {
  state.seq += 1;
  const id = `${state.key}-${state.seq}`;
  const { normalized_title: _, content_hash: __, ...content } = of;
  return scraped({ ...content, external_id: id, title: of.title.replace("(m/w/d)", "(w/m/d)"),
    url: `https://${state.key}.example/jobs/${id}` });
}

const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;
const round = (value: number) => Math.round(value * 10) / 10;
/** A per-source phase: its wall time (with one worker the sum of its calls) and the calls' times. */
function stats({ wallMs, times }: { wallMs: number; times: number[] }) {
  const sorted = [...times].sort((a, b) => a - b);
  return {
    wall_ms: round(wallMs),
    calls_total_ms: round(times.reduce((a, b) => a + b, 0)),
    calls: times.length,
    p50_ms: round(sorted[Math.floor(sorted.length / 2)] ?? 0),
    p95_ms: round(sorted[Math.floor(sorted.length * 0.95)] ?? 0),
    max_ms: round(sorted[sorted.length - 1] ?? 0),
  };
}

const config = stackConfig();
const sql = postgres(config.dbUrl, { max: WORKERS, onnotice: () => {} });

/** Calls `call` for every source on `workers` connections at once; the phase's wall time and each call's time. */
async function perSource(states: SourceState[], workers: number, call: (state: SourceState) => Promise<void>) {
  const times: number[] = [];
  let next = 0;
  const start = process.hrtime.bigint();
  await Promise.all(Array.from({ length: workers }, async () => {
    while (next < states.length) {
      const state = states[next++];
      const callStart = process.hrtime.bigint();
      await call(state);
      times.push(ms(callStart));
    }
  }));
  return { wallMs: ms(start), times };
}

async function cleanup() {
  await sql`delete from ops.jobs where source_id in (select id from ops.sources where key like 'bench-%')`;
  await sql`delete from ops.sources where key like 'bench-%'`;
}

const day = (base: Date, offset: number) => new Date(base.getTime() + offset * 86400000).toISOString().slice(0, 10);

/**
 * Bulk-loads `days` days of history ending the day before `first`: postings (each open
 * POSTINGS / CHURN days; CHURN a day open and close, oldest first), one snapshot and one score
 * per source and day. Returns the postings open at its end, per source, in the simulation's shape.
 */
async function loadHistory(states: SourceState[], first: Date, days: number) {
  const d0 = day(first, -days);
  const ids = states.map((s) => s.id);
  const span = POSTINGS + CHURN * (days - 1); // postings per source over the history
  const lastDay = day(first, -1);
  // Secondary indexes are dropped for the load and built again afterwards (as they were), which
  // takes minutes instead of the better part of an hour for millions of rows.
  const indexes = await sql`
    select indexname, indexdef from pg_indexes
     where schemaname = 'ops' and tablename = 'postings'
       and indexname not in ('postings_pkey', 'postings_source_id_external_id_key')`;
  for (const index of indexes) await sql.unsafe(`drop index ops.${index.indexname}`);
  await sql`
    insert into ops.postings (source_id, external_id, title, normalized_title, location, normalized_location, department,
                              url, url_key, content_hash, description, locations, employment_type, workplace_type, posted_at,
                              first_seen, last_seen, first_seen_date, last_seen_date, active, inactive_since,
                              inactive_since_date, repost_pending, repost_origin_pending)
    select s.id, x.external_id, x.title, ops_private.normalize_text(x.title), x.city, ops_private.normalize_text(x.city),
           x.area, 'https://' || s.key || '.example/jobs/' || x.external_id,
           'https://' || s.key || '.example/jobs/' || x.external_id, md5(x.external_id || x.title),
           x.title || ': ' || repeat(md5(x.external_id) || ' we build and improve our systems with a friendly team ', 20),
           jsonb_build_array(jsonb_build_object('name', x.city, 'city', x.city, 'region', null, 'country', 'DE')),
           'full_time', 'onsite', x.first_date, x.first_date, x.last_date, x.first_date, x.last_date,
           x.close_date is null, x.close_date, x.close_date, false, false
      from ops.sources s
      cross join lateral (
        select s.key || '-h' || k as external_id,
               (${LEVELS}::text[])[1 + (k * 7 + s.id) % ${LEVELS.length}] ||
                 (${AREAS}::text[])[1 + (k * 13 + s.id) % ${AREAS.length}] || ' ' ||
                 (${ROLES}::text[])[1 + (k * 17 + s.id) % ${ROLES.length}] || ' (m/w/d)' as title,
               (${CITIES}::text[])[1 + (k * 5 + s.id) % ${CITIES.length}] as city,
               (${AREAS}::text[])[1 + (k * 13 + s.id) % ${AREAS.length}] as area,
               ${d0}::date + case when k < ${POSTINGS} then 0 else 1 + (k - ${POSTINGS}) / ${CHURN} end as first_date,
               case when k < ${CHURN * (days - 1)} then ${d0}::date + 1 + k / ${CHURN} end as close_date,
               case when k < ${CHURN * (days - 1)} then ${d0}::date + k / ${CHURN} else ${lastDay}::date end as last_date
          from generate_series(0, ${span - 1}) k
      ) x
     where s.id = any(${ids})`;
  // CREATE INDEX packs B-tree leaves to 90 % (the default fillfactor), denser than years of nights leave
  // them: a night's new postings land in the middle of each source's key range (their url and external id
  // sort anywhere among the older ones), and a B-tree grown by such inserts settles at about 69 % full
  // leaves (ln 2: A. C. Yao, "On random 2-3 trees", Acta Informatica 9, 1978). Packed leaves would all split
  // on the first measured nights, which a production database does not see. So the loader builds them at
  // 70 % and then resets the option: later splits follow the production default. The primary key is left
  // packed: identity ids only ever append at its right end, where splits pack leaves to 90 % too.
  const organic = (definition: string) => {
    if (!definition.includes(" USING btree ")) return definition;
    const where = definition.indexOf(" WHERE ");
    return where < 0
      ? `${definition} WITH (fillfactor = 70)`
      : `${definition.slice(0, where)} WITH (fillfactor = 70)${definition.slice(where)}`;
  };
  await sql.begin(async (tx) => {
    await tx`set local maintenance_work_mem = '512MB'`;
    for (const index of indexes) await tx.unsafe(organic(index.indexdef));
    await tx`alter index ops.postings_source_id_external_id_key set (fillfactor = 70)`;
    await tx`reindex index ops.postings_source_id_external_id_key`;
    await tx`alter index ops.postings_source_id_external_id_key reset (fillfactor)`;
    for (const index of indexes) {
      if (index.indexdef.includes(" USING btree ")) await tx.unsafe(`alter index ops.${index.indexname} reset (fillfactor)`);
    }
  });
  // Snapshots and scores go in day by day, as the nights write them: each day's row of a source lands at the
  // end of the source's range in the (source_id, date) unique indexes, so their pages split and fill as
  // years of nights leave them. Inserted source by source, each source's dates would arrive in key order
  // and pack every leaf (rightmost splits), and the first measured nights would split them all at once.
  await sql`
    insert into ops.snapshots (source_id, snapshot_date, posting_count, new_count, active_count, disappeared_count, repost_count)
    select s, d::date, ${POSTINGS}::int, case when d = ${d0}::date then ${POSTINGS}::int else ${CHURN}::int end,
           ${POSTINGS}::int, case when d = ${d0}::date then 0 else ${CHURN}::int end, 0
      from unnest(${ids}::bigint[]) s, generate_series(${d0}::date, ${lastDay}::date, '1 day') d
     order by d, s`;
  await sql`
    insert into ops.scores (source_id, score_date, score, lifespan_score, repost_score, lifespan_weight, repost_weight,
                            lifespan_postings, avg_lifespan_days, new_postings, reposts)
    select s, d::date, 61.9, 44.44, 100, 0.5714, 0.4286, ${POSTINGS + CHURN * 89}::int, 50, ${CHURN * 90}::int, 0
      from unnest(${ids}::bigint[]) s, generate_series(${d0}::date, ${lastDay}::date, '1 day') d
     order by d, s`;
  await sql`vacuum analyze ops.postings`;
  await sql`vacuum analyze ops.snapshots`;
  await sql`vacuum analyze ops.scores`;
  await readOpenPostings(states);
}

/**
 * The postings open at the end of the stored history, per source, in the simulation's shape. They keep
 * their stored content hash: the scraper sends the same hash for the same content, and the loaded rows'
 * hashes were not computed from a record (the description sent is of the usual size, not the stored one).
 */
async function readOpenPostings(states: SourceState[]) {
  const open = await sql`
    select source_id, external_id, title, location, department, content_hash from ops.postings
     where source_id = any(${states.map((s) => s.id)}) and active order by source_id, id`;
  const byId = new Map(states.map((st) => [st.id, st]));
  for (const row of open) {
    const state = byId.get(Number(row.source_id))!;
    const posting = complete(state, row.external_id, row.title, row.location, row.department);
    state.open.push({ ...posting, content_hash: row.content_hash });
  }
}

/** The postings that disappeared in the last nights stored, oldest first: what a night may repost. */
async function readGonePostings(states: SourceState[]) {
  const gone = await sql`
    select source_id, external_id, title, location, department from (
      select p.*, row_number() over (partition by p.source_id order by p.inactive_since_date desc, p.id desc) as n
        from ops.postings p where p.source_id = any(${states.map((s) => s.id)}) and not p.active) recent
     where n <= ${4 * CHURN} order by source_id, inactive_since_date, id`;
  const byId = new Map(states.map((st) => [st.id, st]));
  for (const row of gone) {
    const state = byId.get(Number(row.source_id))!;
    state.gone.push(complete(state, row.external_id, row.title, row.location, row.department));
  }
}

/** The bench sources a --keep run left, each with its last posting number; the date after their last night. */
async function reuseSources(): Promise<{ states: SourceState[]; first: Date }> {
  const rows = await sql`
    select s.id, s.key,
           coalesce(max((regexp_match(p.external_id, '-([0-9]+)$'))[1]::int) filter (where p.external_id !~ '-h[0-9]+$'), 0) as seq,
           max(p.last_seen_date) as last_date
      from ops.sources s left join ops.postings p on p.source_id = s.id
     where s.key like 'bench-%' group by s.id, s.key order by s.key`;
  if (rows.length !== SOURCES) throw new Error(`--reuse: ${rows.length} bench sources stored, --sources ${SOURCES}`);
  const states = rows.map((r) => ({ id: Number(r.id), key: r.key as string, seq: Number(r.seq), open: [], gone: [] }));
  await readOpenPostings(states);
  await readGonePostings(states);
  const last = rows.reduce((latest, r) => (r.last_date > latest ? r.last_date : latest), rows[0].last_date) as Date;
  return { states, first: new Date(last.getTime() + 86400000) };
}

const TABLES = ["postings", "snapshots", "scores", "jobs", "scrape_runs", "daily_source_stats"];

async function tableSizes() {
  const rows = await sql`
    select c.relname as table, c.reltuples::bigint as rows_estimate,
           pg_total_relation_size(c.oid) as bytes, pg_size_pretty(pg_total_relation_size(c.oid)) as size
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = 'ops' and c.relname = any(${TABLES}) and c.relkind = 'r'
     order by pg_total_relation_size(c.oid) desc`;
  return rows.map((r) => ({ table: r.table, rows_estimate: Number(r.rows_estimate), bytes: Number(r.bytes), size: r.size }));
}

/**
 * The size of every relation of schema ops (heap, its TOAST table and TOAST index, every index; pg_relation_size
 * counts a GIN index's pending-list pages too), keyed "table", "table (toast)", "table (toast index)" or the
 * index's name: diffed before and after a night, it says where the night's growth went.
 */
async function relationBytes(): Promise<Map<string, number>> {
  const rows = await sql`
    select c.relname as name, pg_relation_size(c.oid) as bytes from pg_class c
      join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = 'ops' and c.relkind in ('r', 'i', 'm')
    union all
    select o.relname || ' (toast)', pg_relation_size(o.reltoastrelid) from pg_class o
      join pg_namespace n on n.oid = o.relnamespace
     where n.nspname = 'ops' and o.relkind in ('r', 'm') and o.reltoastrelid <> 0
    union all
    select o.relname || ' (toast index)', pg_indexes_size(o.reltoastrelid) from pg_class o
      join pg_namespace n on n.oid = o.relnamespace
     where n.nspname = 'ops' and o.relkind in ('r', 'm') and o.reltoastrelid <> 0`;
  return new Map(rows.map((r) => [r.name as string, Number(r.bytes)]));
}

/** The relations that grew (or shrank) between two relationBytes() readings, largest change first, in MB. */
function relationGrowth(before: Map<string, number>, after: Map<string, number>) {
  return Object.fromEntries([...after]
    .map(([name, bytes]) => [name, bytes - (before.get(name) ?? 0)] as const)
    .filter(([, delta]) => Math.abs(delta) >= 52429) // 0.05 MB: what rounds to 0.1 MB or more
    .sort((a, b) => b[1] - a[1])
    .map(([name, delta]) => [name, round(delta / 1048576)]));
}

async function databaseBytes(): Promise<number> {
  const [{ bytes }] = await sql`select pg_database_size(current_database()) as bytes`;
  return Number(bytes);
}

async function createSources(): Promise<SourceState[]> {
  await cleanup();
  const sourceRows = await sql`
    insert into ops.sources (key, display_name, adapter)
    select 'bench-' || lpad(i::text, 4, '0'), 'bench-' || lpad(i::text, 4, '0'), 'greenhouse'
      from generate_series(0, ${SOURCES - 1}) i
    returning id, key`;
  return sourceRows
    .map((r) => ({ id: Number(r.id), key: r.key as string, seq: 0, open: [] as Posting[], gone: [] as Posting[] }))
    .sort((a, b) => a.key.localeCompare(b.key));
}

try {
  let states: SourceState[];
  let first: Date;
  let historyMs = 0;
  if (REUSE) {
    ({ states, first } = await reuseSources());
  } else {
    states = await createSources();
    const today = new Date(Date.UTC(2026, 5, 30));
    first = new Date(today.getTime() - (TOTAL_NIGHTS - 1) * 86400000);
    if (HISTORY_DAYS > 0) {
      const start = process.hrtime.bigint();
      await loadHistory(states, first, HISTORY_DAYS);
      historyMs = ms(start);
    } else {
      for (const state of states) for (let p = 0; p < POSTINGS; p++) state.open.push(fresh(state));
    }
  }
  const before = { database_bytes: await databaseBytes(), tables: await tableSizes() };

  const measured: Record<string, unknown>[] = [];
  const history = { upsert_ms: 0, deactivate_ms: 0, snapshot_ms: 0, repost_ms: 0, score_ms: 0, lifespan_ms: 0 };
  const totalStart = process.hrtime.bigint();

  for (let night = 0; night < TOTAL_NIGHTS; night++) {
    const runDate = day(first, night);
    // the night's listings: churn (from the second night on, or every night after a loaded history)
    if (night > 0 || HISTORY_DAYS > 0 || REUSE) {
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
    const sizeBefore = await databaseBytes();
    const relationsBefore = await relationBytes();
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

    let found = 0, created = 0, updated = 0;
    const upserts = await perSource(states, WORKERS, async (state) => {
      // a partial run lists only part of the source
      const listed = partial.has(state.id) ? state.open.slice(0, Math.floor(state.open.length * 0.6)) : state.open;
      const [row] = await sql`select ops.upsert_postings(${jobOf.get(state.id)!}, ${sql.json(listed as never)}) as r`;
      found += row.r.found; created += row.r.new; updated += row.r.updated;
    });
    await sql`
      update ops.scrape_runs set status = case when source_id = any(${[...partial]}::bigint[]) then 'partial' else 'completed' end,
             finished_at = now()
       where job_id = any(${[...jobOf.values()]}::bigint[])`;
    await sql`
      update ops.jobs set status = case when source_id = any(${[...partial]}::bigint[]) then 'partial' else 'completed' end,
             finished_at = now()
       where id = any(${[...jobOf.values()]}::bigint[])`;

    let deactivated = 0;
    const deactivations = await perSource(states, WORKERS, async (state) => {
      const [row] = await sql`select ops.deactivate_missing_postings(${jobOf.get(state.id)!}) as r`;
      deactivated += row.r.deactivated;
    });

    // per source, as the pipeline's snapshot jobs call it (one worker: their job type wakes one)
    const snapshots = await perSource(states, 1, async (state) => {
      await sql`select count(*) from ops.take_snapshot(${state.id}, ${runDate}::date)`;
    });
    let start = process.hrtime.bigint();
    // the pipeline's lifespan phase (ops.run_phase_job 'lifespan'), over the bench sources
    const [lifespans] = await sql`
      select count(*)::int as postings, round(avg(lifespan_days), 2)::float as avg_days, max(lifespan_days) as max_days
        from ops.posting_lifespans_v l where l.source_id = any(${states.map((s) => s.id)}::bigint[])`;
    const lifespanMs = ms(start);
    start = process.hrtime.bigint();
    const [reposts] = await sql`select ops.detect_reposts() as r`;
    const repostMs = ms(start);
    start = process.hrtime.bigint();
    await sql`select ops.compute_scores(${runDate}::date)`;
    const scoreMs = ms(start);

    const upsertStats = stats(upserts);
    const deactivateStats = stats(deactivations);
    const snapshotStats = stats(snapshots);
    history.upsert_ms += upsertStats.wall_ms;
    history.deactivate_ms += deactivateStats.wall_ms;
    history.snapshot_ms += snapshotStats.wall_ms;
    history.lifespan_ms += lifespanMs;
    history.repost_ms += repostMs;
    history.score_ms += scoreMs;
    const sqlMs = upsertStats.wall_ms + deactivateStats.wall_ms + snapshotStats.wall_ms + lifespanMs + repostMs + scoreMs;
    const growth = (await databaseBytes()) - sizeBefore;
    const growthByRelation = relationGrowth(relationsBefore, await relationBytes());
    // autovacuum's part between two nights (not measured): space of replaced row versions becomes reusable
    await sql`vacuum ops.postings`;

    if (night >= SETTLE && (HISTORY_DAYS > 0 || REUSE || night === TOTAL_NIGHTS - 1)) {
      measured.push({
        run_date: runDate,
        counts: { found, new: created, updated, deactivated, partial_runs: partial.size, repost_result: reposts.r, lifespans },
        phases_ms: {
          upsert_postings: upsertStats,
          deactivate_missing_postings: deactivateStats,
          take_snapshot: snapshotStats,
          lifespans: round(lifespanMs),
          detect_reposts: round(repostMs),
          compute_scores: round(scoreMs),
        },
        sql_total_ms: round(sqlMs),
        database_growth_bytes: growth,
        database_growth_mb: round(growth / 1048576),
        growth_mb_by_relation: growthByRelation,
      });
    }
  }

  const tables = await tableSizes();
  const growths = measured.map((n) => n.database_growth_bytes as number);
  console.log(JSON.stringify({
    benchmark: "postings-sql",
    sources: SOURCES, postings_per_source: POSTINGS, measured_nights: NIGHTS, settle_nights: SETTLE, churn_per_night: CHURN,
    history_days: HISTORY_DAYS, workers: WORKERS, reused_history: REUSE,
    history_load_ms: round(historyMs),
    limits: { sql_total_ms: 30_000, database_growth_mb: 25 },
    nights: measured,
    max_sql_total_ms: Math.max(...measured.map((n) => n.sql_total_ms as number)),
    max_database_growth_mb: round(Math.max(...growths) / 1048576),
    per_night_average_ms: Object.fromEntries(Object.entries(history).map(([k, v]) => [k, round(v / TOTAL_NIGHTS)])),
    wall_ms: round(ms(totalStart)),
    database_before: { bytes: before.database_bytes, size_mb: round(before.database_bytes / 1048576) },
    tables_before: before.tables,
    tables_after: tables,
  }, null, 2));
} finally {
  // --keep leaves the data in place for EXPLAIN ANALYZE
  if (!process.argv.includes("--keep")) await cleanup();
  await sql.end();
}
