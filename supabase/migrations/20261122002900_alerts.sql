-- ===========================================================================
-- Alerts: what should reach a person this morning. One row per open alert,
-- with a severity and a human sentence; a condition that lasts several days is
-- ONE alert (alert_id stays the same while it lasts: rule, source and the date
-- it began), never one per day.
--
-- The evaluated date (evaluated_date): today (Europe/Berlin) from setting
-- alert_data_expected_by (07:00 local) on, yesterday before it, so that the
-- night's runs are not called missing while they are still expected.
-- Only active sources alert.
--
-- Rules (thresholds are settings or per-source columns; defaults in brackets):
--   consecutive_failed_days  final_status 'failed' on the evaluated date and on
--       each of the dates just before it, at least alert_consecutive_failed_days
--       [2] dates in a row (looks back at most 60 dates); a no_data date breaks
--       the run. Severity high; critical from twice the threshold.
--       Fatigue control: a single failed night does not alert.
--   no_data  no finished scrape run on the evaluated date, for a source that
--       existed before that date. Severity high.
--   slo_breach  ops.slo_status_v.slo_status = 'breach' (success rate over the
--       SLO window below the source's slo_alert_success_rate). Warnings do not
--       alert. Severity high.
--   volume_drop  is_drop on the evaluated date (relative drop or z-score
--       against the 14-day baseline; never below the source's minimum
--       baseline). Severity medium; high when the run found 0 items.
--   high_block_rate  http_block_rate_sum of the evaluated date >
--       alert_block_rate [0.10]. Severity high.
--   high_timeout_rate  timeout_rate of the evaluated date > alert_timeout_rate
--       [0.05]. Severity medium.
--   stale_mirror  ops.mirror_freshness_v.is_stale (past 08:00 Berlin and no
--       completed export covering yesterday after last night's pipeline).
--       Severity high; no source.
-- ===========================================================================

create or replace view ops.alerts_v
with (security_invoker = true)
as
with cfg as materialized (
  select
    case when ops_private.berlin_local_time() >= ops_private.setting_time('alert_data_expected_by', time '07:00')
      then ops_private.berlin_today() else ops_private.berlin_today() - 1 end as day,
    -- the look-back of the failed streak, as a column so that it can bound an index scan
    case when ops_private.berlin_local_time() >= ops_private.setting_time('alert_data_expected_by', time '07:00')
      then ops_private.berlin_today() else ops_private.berlin_today() - 1 end - 59 as streak_from,
    greatest(1, ops_private.setting_numeric('alert_consecutive_failed_days', 2))::integer as n_failed,
    ops_private.setting_numeric('alert_block_rate', 0.10)::double precision as block_rate,
    ops_private.setting_numeric('alert_timeout_rate', 0.05)::double precision as timeout_rate
),
day_rows as (
  select d.*, s.key as source_key, s.drop_relative_threshold, k.day as evaluated_date,
    k.block_rate as block_threshold, k.timeout_rate as timeout_threshold
  from cfg k
  join ops.daily_source_stats d on d.run_date = k.day
  join ops.sources s on s.id = d.source_id and s.active
),
failed_islands as (
  select
    d.source_id,
    d.run_date,
    d.best_job_id,
    d.run_date + (row_number() over (partition by d.source_id order by d.run_date desc))::integer as island
  from cfg k
  join ops.daily_source_stats d on d.run_date between k.streak_from and k.day and d.final_status = 'failed'
),
streaks as (
  select
    f.source_id,
    count(*)::integer as days,
    min(f.run_date) as since,
    max(f.run_date) as until,
    (array_agg(f.best_job_id order by f.run_date desc))[1] as latest_job_id
  from failed_islands f
  cross join cfg k
  where f.island = k.day + 1
  group by f.source_id
),
alerts as (
  -- consecutive_failed_days ------------------------------------------------
  select
    'consecutive_failed_days'::text as rule,
    case when st.days >= 2 * k.n_failed then 'critical' else 'high' end as severity,
    s.id as source_id, s.key as source_key, k.day as evaluated_date, st.since,
    st.days::double precision as value, k.n_failed::double precision as threshold,
    format('%s failed on %s consecutive days (%s to %s)%s', s.key, st.days, st.since, st.until,
      case when j.error is not null or j.error_category is not null
        then format('; latest error: %s', concat_ws(': ', j.error_category, j.error)) else '' end) as message
  from streaks st
  cross join cfg k
  join ops.sources s on s.id = st.source_id and s.active
  left join ops.jobs j on j.id = st.latest_job_id
  where st.days >= k.n_failed

  union all
  -- no_data ----------------------------------------------------------------
  select
    'no_data', 'high', s.id, s.key, k.day, coalesce(l.last_day + 1, (s.created_at at time zone 'Europe/Berlin')::date),
    (k.day - coalesce(l.last_day, (s.created_at at time zone 'Europe/Berlin')::date - 1))::double precision, null,
    format('%s delivered no data on %s: no scrape run finished%s', s.key, k.day,
      case when l.last_day is not null then format(' (last data %s, %s days earlier)', l.last_day, k.day - l.last_day)
           else ' (no data ever)' end)
  from cfg k
  join ops.sources s on s.active
  left join lateral (
    select max(d.run_date) as last_day
    from ops.daily_source_stats d
    where d.source_id = s.id and d.run_date < k.day
  ) l on true
  where not exists (select 1 from ops.daily_source_stats d where d.source_id = s.id and d.run_date = k.day)
    and least((s.created_at at time zone 'Europe/Berlin')::date, l.last_day) < k.day

  union all
  -- slo_breach -------------------------------------------------------------
  select
    'slo_breach', 'high', v.source_id, v.source_key, k.day, v.window_from,
    v.success_rate, v.slo_alert_success_rate,
    format('%s breaches its SLO: success rate %s%% (%s of %s days) over the last %s days is below %s%% (target %s%%)',
      v.source_key, round((v.success_rate * 100)::numeric, 1), v.days_success, v.days_counted, v.window_days,
      round((v.slo_alert_success_rate * 100)::numeric, 1), round((v.slo_success_rate * 100)::numeric, 1))
  from ops.slo_status_v v
  cross join cfg k
  where v.active and v.slo_status = 'breach'

  union all
  -- volume_drop ------------------------------------------------------------
  select
    'volume_drop', case when r.jobs_processed_best = 0 then 'high' else 'medium' end,
    r.source_id, r.source_key, r.evaluated_date, r.run_date,
    r.relative_drop, r.drop_relative_threshold::double precision,
    format('%s found %s jobs on %s, %s%% below its 14-day baseline of %s%s', r.source_key, r.jobs_processed_best,
      r.run_date, round((r.relative_drop * 100)::numeric, 0), round(r.baseline_jobs_processed_14d::numeric, 1),
      case when r.drop_zscore is not null then format(' (z-score %s)', round(r.drop_zscore::numeric, 1)) else '' end)
  from day_rows r
  where r.is_drop

  union all
  -- high_block_rate --------------------------------------------------------
  select
    'high_block_rate', 'high', r.source_id, r.source_key, r.evaluated_date, r.run_date,
    r.http_block_rate_sum, r.block_threshold,
    format('%s was blocked on %s: %s%% of %s requests (403: %s, 429: %s), threshold %s%%', r.source_key, r.run_date,
      round((r.http_block_rate_sum * 100)::numeric, 1), r.requests_sum, r.blocked_403_sum, r.blocked_429_sum,
      round((r.block_threshold * 100)::numeric, 1))
  from day_rows r
  where r.http_block_rate_sum > r.block_threshold

  union all
  -- high_timeout_rate ------------------------------------------------------
  select
    'high_timeout_rate', 'medium', r.source_id, r.source_key, r.evaluated_date, r.run_date,
    r.timeout_rate, r.timeout_threshold,
    format('%s timed out on %s: %s%% of %s requests (%s timeouts), threshold %s%%', r.source_key, r.run_date,
      round((r.timeout_rate * 100)::numeric, 1), r.requests_sum, r.timeouts_sum,
      round((r.timeout_threshold * 100)::numeric, 1))
  from day_rows r
  where r.timeout_rate > r.timeout_threshold

  union all
  -- stale_mirror -----------------------------------------------------------
  select
    'stale_mirror', 'high', null, null, k.day, m.today,
    null, null,
    format('The BI mirror is stale at %s Berlin: %s', to_char(m.deadline at time zone 'Europe/Berlin', 'HH24:MI'), m.reason)
  from ops.mirror_freshness_v m
  cross join cfg k
  where m.is_stale
)
select
  a.rule || ':' || coalesce(a.source_key, '-') || ':' || a.since as alert_id,
  a.rule,
  a.severity,
  case a.severity when 'critical' then 1 when 'high' then 2 when 'medium' then 3 else 4 end as severity_rank,
  a.source_id,
  a.source_key,
  a.evaluated_date,
  a.since,
  a.value,
  a.threshold,
  a.message
from alerts a
order by severity_rank, a.rule, a.source_key;

comment on view ops.alerts_v is
$$Open alerts, one row per rule and source (alert_id = rule:source_key:since, stable while the condition lasts). evaluated_date = today (Berlin) from alert_data_expected_by (07:00) on, else yesterday; active sources only.
consecutive_failed_days: failed on the evaluated date and the dates before, >= alert_consecutive_failed_days (2) in a row (high; critical at twice as many).
no_data: no finished run on the evaluated date for a source that existed before it (high).
slo_breach: ops.slo_status_v says breach (high). volume_drop: is_drop on the evaluated date (medium; high with 0 items).
high_block_rate: http_block_rate_sum > alert_block_rate (0.10) (high). high_timeout_rate: timeout_rate > alert_timeout_rate (0.05) (medium).
stale_mirror: ops.mirror_freshness_v.is_stale (high).
value/threshold: the measured figure and the limit it crossed (streak days, success rate, relative drop, block or timeout rate).$$;

revoke all on ops.alerts_v from public, anon, authenticated, service_role;
grant select on ops.alerts_v to authenticated, service_role;
