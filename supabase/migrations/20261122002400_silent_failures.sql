-- ===========================================================================
-- Silent failures: scrape runs that "succeeded" but should not be trusted.
-- Read from the daily rollup (the best run of each day), never from raw runs
-- or logs.
-- ===========================================================================

-- ---------------------------------------------------------------------------
-- ops.silent_failures_v
-- ---------------------------------------------------------------------------
create or replace view ops.silent_failures_v
with (security_invoker = true)
as
with cfg as materialized (
  select
    ops_private.setting_numeric('silent_fast_ratio', 0.25) as fast_ratio,
    ops_private.setting_numeric('drop_min_baseline_days', 3) as min_days
),
judged as (
  select
    d.*,
    (d.jobs_processed_best = 0) as zero_items,
    (d.baseline_days >= cfg.min_days
      and d.baseline_execution_time_sec_14d > 0
      and d.execution_time_sec_best < d.baseline_execution_time_sec_14d * cfg.fast_ratio) is true as abnormally_fast,
    cfg.fast_ratio
  from ops.daily_source_stats d
  cross join cfg
  where d.best_status = 'completed'
)
select
  j.source_id,
  s.key as source_key,
  s.display_name,
  s.active,
  j.run_date,
  j.best_job_id as job_id,
  j.jobs_processed_best,
  j.baseline_jobs_processed_14d,
  j.baseline_days,
  j.relative_drop,
  j.drop_zscore,
  j.execution_time_sec_best::double precision as execution_time_sec,
  j.baseline_execution_time_sec_14d,
  case when j.baseline_execution_time_sec_14d > 0
    then j.execution_time_sec_best::double precision / j.baseline_execution_time_sec_14d end as execution_time_ratio,
  array_remove(array[
    case when j.zero_items then 'zero_items' end,
    case when j.is_drop then 'volume_drop' end,
    case when j.abnormally_fast then 'abnormally_fast' end
  ], null) as kinds,
  concat_ws('; ',
    case when j.zero_items then format('%s completed on %s but found 0 items', s.key, j.run_date) end,
    case when j.is_drop and not j.zero_items then format('%s found %s items on %s, %s%% below its 14-day baseline of %s',
      s.key, j.jobs_processed_best, j.run_date, round((j.relative_drop * 100)::numeric, 0),
      round(j.baseline_jobs_processed_14d::numeric, 1)) end,
    case when j.abnormally_fast then format('%s finished in %s s on %s, under %s%% of its usual %s s',
      s.key, round(j.execution_time_sec_best, 1), j.run_date, round(j.fast_ratio * 100, 0),
      round(j.baseline_execution_time_sec_14d::numeric, 1)) end
  ) as message
from judged j
join ops.sources s on s.id = j.source_id
where j.zero_items or j.is_drop or j.abnormally_fast;

comment on view ops.silent_failures_v is
$$Days whose best scrape run COMPLETED (status-wise a success) but whose output is suspect; one row per source and run_date, kinds lists why:
zero_items: the run found 0 items;
volume_drop: is_drop of ops.daily_source_stats (relative drop or z-score against the 14-day baseline, with the source's minimum baseline);
abnormally_fast: execution_time_sec of the best run < setting silent_fast_ratio (0.25) x the mean execution time of the 14-day baseline days, with at least drop_min_baseline_days (3) baseline days.
Filter by run_date (indexed).$$;

revoke all on ops.silent_failures_v from public, anon, authenticated, service_role;
grant select on ops.silent_failures_v to authenticated, service_role;
