-- ===========================================================================
-- Daily summary: ops.daily_summary_v (operators) and
-- reporting.daily_summary_looker_v (BI, exported to BigQuery).
--
-- Both read the rollup ops.daily_source_stats (rules: see its migration) and
-- are a UNION ALL of two parts, so that a filter on run_date or company_key
-- reaches an index in each:
--   days with data   the rollup rows (index on run_date, or the primary key);
--   no_data days     the dates of a source's range (ops.calendar_days, an index
--                    range) that have no rollup row (primary-key probe).
-- `where run_date >= current_date - 2` reads 3 dates per source, not the
-- whole history.
--
-- Range of dates of a source: from its first date = the earlier of its first
-- run_date in the rollup and its created_at (as a Berlin date), to today
-- (Europe/Berlin, by ops_private.berlin_today()). For an inactive source
-- ops.daily_summary_v stops at its last run_date; the Looker view has active
-- sources only.
--
-- A no_data day: final_status 'no_data', is_success 0, is_problem 1,
-- problem_reasons {no_data}, every measurement NULL (nothing was measured),
-- baseline_jobs_processed_14d still computed (from the rollup, same rule).
-- Today is no_data until its first run finishes.
-- ===========================================================================

-- ---------------------------------------------------------------------------
-- ops_private.no_data_baseline: the baseline rule of the rollup for a day
-- without a row (both views): mean items of the best runs of the 14 days
-- before, failed days left out; at most 14 rows (one per date) read backwards
-- on the primary key. SECURITY DEFINER so that the BI role (EXECUTE, no USAGE
-- on ops) can run the Looker view; it reads only the rollup of the source it
-- is given, which the caller's own query has already selected.
-- ---------------------------------------------------------------------------
create or replace function ops_private.no_data_baseline(p_source_id bigint, p_day date)
returns double precision
language sql
stable
security definer
set search_path = ''
as $$
  select avg(b.jobs_processed_best)::double precision
    from (select x.run_date, x.jobs_processed_best, x.best_status
            from ops.daily_source_stats x
           where x.source_id = p_source_id and x.run_date < p_day
           order by x.run_date desc
           limit 14) b
   where b.run_date >= p_day - 14
     and b.best_status in ('completed', 'partial')
$$;

revoke all on function ops_private.no_data_baseline(bigint, date) from public, anon;
grant execute on function ops_private.no_data_baseline(bigint, date) to authenticated, service_role;

-- ---------------------------------------------------------------------------
-- ops.daily_summary_v
-- ---------------------------------------------------------------------------
create or replace view ops.daily_summary_v
with (security_invoker = true)
as
-- days with at least one finished run
select
  s.id as source_id,
  s.key as company_key,
  s.display_name,
  s.active,
  d.run_date,
  d.final_status,
  d.is_success,
  d.is_problem,
  d.problem_reasons,
  d.jobs_processed_best,
  d.http_fail_rate_sum,
  d.http_block_rate_sum,
  d.timeout_rate,
  d.baseline_jobs_processed_14d,
  d.execution_time_sec_best::double precision as execution_time_sec_best,
  d.baseline_days,
  d.baseline_stddev_14d,
  d.relative_drop,
  d.drop_zscore,
  d.is_drop,
  d.best_job_id,
  d.best_status,
  d.runs_total,
  d.runs_completed,
  d.runs_partial,
  d.runs_failed + d.runs_cancelled + d.runs_skipped as runs_failed,
  d.items_new_best,
  d.items_rejected_best,
  d.requests_sum,
  d.http_failures_sum,
  d.blocked_403_sum,
  d.blocked_429_sum,
  d.timeouts_sum,
  d.captchas_sum,
  d.avg_request_ms_best,
  d.first_started_at,
  d.last_finished_at
from ops.daily_source_stats d
join ops.sources s on s.id = d.source_id
where d.run_date <= (select ops_private.berlin_today())
union all
-- no_data days: from the source's first date to today (active) or to its last run_date (inactive)
select
  s.id,
  s.key,
  s.display_name,
  s.active,
  c.day,
  'no_data',
  0,
  1,
  array['no_data'],
  null::integer,
  null::double precision,
  null::double precision,
  null::double precision,
  ops_private.no_data_baseline(s.id, c.day),
  null::double precision,
  null::integer,
  null::double precision,
  null::double precision,
  null::double precision,
  false,
  null::bigint,
  null::text,
  0,
  0,
  0,
  0,
  null::integer,
  null::integer,
  null::integer,
  null::integer,
  null::integer,
  null::integer,
  null::integer,
  null::integer,
  null::numeric,
  null::timestamptz,
  null::timestamptz
from ops.sources s
left join ops.source_days f on f.source_id = s.id
join ops.calendar_days c
  on c.day >= least((s.created_at at time zone 'Europe/Berlin')::date, f.first_run_date)
  and c.day <= case when s.active then (select ops_private.berlin_today()) else f.last_run_date end
  -- the same bound on the calendar alone, so that the calendar is read as an index range
  and c.day <= (select ops_private.berlin_today())
where not exists (select 1 from ops.daily_source_stats x where x.source_id = s.id and x.run_date = c.day);

comment on view ops.daily_summary_v is
$$One row per source and date, from the source's first date (its first run_date or its created date, the earlier) to today (Europe/Berlin) for an active source, to its last run_date for an inactive one; days without a finished run are final_status = 'no_data'.
Best run: status rank completed > partial > failed > cancelled > skipped, then most items, then latest finish (a successful re-run supersedes a failed one).
jobs_processed_best = items_found of the best run; execution_time_sec_best = its execution time.
http_fail_rate_sum = sum(http_failures)/sum(requests) over all runs of the day; http_block_rate_sum = sum(blocked_403+blocked_429)/sum(requests); timeout_rate = sum(timeouts)/sum(requests) (NULL without requests).
baseline_jobs_processed_14d = mean of jobs_processed_best over the 14 previous dates whose best run was completed or partial (failed and no-data days left out).
is_drop: best run completed/partial, baseline_days >= drop_min_baseline_days (3), baseline >= source.drop_min_baseline, jobs < baseline and (relative_drop >= source.drop_relative_threshold or drop_zscore <= -source.drop_zscore_threshold).
final_status: no_data (no finished run), failed (best run failed/cancelled/skipped), partial (best run partial, or 0 items, or is_drop), success (otherwise).
is_success = final_status is success; is_problem = problem_reasons not empty (no_data, run_failed, run_cancelled, run_skipped, run_partial, zero_items, volume_drop, high_block_rate > alert_block_rate, high_timeout_rate > alert_timeout_rate).$$;

-- ---------------------------------------------------------------------------
-- reporting.daily_summary_looker_v: BigQuery schema v1 first, extras after
-- Today in Europe/Berlin is the one clock's ops_private.berlin_today(): the BI
-- role may execute it (no USAGE on ops_private, so it cannot name it itself).
-- ---------------------------------------------------------------------------
create or replace view reporting.daily_summary_looker_v
with (security_invoker = true)
as
-- days with at least one finished run
select
  -- BigQuery schema v1 (monitoring.daily_summary), in this order
  s.key as company_key,
  d.run_date,
  d.final_status,
  d.is_success,
  d.is_problem,
  d.jobs_processed_best,
  d.http_fail_rate_sum,
  d.http_block_rate_sum,
  d.baseline_jobs_processed_14d,
  d.execution_time_sec_best::double precision as execution_time_sec_best,
  -- extras (not in schema v1)
  d.is_drop::integer as is_drop,
  d.relative_drop,
  d.drop_zscore,
  d.timeout_rate,
  d.runs_total,
  array_to_string(d.problem_reasons, ',') as problem_reasons
from ops.daily_source_stats d
join ops.sources s on s.id = d.source_id
where s.active
  and d.run_date <= (select ops_private.berlin_today())
union all
-- no_data days of the source's range (first date .. today) without a rollup row
select
  s.key,
  c.day,
  'no_data',
  0,
  1,
  null::integer,
  null::double precision,
  null::double precision,
  ops_private.no_data_baseline(s.id, c.day),
  null::double precision,
  0,
  null::double precision,
  null::double precision,
  null::double precision,
  0,
  'no_data'
from ops.sources s
left join ops.source_days f on f.source_id = s.id
join ops.calendar_days c
  on c.day >= least((s.created_at at time zone 'Europe/Berlin')::date, f.first_run_date)
  and c.day <= (select ops_private.berlin_today())
where s.active
  and not exists (select 1 from ops.daily_source_stats x where x.source_id = s.id and x.run_date = c.day);

comment on view reporting.daily_summary_looker_v is
$$Exported to BigQuery monitoring.daily_summary (schema v1 = the first ten columns). Exactly one row per ACTIVE source (company_key) and date from the source's first date (its first run_date or its created date, the earlier) to today in Europe/Berlin, including no_data days (final_status 'no_data', is_problem 1, measurements NULL).
Same rules as ops.daily_summary_v (see its comment and ops.daily_source_stats): best run = completed > partial > failed > cancelled > skipped, then most items; jobs_processed_best = items_found of the best run; http_fail_rate_sum = sum(http_failures)/sum(requests) of the day's runs; http_block_rate_sum = sum(blocked_403+blocked_429)/sum(requests); baseline_jobs_processed_14d = mean best-run volume of the previous 14 dates without failed and no-data days; final_status success|partial|failed|no_data; is_success = success; is_problem = any problem reason.
Extras: is_drop (0/1), relative_drop, drop_zscore, timeout_rate, runs_total, problem_reasons (comma-separated).$$;

-- ---------------------------------------------------------------------------
-- Privileges
-- ---------------------------------------------------------------------------
revoke all on ops.daily_summary_v from public, anon, authenticated, service_role;
grant select on ops.daily_summary_v to authenticated, service_role;

revoke all on reporting.daily_summary_looker_v from public, anon, authenticated, service_role, looker_export_ro;
grant select on reporting.daily_summary_looker_v to authenticated, service_role, looker_export_ro;
grant execute on function ops_private.berlin_today(), ops_private.no_data_baseline(bigint, date) to looker_export_ro;

-- The BI role reads the Looker view's base relations under security_invoker:
-- only the columns the view reads, only active sources, and no USAGE on ops /
-- ops_private, so none of them can be named directly.
grant select (id, key, active, created_at) on ops.sources to looker_export_ro;
grant select (source_id, run_date, final_status, is_success, is_problem, problem_reasons, best_status,
              jobs_processed_best, http_fail_rate_sum, http_block_rate_sum, baseline_jobs_processed_14d,
              execution_time_sec_best, is_drop, relative_drop, drop_zscore, timeout_rate, runs_total)
  on ops.daily_source_stats to looker_export_ro;
grant select on ops.calendar_days to looker_export_ro;
grant select (source_id, first_run_date) on ops.source_days to looker_export_ro;

create policy sources_read_bi on ops.sources
  for select to looker_export_ro
  using (active);

create policy daily_source_stats_read_bi on ops.daily_source_stats
  for select to looker_export_ro
  using (true);

create policy source_days_read_bi on ops.source_days
  for select to looker_export_ro
  using (true);

create policy calendar_days_read_bi on ops.calendar_days
  for select to looker_export_ro
  using (true);
