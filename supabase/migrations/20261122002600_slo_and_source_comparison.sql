-- ===========================================================================
-- Per-source windows over the daily rollup: SLO status and the comparison of
-- sources against their previous period.
--
-- A window is W Europe/Berlin dates ending today, W = setting slo_window_days
-- (default 7); the previous period is the W dates before it. A date counts
-- when the source existed (from its first date: first run_date or created
-- date, the earlier) and, for today, only once a run of today finished (the
-- night is not over before). A counted date without a finished run is a
-- no_data date and counts as not successful. An inactive source counts only
-- the dates up to its last run_date (like ops.daily_summary_v): a paused
-- source is not failing every day it is paused.
-- ===========================================================================

-- ---------------------------------------------------------------------------
-- ops_private.source_window_stats(from, to): one row per source
-- ---------------------------------------------------------------------------
create or replace function ops_private.source_window_stats(p_from date, p_to date)
returns table (
  source_id bigint,
  days_counted integer,
  days_success integer,
  days_partial integer,
  days_failed integer,
  days_no_data integer,
  success_rate double precision,
  avg_duration_sec double precision,
  avg_jobs_processed double precision,
  runs_total integer
) language sql stable set search_path = '' as $$
  with today as materialized (select ops_private.berlin_today() as day),
  days as (
    select
      s.id as source_id,
      c.day,
      d.final_status,
      d.execution_time_sec_best,
      d.jobs_processed_best,
      d.runs_total,
      (c.day is not null and (c.day < t.day or d.source_id is not null)) as counted
    from ops.sources s
    cross join today t
    left join ops.source_days sd on sd.source_id = s.id
    cross join lateral (
      select least((s.created_at at time zone 'Europe/Berlin')::date, sd.first_run_date) as first_day,
             -- NULL for an inactive source that never ran: no date counts
             case when s.active then t.day else least(t.day, sd.last_run_date) end as last_day
    ) r
    left join ops.calendar_days c on c.day between greatest(p_from, r.first_day) and least(p_to, t.day)
      and c.day <= r.last_day
      -- the window on the calendar alone: an index range of at most (to - from + 1) dates
      and c.day between p_from and p_to
    left join ops.daily_source_stats d on d.source_id = s.id and d.run_date = c.day and d.run_date between p_from and p_to
  )
  select
    x.source_id,
    count(*) filter (where x.counted)::integer,
    count(*) filter (where x.counted and x.final_status = 'success')::integer,
    count(*) filter (where x.counted and x.final_status = 'partial')::integer,
    count(*) filter (where x.counted and x.final_status = 'failed')::integer,
    count(*) filter (where x.counted and x.final_status is null)::integer,
    case when count(*) filter (where x.counted) > 0
      then (count(*) filter (where x.counted and x.final_status = 'success'))::double precision
           / count(*) filter (where x.counted) end,
    avg(x.execution_time_sec_best)::double precision,
    avg(x.jobs_processed_best)::double precision,
    coalesce(sum(x.runs_total), 0)::integer
  from days x
  group by x.source_id
$$;

comment on function ops_private.source_window_stats(date, date) is
  'Per source over the Berlin dates [from, to]: counted dates (from the source''s first date; today only once a run finished; an inactive source up to its last run_date), success/partial/failed/no_data dates, success_rate = success dates / counted dates, mean best-run execution time and volume over dates with a run.';

revoke all on function ops_private.source_window_stats(date, date) from public, anon;
grant execute on function ops_private.source_window_stats(date, date) to authenticated, service_role;

-- ---------------------------------------------------------------------------
-- ops.slo_status_v
-- ---------------------------------------------------------------------------
create or replace view ops.slo_status_v
with (security_invoker = true)
as
with cfg as materialized (
  select ops_private.setting_numeric('slo_window_days', 7)::integer as w, ops_private.berlin_today() as today
),
judged as (
  select
    s.id as source_id,
    s.key as source_key,
    s.display_name,
    s.active,
    k.w as window_days,
    k.today - k.w + 1 as window_from,
    k.today as window_to,
    st.days_counted,
    st.days_success,
    st.days_partial,
    st.days_failed,
    st.days_no_data,
    st.success_rate,
    s.slo_success_rate::double precision as slo_success_rate,
    s.slo_alert_success_rate::double precision as slo_alert_success_rate,
    st.avg_duration_sec,
    s.slo_avg_duration_seconds::double precision as slo_avg_duration_seconds,
    case
      when st.success_rate < s.slo_alert_success_rate then 'breach'
      when st.success_rate < s.slo_success_rate then 'warning'
      else 'ok'
    end as success_status,
    case when st.avg_duration_sec > s.slo_avg_duration_seconds then 'warning' else 'ok' end as duration_status
  from ops.sources s
  cross join cfg k
  join ops_private.source_window_stats(k.today - k.w + 1, k.today) st on st.source_id = s.id
)
select
  j.*,
  case
    when j.success_status = 'breach' then 'breach'
    when j.success_status = 'warning' or j.duration_status = 'warning' then 'warning'
    else 'ok'
  end as slo_status,
  case
    when j.days_counted = 0 then format('%s: no day to evaluate yet', j.source_key)
    else concat_ws('; ',
      format('%s: success rate %s%% (%s of %s) over the last %s, target %s%%, alert below %s%%',
        j.source_key, round((j.success_rate * 100)::numeric, 1), j.days_success,
        ops_private.count_noun(j.days_counted, 'day'), ops_private.count_noun(j.window_days, 'day'),
        round((j.slo_success_rate * 100)::numeric, 1), round((j.slo_alert_success_rate * 100)::numeric, 1)),
      case when j.duration_status = 'warning' then format('average run time %s s over the target %s s',
        round(j.avg_duration_sec::numeric, 1), round(j.slo_avg_duration_seconds::numeric, 1)) end)
  end as message
from judged j;

comment on view ops.slo_status_v is
$$SLO status per source over the last slo_window_days (7) Berlin dates ending today (today counts once a run of today finished; dates before the source's first date do not count).
success_rate = dates with final_status success / counted dates (no_data, failed and partial dates are not successes).
success_status: breach when success_rate < source.slo_alert_success_rate; warning when < source.slo_success_rate; else ok (also ok when no date counted yet: success_rate NULL).
duration_status: warning when the mean best-run execution time of the dates with a run > source.slo_avg_duration_seconds.
slo_status = breach if success_status is breach; warning if either is warning; else ok.$$;

-- ---------------------------------------------------------------------------
-- ops.source_comparison_v
-- ---------------------------------------------------------------------------
create or replace view ops.source_comparison_v
with (security_invoker = true)
as
with cfg as materialized (
  select ops_private.setting_numeric('slo_window_days', 7)::integer as w, ops_private.berlin_today() as today
)
select
  s.id as source_id,
  s.key as source_key,
  s.display_name,
  s.active,
  k.w as period_days,
  k.today - k.w + 1 as period_from,
  k.today as period_to,
  cur.days_counted,
  cur.days_success,
  cur.days_failed,
  cur.days_no_data,
  cur.success_rate,
  prev.success_rate as success_rate_previous,
  cur.success_rate - prev.success_rate as success_rate_change,
  cur.avg_duration_sec,
  prev.avg_duration_sec as avg_duration_sec_previous,
  case when prev.avg_duration_sec > 0 then (cur.avg_duration_sec - prev.avg_duration_sec) / prev.avg_duration_sec end
    as avg_duration_change,
  cur.avg_jobs_processed,
  prev.avg_jobs_processed as avg_jobs_processed_previous,
  case when prev.avg_jobs_processed > 0 then (cur.avg_jobs_processed - prev.avg_jobs_processed) / prev.avg_jobs_processed end
    as avg_jobs_processed_change,
  cur.runs_total,
  rank() over (order by cur.success_rate asc nulls last, cur.avg_duration_sec desc nulls last) as rank_worst_first
from ops.sources s
cross join cfg k
join ops_private.source_window_stats(k.today - k.w + 1, k.today) cur on cur.source_id = s.id
join ops_private.source_window_stats(k.today - 2 * k.w + 1, k.today - k.w) prev on prev.source_id = s.id;

comment on view ops.source_comparison_v is
$$Sources side by side over the current period (the last slo_window_days (7) Berlin dates ending today) against the previous period (the 7 dates before).
success_rate = success dates / counted dates (as in ops.slo_status_v); success_rate_change = current - previous (in rate points, e.g. -0.2857);
avg_duration_sec = mean best-run execution time over dates with a run; avg_duration_change = (current - previous) / previous;
avg_jobs_processed = mean best-run items; avg_jobs_processed_change likewise relative. rank_worst_first: lowest success rate first, then slowest.$$;

-- ---------------------------------------------------------------------------
-- Privileges
-- ---------------------------------------------------------------------------
revoke all on ops.slo_status_v, ops.source_comparison_v from public, anon, authenticated, service_role;
grant select on ops.slo_status_v, ops.source_comparison_v to authenticated, service_role;
