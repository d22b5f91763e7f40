// Read routes the operations console needs (web/): typed, paged, run as the
// caller so RLS decides (viewer and up). Figures come from the monitoring
// views; these routes only filter, sort and page them.
//   GET /control/days              one row per company and Berlin day (ops.daily_summary_v; paged on ops.daily_status_v)
//   GET /control/runs              one row per scrape run (ops.scrape_runs)
//   GET /control/companies/:key    trends, SLO, recent runs, errors, postings of one company
//   GET /control/errors/summary    categories, trend, top messages, sources compared
//   GET /control/silent-failures   runs that succeeded but look wrong (ops.silent_failures_v)
//   GET /control/audit             the audit log, newest first
import { z } from "zod";
import type { Caller } from "../_shared/auth.ts";
import { asCaller, type Sql, type TransactionSql } from "../_shared/db.ts";
import { errorResponse, json } from "../_shared/http.ts";
import type { Router } from "../_shared/router.ts";
import { calendarDate, countText, idText } from "../_shared/fields.ts";

const day = calendarDate;
const FINAL_STATUSES = ["success", "partial", "failed", "no_data"] as const;
const RUN_STATUSES = ["running", "completed", "partial", "failed", "cancelled", "skipped"] as const;
const offset = countText(0, 1_000_000).default(0);
const pageLimit = countText(1, 500).default(50);
const order = z.enum(["asc", "desc"]).default("desc");
const category = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/);
const companyKey = z.string().min(1).max(63);

/** Sortable columns of each table: the query names them, the SQL gets only these identifiers. */
const DAY_SORTS = ["run_date", "company_key", "final_status", "jobs_processed_best", "http_block_rate_sum",
  "http_fail_rate_sum", "timeout_rate", "execution_time_sec_best"] as const;
const RUN_SORTS = ["started_at", "source", "status", "items_found", "block_rate", "timeout_rate",
  "avg_request_ms", "execution_time_sec", "links_checked"] as const;

/** Filters the per-day and per-run tables share. */
const tableFilters = {
  from: day.optional(),
  to: day.optional(),
  company: companyKey.optional(),
  error_category: category.optional(),
  order,
  limit: pageLimit,
  offset,
};
const fromBeforeTo: [(q: { from?: string; to?: string }) => boolean, { message: string; path: string[] }] = [
  (q) => !q.from || !q.to || q.from <= q.to,
  { message: "from must not be after to", path: ["to"] },
];

export const daysQuery = z.object({
  ...tableFilters,
  status: z.enum(FINAL_STATUSES).optional(),
  sort: z.enum(DAY_SORTS).default("run_date"),
}).strict().refine(...fromBeforeTo);

export const runsQuery = z.object({
  ...tableFilters,
  status: z.enum(RUN_STATUSES).optional(),
  sort: z.enum(RUN_SORTS).default("started_at"),
}).strict().refine(...fromBeforeTo);

export const companyQuery = z.object({ days: countText(1, 90).pipe(z.union([z.literal(30), z.literal(90)])).default(30) })
  .strict();

export const errorSummaryQuery = z.object({
  days: countText(1, 90).pipe(z.union([z.literal(7), z.literal(30), z.literal(90)])).default(7),
  bucket: z.enum(["hour", "day"]).default("day"),
  category: category.optional(),
}).strict();

export const silentQuery = z.object({ days: countText(1, 90).default(1) }).strict();

export const auditQuery = z.object({
  target: z.string().min(1).max(200).optional(),
  /** Only changes made through the API by signed-in users (not by database sessions such as workers or Studio). */
  users_only: z.enum(["true", "false"]).transform((v) => v === "true").optional(),
  limit: pageLimit,
  before_id: idText.optional(),
}).strict();

const RUN_COLUMNS = (tx: TransactionSql) =>
  tx`r.job_id, s.key as source, s.display_name, r.run_date, r.status, j.error_category, j.error,
     r.links_checked, r.links_ok, r.items_found, r.items_new, r.items_rejected,
     (1 - r.reject_rate)::float8 as acceptance_rate, r.requests, r.block_rate::float8, r.timeout_rate::float8,
     r.failure_rate::float8, r.avg_request_ms::float8, r.execution_time_sec::float8, r.breaker_triggered,
     r.breaker_trips, r.started_at, r.finished_at`;

export function addReadRoutes(router: Router<{ caller: Caller }>, sql: Sql): void {
  const read = <T>(caller: Caller, work: (tx: TransactionSql) => Promise<T>) => asCaller(sql, caller.claims, work);
  type Work = (tx: TransactionSql) => Promise<readonly Record<string, unknown>[]>;
  /** Independent reads of one page, each in its own transaction (own connection), so they run side by side. */
  const readAll = (caller: Caller, works: Work[]) => Promise.all(works.map((work) => read(caller, work)));

  router
    .on("GET", "/days", async ({ caller, query: q }) => {
      const where = (tx: TransactionSql) => tx`
          where d.active
            ${q.from ? tx`and d.run_date >= ${q.from}::date` : tx``}
            ${q.to ? tx`and d.run_date <= ${q.to}::date` : tx``}
            ${q.status ? tx`and d.final_status = ${q.status}` : tx``}
            ${q.company ? tx`and d.company_key = ${q.company}` : tx``}
            ${q.error_category
              ? tx`and exists (select 1 from ops.jobs j where j.source_id = d.source_id and j.run_date = d.run_date
                                 and j.type = 'scrape' and j.error_category = ${q.error_category})`
              : tx``}`;
      const orderBy = (tx: TransactionSql) =>
        tx`order by ${tx(q.sort)} ${q.order === "asc" ? tx`asc` : tx`desc`} nulls last, d.company_key`;
      // the page's keys from ops.daily_status_v (no look-back per row), then the summary of just those
      // rows; `limit 1` (one row per key anyway) keeps the planner from flattening the lateral into a
      // join, which it may run over every source's whole history
      const [rows, counts] = await readAll(caller, [
        (tx) =>
          tx`
          with page as (
            select d.source_id, d.run_date from ops.daily_status_v d ${where(tx)} ${orderBy(tx)}
             limit ${q.limit} offset ${q.offset}
          )
          select d.company_key, d.display_name, d.run_date, d.final_status, d.problem_reasons, d.best_job_id,
                 d.best_status, d.jobs_processed_best, d.baseline_jobs_processed_14d, d.relative_drop,
                 d.http_fail_rate_sum, d.http_block_rate_sum, d.timeout_rate, d.execution_time_sec_best,
                 d.avg_request_ms_best::float8, d.runs_total, d.runs_failed, d.requests_sum,
                 (select j.error_category from ops.jobs j where j.id = d.best_job_id) as error_category,
                 (select j.error from ops.jobs j where j.id = d.best_job_id) as error,
                 (select s.breaker_state from ops.sources s where s.id = d.source_id) as breaker_state
            from page p
            cross join lateral (
              select * from ops.daily_summary_v x where x.source_id = p.source_id and x.run_date = p.run_date limit 1
            ) d
           ${orderBy(tx)}`,
        (tx) => tx`select d.final_status, count(*)::int as n from ops.daily_status_v d ${where(tx)} group by d.final_status`,
      ]);
      const count = (status: string) => Number(counts.find((c) => c.final_status === status)?.n ?? 0);
      return json({
        days: rows,
        total: FINAL_STATUSES.reduce((sum, status) => sum + count(status), 0),
        counts: Object.fromEntries(FINAL_STATUSES.map((status) => [status, count(status)])),
        limit: q.limit,
        offset: q.offset,
      });
    }, daysQuery)
    .on("GET", "/runs", async ({ caller, query: q }) => {
      const sort = q.sort === "source" ? "key" : q.sort;
      const where = (tx: TransactionSql) => tx`
          where true
            ${q.from ? tx`and r.run_date >= ${q.from}::date` : tx``}
            ${q.to ? tx`and r.run_date <= ${q.to}::date` : tx``}
            ${q.status ? tx`and r.status = ${q.status}` : tx``}
            ${q.company ? tx`and s.key = ${q.company}` : tx``}
            ${q.error_category
              ? tx`and (j.error_category = ${q.error_category}
                        or exists (select 1 from ops.errors e where e.job_id = r.job_id and e.category = ${q.error_category}))`
              : tx``}`;
      const from = (tx: TransactionSql) =>
        tx`from ops.scrape_runs r join ops.jobs j on j.id = r.job_id join ops.sources s on s.id = r.source_id`;
      const [rows, [{ total }]] = await readAll(caller, [
        (tx) =>
          tx`
          select ${RUN_COLUMNS(tx)} ${from(tx)} ${where(tx)}
           order by ${sort === "key" ? tx`s.key` : tx`r.${tx(sort)}`} ${q.order === "asc" ? tx`asc` : tx`desc`} nulls last,
                    r.job_id desc
           limit ${q.limit} offset ${q.offset}`,
        (tx) => tx`select count(*)::int as total ${from(tx)} ${where(tx)}`,
      ]);
      return json({ runs: rows, total, limit: q.limit, offset: q.offset });
    }, runsQuery)
    .on("GET", "/companies/:key", async ({ caller, query, params }) => {
      const days = query.days;
      const [source] = await read(caller, (tx) =>
        tx`select id, key, display_name, adapter, active from ops.sources where key = ${params.key}`);
      if (!source) return errorResponse(404, "not_found", `unknown company ${params.key}`);
      const since = (tx: TransactionSql) => tx`(now() at time zone 'Europe/Berlin')::date - ${days}::int`;
      const [trend, slo, runs, errors, postings, score] = await readAll(caller, [
        (tx) =>
          tx`select run_date, final_status, problem_reasons, jobs_processed_best, baseline_jobs_processed_14d,
                    baseline_stddev_14d, http_fail_rate_sum, http_block_rate_sum, timeout_rate, execution_time_sec_best
               from ops.daily_summary_v where source_id = ${source.id} and run_date > ${since(tx)} order by run_date`,
        (tx) => tx`select * from ops.slo_status_v where source_id = ${source.id}`,
        (tx) =>
          tx`select ${RUN_COLUMNS(tx)}
               from ops.scrape_runs r join ops.jobs j on j.id = r.job_id join ops.sources s on s.id = r.source_id
              where r.source_id = ${source.id} order by r.started_at desc nulls last limit 20`,
        (tx) =>
          tx`select category, sum(count)::int as occurrences, max(last_occurrence) as last_occurrence
               from ops.errors where source_id = ${source.id} and last_occurrence > now() - make_interval(days => ${days})
              group by category order by occurrences desc`,
        (tx) =>
          tx`select coalesce(sum(new_count), 0)::int as new, coalesce(sum(disappeared_count), 0)::int as disappeared,
                    coalesce(sum(repost_count), 0)::int as reposts,
                    (select active_count from ops.snapshots where source_id = ${source.id}
                      order by snapshot_date desc limit 1) as active_now,
                    (select round(avg(lifespan_days), 1)::float8 from ops.posting_lifespans_v
                      where source_id = ${source.id} and lifespan_end_date > ${since(tx)}) as avg_lifespan_days
               from ops.snapshots where source_id = ${source.id} and snapshot_date > ${since(tx)}`,
        (tx) =>
          tx`select score_date, score::float8, lifespan_score::float8, repost_score::float8, avg_lifespan_days::float8
               from ops.scores where source_id = ${source.id} order by score_date desc limit 1`,
      ]);
      return json({
        company: source,
        days,
        trend,
        slo: slo[0] ?? null,
        recent_runs: runs,
        errors_by_category: errors,
        postings: { ...postings[0], score: score[0] ?? null },
      });
    }, companyQuery)
    .on("GET", "/errors/summary", async ({ caller, query: q }) => {
      const [categories, trend, top, sources] = await readAll(caller, [
        (tx) => tx`select * from ops.error_category_summary_v order by last_7d desc, category`,
        (tx) =>
          q.bucket === "hour"
            ? tx`select hour as bucket, category, occurrences::int from ops.error_trend_hourly_v
                  where hour > now() - make_interval(days => ${q.days})
                    ${q.category ? tx`and category = ${q.category}` : tx``} order by hour, category`
            : tx`select day as bucket, category, occurrences::int from ops.error_trend_daily_v
                  where day > (now() at time zone 'Europe/Berlin')::date - ${q.days}::int
                    ${q.category ? tx`and category = ${q.category}` : tx``} order by day, category`,
        (tx) =>
          tx`select rank::int, category, severity, occurrences::int, sources_affected, source_keys, sample_message,
                    last_occurrence
               from ops.top_errors_v ${q.category ? tx`where category = ${q.category}` : tx``}
              order by occurrences desc limit 20`,
        (tx) =>
          tx`select source_key, display_name, days_counted, success_rate, success_rate_previous, success_rate_change,
                    avg_jobs_processed, avg_jobs_processed_change, avg_duration_sec, avg_duration_change
               from ops.source_comparison_v where period_days = ${q.days === 90 ? 30 : q.days} and active
              order by rank_worst_first limit 50`,
      ]);
      return json({ days: q.days, bucket: q.bucket, categories, trend, top_errors: top, sources });
    }, errorSummaryQuery)
    .on("GET", "/silent-failures", async ({ caller, query }) => {
      const rows = await read(caller, (tx) =>
        tx`select source_key, display_name, run_date, job_id, jobs_processed_best, baseline_jobs_processed_14d,
                  relative_drop, kinds, message
             from ops.silent_failures_v
            where active and run_date > (now() at time zone 'Europe/Berlin')::date - ${query.days}::int
            order by run_date desc, source_key`);
      return json({ silent_failures: rows });
    }, silentQuery)
    .on("GET", "/audit", async ({ caller, query: q }) => {
      const rows = await read(caller, (tx) =>
        tx`select id, at, actor, actor_role, action, target, before, after from ops.audit_log
            where true ${q.target ? tx`and target = ${q.target}` : tx``}
              ${q.users_only ? tx`and actor_role not like 'database:%'` : tx``}
              ${q.before_id ? tx`and id < ${q.before_id}` : tx``}
            order by id desc limit ${q.limit}`);
      return json({ audit: rows, next_before_id: rows.length === q.limit ? rows[rows.length - 1].id : null });
    }, auditQuery);
}
