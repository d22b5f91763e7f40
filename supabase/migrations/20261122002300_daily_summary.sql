-- ===========================================================================
-- Daily summary: ops.daily_summary_v (operators) and
-- reporting.daily_summary_looker_v (BI, exported to BigQuery).
--
-- Both read the rollup ops.daily_source_stats (rules: see its migration) and
-- are a UNION ALL of two parts (for the operators' view: ops.daily_status_v,
-- the rows without the look-backs), so that a filter on run_date or
-- company_key reaches an index in each:
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
--
-- The morning answer (ops.daily_summary_v only), per source and date:
--   last_success_date  the latest date <= run_date with final_status success.
--   problem_since      on a problem day: the first date of the current streak
--                      of problem days = last_success_date + 1, or the source's
--                      first date when it never succeeded. NULL on success days.
--   root cause         what explains a problem day, in this order:
--     1. the day's own cause (an error category of a run that failed or was
--        partial for a reason other than an open breaker; see the rollup);
--     2. zero_items / volume_drop / field_drop / run_partial without an error:
--        that reason;
--     3. a day of breaker skips (run_skipped) or no data: the latest own cause
--        earlier in the current streak, i.e. the failure that opened the
--        breaker (root_cause_through_breaker when the day had breaker skips);
--     4. otherwise the first problem reason (run_skipped, no_data, ...).
--     root_cause_first_seen / _last_seen: the first and last date of the
--     current streak on which that cause was observed (for a reason: the day).
--   change_vs_yesterday  new (problem today, not yesterday), recovered
--     (success today, problem yesterday), still_failing (problem both days),
--     ok (success both days); yesterday's status from the rollup, no row = no_data.
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
returns double precision language sql stable security definer set search_path = '' as $$
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
-- ops.daily_status_v: one row per source and date with the day's own figures
-- (the rollup row, or a no_data day), without the look-backs. Counting and
-- paging read it (cheap: no probe per row); ops.daily_summary_v adds the
-- look-backs for the rows it returns.
-- ---------------------------------------------------------------------------
create or replace view ops.daily_status_v
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
  d.last_finished_at,
  d.warnings,
  d.cause_category,
  d.cause_message,
  d.cause_job_id,
  d.breaker_skips,
  d.dq_fields,
  least((s.created_at at time zone 'Europe/Berlin')::date, f.first_run_date) as first_date
from ops.daily_source_stats d
join ops.sources s on s.id = d.source_id
left join ops.source_days f on f.source_id = s.id
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
  null::timestamptz,
  '{}'::text[],
  null::text,
  null::text,
  null::bigint,
  0,
  '{}'::text[],
  least((s.created_at at time zone 'Europe/Berlin')::date, f.first_run_date)
from ops.sources s
left join ops.source_days f on f.source_id = s.id
join ops.calendar_days c
  on c.day >= least((s.created_at at time zone 'Europe/Berlin')::date, f.first_run_date)
  and c.day <= case when s.active then (select ops_private.berlin_today()) else f.last_run_date end
  -- the same bound on the calendar alone, so that the calendar is read as an index range
  and c.day <= (select ops_private.berlin_today())
where not exists (select 1 from ops.daily_source_stats x where x.source_id = s.id and x.run_date = c.day);

comment on view ops.daily_status_v is
$$ops.daily_summary_v without the look-backs (last_success_date, problem_since, root_cause_*, change_vs_yesterday): the same rows (one per source and date from its first date, no_data days included) and the day's own columns, plus the internal ones the summary derives from (cause_*, breaker_skips, first_date). For counting and paging; see ops.daily_summary_v for the rules.$$;

-- ---------------------------------------------------------------------------
-- ops.daily_summary_v
-- ---------------------------------------------------------------------------
create or replace view ops.daily_summary_v
with (security_invoker = true)
as
select
  u.*,
  a.last_success_date,
  case when u.final_status <> 'success'
    then greatest(coalesce(a.last_success_date + 1, u.first_date), u.first_date) end as problem_since,
  coalesce(own.category, rc.cause_category, u.problem_reasons[1]) as root_cause_category,
  coalesce(own.message, rc.cause_message) as root_cause_message,
  coalesce(own.job_id, rc.cause_job_id) as root_cause_job_id,
  case when u.final_status <> 'success' then coalesce(cf.first_seen, u.run_date) end as root_cause_first_seen,
  case when u.final_status <> 'success'
    then case when own.category is not null or rc.cause_category is null then u.run_date else rc.run_date end
  end as root_cause_last_seen,
  (rc.cause_category is not null and u.breaker_skips > 0) as root_cause_through_breaker,
  case
    when u.final_status = 'success' and coalesce(y.final_status, 'no_data') = 'success' then 'ok'
    when u.final_status = 'success' then 'recovered'
    when coalesce(y.final_status, 'no_data') = 'success' or u.run_date = u.first_date then 'new'
    else 'still_failing'
  end as change_vs_yesterday
from ops.daily_status_v u
-- the last successful date: the day itself on a success day (most days: no probe), else a
-- backward probe of a partial index
left join lateral (
  select case when u.final_status = 'success' then u.run_date else (
    select max(x.run_date)
    from ops.daily_source_stats x
    where x.source_id = u.source_id and x.run_date < u.run_date and x.final_status = 'success') end as last_success_date
) a on true
-- yesterday's status: a primary-key probe per row (limit 1 keeps the planner from flattening it
-- into a join, which it may then run as a hash of the whole rollup)
left join lateral (
  select x.final_status from ops.daily_source_stats x where x.source_id = u.source_id and x.run_date = u.run_date - 1
  limit 1
) y on true
-- the day's own explanation: its own error cause, else a reason that explains itself
left join lateral (
  select coalesce(u.cause_category, r.reason) as category,
         case when u.cause_category is not null then u.cause_message end as message,
         case when u.cause_category is not null then u.cause_job_id end as job_id
  from (select (select x from unnest(u.problem_reasons) x
                 where x in ('zero_items', 'volume_drop', 'field_drop', 'run_partial') limit 1) as reason) r
  where u.final_status <> 'success' and coalesce(u.cause_category, r.reason) is not null
) own on true
-- breaker skips and no-data days: the latest own cause earlier in the streak
left join lateral (
  select x.run_date, x.cause_category, x.cause_message, x.cause_job_id
  from ops.daily_source_stats x
  where own.category is null and u.final_status <> 'success'
    and x.source_id = u.source_id and x.run_date < u.run_date
    and x.run_date > coalesce(a.last_success_date, '-infinity'::date)
    and x.cause_category is not null
  order by x.run_date desc
  limit 1
) rc on true
-- when that error cause was first seen in the streak (a reason such as zero_items: the day itself)
left join lateral (
  select min(x.run_date) as first_seen
  from ops.daily_source_stats x
  where u.final_status <> 'success'
    and x.source_id = u.source_id and x.run_date <= u.run_date
    and x.run_date > coalesce(a.last_success_date, '-infinity'::date)
    and x.cause_category = coalesce(u.cause_category, rc.cause_category)
) cf on true;

comment on view ops.daily_summary_v is
$$One row per source and date, from the source's first date (its first run_date or its created date, the earlier) to today (Europe/Berlin) for an active source, to its last run_date for an inactive one; days without a finished run are final_status = 'no_data'.
Best run: status tier completed > partial > failed/cancelled/skipped (one tier), then most items, then latest finish (a successful re-run supersedes a failed one).
jobs_processed_best = items_found of the best run; execution_time_sec_best = its execution time.
http_fail_rate_sum = sum(http_failures)/sum(requests) over all runs of the day; http_block_rate_sum = sum(blocked_403+blocked_429)/sum(requests); timeout_rate = sum(timeouts)/sum(requests) (NULL without requests).
baseline_jobs_processed_14d = mean of jobs_processed_best over the 14 previous dates whose best run was completed or partial (failed and no-data days left out).
is_drop: best run completed/partial, baseline_days >= drop_min_baseline_days (3), baseline >= source.drop_min_baseline, jobs < baseline and (relative_drop >= source.drop_relative_threshold or drop_zscore <= -source.drop_zscore_threshold).
final_status: no_data (no finished run), failed (best run failed/cancelled/skipped), partial (best run partial, or 0 items, or is_drop), success (otherwise).
is_success = final_status is success; is_problem = 1 - is_success (they partition the days). problem_reasons (empty on success days): no_data, run_failed, run_cancelled, run_skipped, run_partial, zero_items, volume_drop, then the warnings. warnings: high_block_rate > alert_block_rate, high_timeout_rate > alert_timeout_rate, on any day.
last_success_date, problem_since (first date of the current problem streak), root_cause_* (the day's own error cause; else zero_items/volume_drop/run_partial; else, through breaker skips and no-data days, the latest own cause in the streak; else the first reason), change_vs_yesterday (new | recovered | still_failing | ok): see the migration header.$$;

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
Same rules as ops.daily_summary_v (see its comment and ops.daily_source_stats): best run = completed > partial > failed/cancelled/skipped (one tier), then most items; jobs_processed_best = items_found of the best run; http_fail_rate_sum = sum(http_failures)/sum(requests) of the day's runs; http_block_rate_sum = sum(blocked_403+blocked_429)/sum(requests); baseline_jobs_processed_14d = mean best-run volume of the previous 14 dates without failed and no-data days; final_status success|partial|failed|no_data; is_success = success; is_problem = 1 - is_success.
Extras: is_drop (0/1), relative_drop, drop_zscore, timeout_rate, runs_total, problem_reasons (comma-separated).$$;

-- ---------------------------------------------------------------------------
-- Privileges
-- ---------------------------------------------------------------------------
revoke all on ops.daily_status_v, ops.daily_summary_v from public, anon, authenticated, service_role;
grant select on ops.daily_status_v, ops.daily_summary_v to authenticated, service_role;

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
