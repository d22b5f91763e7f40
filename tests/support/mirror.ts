// Arranging mirror scenarios: sources with finished scrape runs (inserted as the write functions
// leave them, so the rollup trigger computes the daily stats), and reading the local mirror table.
import postgres from "postgres";
import { pgTypes } from "../../supabase/functions/_shared/db.ts";
import { localStackMirrorUrl } from "../../supabase/functions/_shared/mirror/local-target.ts";
import { stack } from "./stack.ts";

type Sql = postgres.Sql;

/** Connection to the local mirror database (`scrape_ops_mirror`), as the function derives it. */
export function localMirrorSql(): Sql {
  return postgres(localStackMirrorUrl(stack.dbUrl), {
    max: 2,
    onnotice: () => {},
    types: pgTypes,
  });
}

/** Today in Europe/Berlin as the database sees it, and the day `offset` days before. */
export async function berlinDay(sql: Sql, offset = 0): Promise<string> {
  const [{ day }] = await sql`select (ops_private.berlin_today() - ${offset}::int)::text as day`;
  return day;
}

export async function addSource(sql: Sql, key: string, createdDaysAgo = 5): Promise<number> {
  const [{ id }] = await sql`
    insert into ops.sources (key, display_name, adapter, created_at)
    values (${key}, ${key}, 'greenhouse', now() - make_interval(days => ${createdDaysAgo}))
    returning id`;
  return id;
}

export interface RunSpec {
  status: "completed" | "partial" | "failed";
  items: number;
  /** execution_time_sec, a numeric: a string such as 'NaN' passes Postgres' check (NaN >= 0). */
  exec: number | string;
  requests?: number;
  failures?: number;
  blocked403?: number;
}

/** A finished scrape job with its run on `runDate` (02:00 Berlin, plus `minutes` for re-runs). */
export async function addRun(
  sql: Sql,
  sourceId: number,
  runDate: string,
  run: RunSpec,
  minutes = 0,
): Promise<number> {
  return await sql.begin(async (tx) => {
    const [{ id, started_at }] = await tx`
      insert into ops.jobs (type, status, source_id, run_date, created_at, started_at, finished_at)
      select 'scrape', ${run.status}, ${sourceId}, ${runDate}::date, t, t, t + interval '1 minute'
        from (select ((${runDate}::date + time '02:00') at time zone 'Europe/Berlin')
                     + make_interval(mins => ${minutes}) as t) x
      returning id, started_at`;
    await tx`
      insert into ops.scrape_runs (job_id, source_id, run_date, status, items_found, requests, http_failures,
                                   blocked_403, execution_time_sec, started_at, finished_at)
      values (${id}, ${sourceId}, ${runDate}::date, ${run.status}, ${run.items}, ${run.requests ?? 100},
              ${run.failures ?? 0}, ${run.blocked403 ?? 0}, ${run.exec}::numeric, ${started_at},
              ${started_at}::timestamptz + interval '1 minute')`;
    return id as number;
  }) as number;
}

export async function removeSources(sql: Sql, keyPrefix: string): Promise<void> {
  const like = `${keyPrefix}%`;
  await sql`delete from ops.jobs where source_id in (select id from ops.sources where key like ${like})`;
  await sql`delete from ops.sources where key like ${like}`;
}

export interface MirroredRow {
  company_key: string;
  run_date: string;
  final_status: string;
  is_success: number;
  is_problem: number;
  jobs_processed_best: number | null;
  http_fail_rate_sum: number | null;
  http_block_rate_sum: number | null;
  baseline_jobs_processed_14d: number | null;
  execution_time_sec_best: number | null;
  mirrored_at?: string;
}

/** The local mirror table (schema v1 columns, plus mirrored_at when asked), in key order. */
export async function mirroredRows(
  mirror: Sql,
  keyPrefix = "",
  withMirroredAt = false,
): Promise<MirroredRow[]> {
  const exists = await mirror`select to_regclass('monitoring.daily_summary') as t`;
  if (!exists[0].t) return [];
  return [
    ...await mirror<MirroredRow[]>`
    select company_key, run_date::text as run_date, final_status, is_success, is_problem, jobs_processed_best,
           http_fail_rate_sum, http_block_rate_sum, baseline_jobs_processed_14d, execution_time_sec_best
           ${withMirroredAt ? mirror`, mirrored_at::text as mirrored_at` : mirror``}
      from monitoring.daily_summary
     where company_key like ${`${keyPrefix}%`}
     order by company_key, run_date`,
  ];
}
