-- ===========================================================================
-- Daily rollup: ops.daily_source_stats, one row per (source, run_date) that
-- has at least one finished scrape run. Maintained incrementally: when a scrape
-- run leaves 'running' (a trigger on ops.scrape_runs), its day is recomputed
-- from that day's runs (a handful of rows), and the derived columns of the 14
-- following days (whose baselines include it) are recomputed from the rollup.
-- No view recomputes anything from ops.scrape_runs or ops.logs.
--
-- THE RULES (the product: every status must be explainable from these):
--
-- Runs of a day: the scrape runs of the source with that run_date (the
--   Europe/Berlin date of the nightly run) whose status is not 'running'.
-- Best run: the first by status tier completed > partial > not successful
--   (failed, cancelled and skipped are one tier), then most items_found, then
--   latest finished_at, then highest job id. So a successful re-run supersedes
--   a failed run of the same day, and within a tier the run that found most wins.
-- jobs_processed_best      items_found of the best run.
-- execution_time_sec_best  execution_time_sec of the best run.
-- http_fail_rate_sum       sum(http_failures) / sum(requests) over ALL runs of
--                          the day (failed attempts included: they hit the
--                          portal too); NULL when the day made no request.
-- http_block_rate_sum      sum(blocked_403 + blocked_429) / sum(requests) over
--                          all runs of the day; NULL when no request.
-- timeout_rate             sum(timeouts) / sum(requests) over all runs of the day.
-- Baseline (baseline_jobs_processed_14d): the mean of jobs_processed_best over
--   the 14 previous dates (run_date - 14 .. run_date - 1) whose best run was
--   completed or partial. Failed days and days without data are left out, so
--   broken days do not drag it down. baseline_days counts those days;
--   baseline_stddev_14d is their sample standard deviation (NULL below 2 days).
--   NULL when there is no eligible day.
-- relative_drop = (baseline - jobs_processed_best) / baseline (negative when
--   the volume grew); drop_zscore = (jobs_processed_best - baseline) / stddev
--   (NULL when the stddev is NULL or 0).
-- is_drop (a volume drop), only for a completed or partial best run, when ALL of:
--   baseline_days >= setting drop_min_baseline_days (default 3),
--   baseline >= the source's drop_min_baseline (default 10: tiny sources never alarm),
--   jobs_processed_best < baseline, and
--   relative_drop >= the source's drop_relative_threshold (default 0.5)
--     OR drop_zscore <= -(the source's drop_zscore_threshold) (default 3).
-- final_status:
--   failed   the best run failed, was cancelled or was skipped (no good run that day);
--   partial  the best run was partial, or it completed with 0 items, or is_drop,
--            or a key field's share dropped (dq_fields, see the data-quality migration);
--   success  the best run completed with at least 1 item and no drop.
--   (no_data is a day without any row here: the daily views produce it.)
-- warnings: high_block_rate (http_block_rate_sum > setting alert_block_rate,
--   default 0.10), high_timeout_rate (timeout_rate > setting
--   alert_timeout_rate, default 0.05), on any day, successful ones included.
-- problem_reasons (empty on a successful day), in this order:
--   run_failed | run_cancelled | run_skipped, run_partial, zero_items (best run
--   completed/partial with 0 items), volume_drop, field_drop (dq_fields not
--   empty, best run completed/partial), then the day's warnings.
--   A day without data has {no_data}.
-- is_success = 1 when final_status = 'success', else 0; is_problem = 1 - is_success.
--   They partition the days: SUM(is_success) + SUM(is_problem) = rows. A
--   warning on a successful day shows in warnings and in the alerts, not here.
-- Own cause of the day (cause_category, cause_message, cause_job_id): the
--   error category and message of the best-ranked run of the day that failed
--   or was partial for a reason other than an open circuit breaker
--   (circuit_open). NULL when every unsuccessful run was a breaker skip (the
--   daily summary then looks back to the failure that opened the breaker).
--   breaker_skips counts the day's runs skipped by an open breaker.
--
-- When the rules' inputs change, stored rows are recomputed: a source's drop
-- thresholds (trigger on ops.sources), the global thresholds (trigger on
-- ops.settings). Run retention (deleting old jobs and runs) does NOT delete
-- rollup rows: the history outlives the raw runs.
-- ===========================================================================

-- ---------------------------------------------------------------------------
-- ops.daily_source_stats
-- ---------------------------------------------------------------------------
create table ops.daily_source_stats (
  source_id bigint not null references ops.sources (id) on delete cascade,
  run_date date not null,

  -- the day's runs
  runs_total integer not null check (runs_total >= 1),
  runs_completed integer not null default 0,
  runs_partial integer not null default 0,
  runs_failed integer not null default 0,
  runs_cancelled integer not null default 0,
  runs_skipped integer not null default 0,

  -- the best run (no foreign key: jobs are purged by retention, the rollup stays)
  best_job_id bigint not null,
  best_status text not null check (best_status in ('completed', 'partial', 'failed', 'cancelled', 'skipped')),
  jobs_processed_best integer not null,
  items_new_best integer not null,
  items_rejected_best integer not null,
  execution_time_sec_best numeric(10, 3) not null,
  avg_request_ms_best numeric(10, 1),

  -- sums over all runs of the day
  requests_sum integer not null,
  http_failures_sum integer not null,
  blocked_403_sum integer not null,
  blocked_429_sum integer not null,
  timeouts_sum integer not null,
  captchas_sum integer not null,
  http_fail_rate_sum double precision,
  http_block_rate_sum double precision,
  timeout_rate double precision,
  first_started_at timestamptz,
  last_finished_at timestamptz,

  -- derived from the previous 14 days and the thresholds
  baseline_jobs_processed_14d double precision,
  baseline_stddev_14d double precision,
  baseline_days integer not null default 0,
  baseline_execution_time_sec_14d double precision,
  relative_drop double precision,
  drop_zscore double precision,
  is_drop boolean not null default false,
  final_status text not null default 'failed' check (final_status in ('success', 'partial', 'failed')),
  is_success integer not null default 0 check (is_success in (0, 1)),
  is_problem integer not null default 1 check (is_problem in (0, 1)),
  problem_reasons text[] not null default '{}',
  warnings text[] not null default '{}',

  -- the day's own cause (see the header)
  cause_category text,
  cause_message text,
  cause_job_id bigint,
  breaker_skips integer not null default 0,
  -- key fields whose share dropped against the source's baseline (set from ops.snapshots)
  dq_fields text[] not null default '{}',

  updated_at timestamptz not null default ops_private.now(),
  primary key (source_id, run_date)
);

comment on table ops.daily_source_stats is
  'Daily rollup per source and run_date (days with at least one finished scrape run), maintained by a trigger on ops.scrape_runs. The rules are in the header of its migration and in the column comments.';
comment on column ops.daily_source_stats.best_job_id is
  'The best run of the day: status tier completed > partial > failed/cancelled/skipped (one tier), then most items_found, then latest finished_at, then highest job id.';
comment on column ops.daily_source_stats.jobs_processed_best is 'items_found of the best run.';
comment on column ops.daily_source_stats.execution_time_sec_best is 'execution_time_sec of the best run.';
comment on column ops.daily_source_stats.http_fail_rate_sum is
  'sum(http_failures) / sum(requests) over all finished runs of the day; NULL when no request was made.';
comment on column ops.daily_source_stats.http_block_rate_sum is
  'sum(blocked_403 + blocked_429) / sum(requests) over all finished runs of the day; NULL when no request was made.';
comment on column ops.daily_source_stats.timeout_rate is
  'sum(timeouts) / sum(requests) over all finished runs of the day; NULL when no request was made.';
comment on column ops.daily_source_stats.baseline_jobs_processed_14d is
  'Mean jobs_processed_best over run_date-14 .. run_date-1, only days whose best run was completed or partial; NULL without such a day.';
comment on column ops.daily_source_stats.baseline_stddev_14d is 'Sample standard deviation of the same days (NULL below 2 days).';
comment on column ops.daily_source_stats.baseline_days is 'How many days the baseline averages (0..14).';
comment on column ops.daily_source_stats.baseline_execution_time_sec_14d is
  'Mean execution_time_sec_best over the same baseline days (for "abnormally fast" silent failures).';
comment on column ops.daily_source_stats.relative_drop is '(baseline - jobs_processed_best) / baseline; negative when the volume grew.';
comment on column ops.daily_source_stats.drop_zscore is '(jobs_processed_best - baseline) / baseline_stddev_14d; NULL when the stddev is NULL or 0.';
comment on column ops.daily_source_stats.is_drop is
  'Best run completed/partial, baseline_days >= drop_min_baseline_days, baseline >= source.drop_min_baseline, jobs < baseline, and (relative_drop >= source.drop_relative_threshold or drop_zscore <= -source.drop_zscore_threshold).';
comment on column ops.daily_source_stats.final_status is
  'failed: best run failed/cancelled/skipped; partial: best run partial, or completed with 0 items, or is_drop; success: otherwise.';
comment on column ops.daily_source_stats.problem_reasons is
  'Empty on a successful day; else run_failed|run_cancelled|run_skipped, run_partial, zero_items, volume_drop, then the warnings of the day.';
comment on column ops.daily_source_stats.is_problem is '1 - is_success: the two partition the days.';
comment on column ops.daily_source_stats.warnings is
  'high_block_rate (> alert_block_rate), high_timeout_rate (> alert_timeout_rate), on any day.';
comment on column ops.daily_source_stats.cause_category is
  'Error category of the best-ranked unsuccessful run of the day that was not a breaker skip (circuit_open); NULL when there is none.';
comment on column ops.daily_source_stats.breaker_skips is 'Runs of the day skipped because the circuit breaker was open.';

-- the daily summary's look-backs: the last successful day, the last day with an own cause
create index daily_source_stats_success_idx on ops.daily_source_stats (source_id, run_date) where final_status = 'success';
create index daily_source_stats_cause_idx on ops.daily_source_stats (source_id, run_date) where cause_category is not null;

create index daily_source_stats_date_idx on ops.daily_source_stats (run_date);

call ops_private.viewers_read('ops.daily_source_stats');

-- ---------------------------------------------------------------------------
-- ops.source_days: the first and last run_date of each source's rollup, so
-- that the daily views find each source's date range with one hash join
-- instead of two index probes per source
-- ---------------------------------------------------------------------------
create table ops.source_days (
  source_id bigint primary key references ops.sources (id) on delete cascade,
  first_run_date date not null,
  last_run_date date not null
);

comment on table ops.source_days is
  'First and last run_date in ops.daily_source_stats per source; maintained with the rollup.';

call ops_private.viewers_read('ops.source_days');

-- ---------------------------------------------------------------------------
-- ops_private.recompute_daily_source_derived(source, from, to)
-- Recomputes baseline, drop, final status and reasons of the rollup rows of
-- one source (all sources when p_source_id is null) with run_date in
-- [p_from, p_to], from the rollup rows of [p_from - 14, p_to]. Set-based.
-- ---------------------------------------------------------------------------
-- PL/pgSQL, not SQL: a SQL function's statement is planned again at every call (~6 ms for this one),
-- a PL/pgSQL function's plan is kept for the session, and the snapshot trigger calls it once per source
-- and night (2,000 sources: most of the nightly snapshot time, scripts/bench/postings-sql.ts)
create or replace function ops_private.recompute_daily_source_derived(p_source_id bigint, p_from date, p_to date)
returns integer language plpgsql security definer set search_path = '' as $$
declare
  v_updated integer;
begin
  with cfg as materialized (
    select
      ops_private.setting_numeric('alert_block_rate', 0.10) as block_rate,
      ops_private.setting_numeric('alert_timeout_rate', 0.05) as timeout_rate,
      ops_private.setting_numeric('drop_min_baseline_days', 3) as min_days
  ),
  win as (
    select
      d.source_id,
      d.run_date,
      (avg(d.jobs_processed_best) filter (where d.best_status in ('completed', 'partial')) over w)::double precision as baseline,
      (stddev_samp(d.jobs_processed_best) filter (where d.best_status in ('completed', 'partial')) over w)::double precision as stddev,
      count(*) filter (where d.best_status in ('completed', 'partial')) over w as days,
      (avg(d.execution_time_sec_best) filter (where d.best_status in ('completed', 'partial')) over w)::double precision as exec_baseline
    from ops.daily_source_stats d
    where d.source_id between coalesce(p_source_id, 0) and coalesce(p_source_id, 9223372036854775807)
      and d.run_date between p_from - 14 and p_to
    window w as (partition by d.source_id order by d.run_date range between interval '14 days' preceding and interval '1 day' preceding)
  ),
  measured as (
    select
      w.*,
      t.jobs_processed_best as jobs,
      t.best_status,
      case when w.baseline > 0 then (w.baseline - t.jobs_processed_best) / w.baseline end as rel,
      case when w.stddev > 0 then (t.jobs_processed_best - w.baseline) / w.stddev end as z,
      t.http_block_rate_sum,
      t.timeout_rate,
      t.dq_fields,
      s.drop_min_baseline,
      s.drop_relative_threshold,
      s.drop_zscore_threshold
    from win w
    join ops.daily_source_stats t on t.source_id = w.source_id and t.run_date = w.run_date
    join ops.sources s on s.id = w.source_id
    where w.run_date between p_from and p_to
  ),
  judged as (
    select
      m.*,
      (m.best_status in ('completed', 'partial')
        and m.days >= c.min_days
        and m.baseline >= m.drop_min_baseline
        and m.jobs < m.baseline
        and (m.rel >= m.drop_relative_threshold or m.z <= -m.drop_zscore_threshold)) is true as is_drop,
      c.block_rate as block_threshold,
      c.timeout_rate as timeout_threshold
    from measured m
    cross join cfg c
  ),
  classified as (
    select
      j.*,
      case
        when j.best_status in ('failed', 'cancelled', 'skipped') then 'failed'
        when j.best_status = 'partial' or j.jobs = 0 or j.is_drop or cardinality(j.dq_fields) > 0 then 'partial'
        else 'success'
      end as final_status,
      array_remove(array[
        case j.best_status when 'failed' then 'run_failed' when 'cancelled' then 'run_cancelled' when 'skipped' then 'run_skipped' end,
        case when j.best_status = 'partial' then 'run_partial' end,
        case when j.best_status in ('completed', 'partial') and j.jobs = 0 then 'zero_items' end,
        case when j.is_drop then 'volume_drop' end,
        case when j.best_status in ('completed', 'partial') and cardinality(j.dq_fields) > 0 then 'field_drop' end
      ], null) as status_reasons,
      array_remove(array[
        case when j.http_block_rate_sum > j.block_threshold then 'high_block_rate' end,
        case when j.timeout_rate > j.timeout_threshold then 'high_timeout_rate' end
      ], null) as warnings
    from judged j
  ),
  reasoned as (
    select c.*,
      -- a successful day has no problem reasons: its warnings stay in warnings
      case when c.final_status = 'success' then '{}'::text[] else c.status_reasons || c.warnings end as reasons
    from classified c
  ),
  updated as (
    update ops.daily_source_stats t set
      baseline_jobs_processed_14d = c.baseline,
      baseline_stddev_14d = c.stddev,
      baseline_days = c.days,
      baseline_execution_time_sec_14d = c.exec_baseline,
      relative_drop = c.rel,
      drop_zscore = c.z,
      is_drop = c.is_drop,
      final_status = c.final_status,
      is_success = (c.final_status = 'success')::integer,
      is_problem = (c.final_status <> 'success')::integer,
      problem_reasons = c.reasons,
      warnings = c.warnings,
      updated_at = ops_private.now()
    from reasoned c
    where t.source_id = c.source_id and t.run_date = c.run_date
      and (t.baseline_jobs_processed_14d, t.baseline_stddev_14d, t.baseline_days, t.baseline_execution_time_sec_14d,
           t.relative_drop, t.drop_zscore, t.is_drop, t.final_status, t.problem_reasons, t.warnings)
        is distinct from
          (c.baseline, c.stddev, c.days::integer, c.exec_baseline, c.rel, c.z, c.is_drop, c.final_status, c.reasons, c.warnings)
    returning 1
  )
  select count(*)::integer into v_updated from updated;
  return v_updated;
end
$$;

comment on function ops_private.recompute_daily_source_derived(bigint, date, date) is
  'Recomputes baseline, drop, final_status and problem reasons of rollup rows in [from, to] (one source, or all when null). Rows whose result is unchanged are not rewritten.';

-- ---------------------------------------------------------------------------
-- ops_private.rollup_scrape_runs(source, from, to)
-- Recomputes the run columns of the rollup from ops.scrape_runs for one source
-- (all when null) and run_date in [from, to], then the derived columns of
-- [from, to + 14]. Days without any finished run are left as they are.
-- ---------------------------------------------------------------------------
create or replace function ops_private.rollup_scrape_runs(
  p_source_id bigint, p_from date, p_to date, p_derive boolean default true)
returns integer language plpgsql security definer set search_path = '' as $$
declare
  v_rows integer;
begin
  with runs as (
    select
      r.*,
      j.error_category,
      j.error,
      row_number() over (
        partition by r.source_id, r.run_date
        order by
          case r.status when 'completed' then 1 when 'partial' then 2 else 3 end,
          r.items_found desc,
          r.finished_at desc nulls last,
          r.job_id desc
      ) as rank
    from ops.scrape_runs r
    join ops.jobs j on j.id = r.job_id
    where r.source_id between coalesce(p_source_id, 0) and coalesce(p_source_id, 9223372036854775807)
      and r.run_date between p_from and p_to
      and r.status <> 'running'
  ),
  -- the day's own cause: the best-ranked unsuccessful run that was not a breaker skip
  causes as (
    select distinct on (r.source_id, r.run_date) r.source_id, r.run_date, r.error_category, r.error, r.job_id
    from runs r
    where r.status <> 'completed' and r.error_category is not null and r.error_category <> 'circuit_open'
    order by r.source_id, r.run_date, r.rank
  ),
  days as (
    select
      r.source_id,
      r.run_date,
      count(*)::integer as runs_total,
      count(*) filter (where r.status = 'completed')::integer as runs_completed,
      count(*) filter (where r.status = 'partial')::integer as runs_partial,
      count(*) filter (where r.status = 'failed')::integer as runs_failed,
      count(*) filter (where r.status = 'cancelled')::integer as runs_cancelled,
      count(*) filter (where r.status = 'skipped')::integer as runs_skipped,
      count(*) filter (where r.error_category = 'circuit_open')::integer as breaker_skips,
      sum(r.requests)::integer as requests_sum,
      sum(r.http_failures)::integer as http_failures_sum,
      sum(r.blocked_403)::integer as blocked_403_sum,
      sum(r.blocked_429)::integer as blocked_429_sum,
      sum(r.timeouts)::integer as timeouts_sum,
      sum(r.captchas)::integer as captchas_sum,
      min(r.started_at) as first_started_at,
      max(r.finished_at) as last_finished_at
    from runs r
    group by r.source_id, r.run_date
  )
  insert into ops.daily_source_stats as t (
    source_id, run_date, runs_total, runs_completed, runs_partial, runs_failed, runs_cancelled, runs_skipped,
    best_job_id, best_status, jobs_processed_best, items_new_best, items_rejected_best,
    execution_time_sec_best, avg_request_ms_best,
    requests_sum, http_failures_sum, blocked_403_sum, blocked_429_sum, timeouts_sum, captchas_sum,
    http_fail_rate_sum, http_block_rate_sum, timeout_rate, first_started_at, last_finished_at,
    cause_category, cause_message, cause_job_id, breaker_skips, updated_at)
  select
    d.source_id, d.run_date, d.runs_total, d.runs_completed, d.runs_partial, d.runs_failed, d.runs_cancelled, d.runs_skipped,
    b.job_id, b.status, b.items_found, b.items_new, b.items_rejected,
    b.execution_time_sec, b.avg_request_ms,
    d.requests_sum, d.http_failures_sum, d.blocked_403_sum, d.blocked_429_sum, d.timeouts_sum, d.captchas_sum,
    case when d.requests_sum > 0 then d.http_failures_sum::double precision / d.requests_sum end,
    case when d.requests_sum > 0 then (d.blocked_403_sum + d.blocked_429_sum)::double precision / d.requests_sum end,
    case when d.requests_sum > 0 then d.timeouts_sum::double precision / d.requests_sum end,
    d.first_started_at, d.last_finished_at,
    c.error_category, left(c.error, 500), c.job_id, d.breaker_skips, ops_private.now()
  from days d
  join runs b on b.source_id = d.source_id and b.run_date = d.run_date and b.rank = 1
  left join causes c on c.source_id = d.source_id and c.run_date = d.run_date
  on conflict (source_id, run_date) do update set
    runs_total = excluded.runs_total,
    runs_completed = excluded.runs_completed,
    runs_partial = excluded.runs_partial,
    runs_failed = excluded.runs_failed,
    runs_cancelled = excluded.runs_cancelled,
    runs_skipped = excluded.runs_skipped,
    best_job_id = excluded.best_job_id,
    best_status = excluded.best_status,
    jobs_processed_best = excluded.jobs_processed_best,
    items_new_best = excluded.items_new_best,
    items_rejected_best = excluded.items_rejected_best,
    execution_time_sec_best = excluded.execution_time_sec_best,
    avg_request_ms_best = excluded.avg_request_ms_best,
    requests_sum = excluded.requests_sum,
    http_failures_sum = excluded.http_failures_sum,
    blocked_403_sum = excluded.blocked_403_sum,
    blocked_429_sum = excluded.blocked_429_sum,
    timeouts_sum = excluded.timeouts_sum,
    captchas_sum = excluded.captchas_sum,
    http_fail_rate_sum = excluded.http_fail_rate_sum,
    http_block_rate_sum = excluded.http_block_rate_sum,
    timeout_rate = excluded.timeout_rate,
    first_started_at = excluded.first_started_at,
    last_finished_at = excluded.last_finished_at,
    cause_category = excluded.cause_category,
    cause_message = excluded.cause_message,
    cause_job_id = excluded.cause_job_id,
    breaker_skips = excluded.breaker_skips,
    updated_at = excluded.updated_at;
  get diagnostics v_rows = row_count;

  if v_rows > 0 then
    insert into ops.source_days as f (source_id, first_run_date, last_run_date)
    select d.source_id, min(d.run_date), max(d.run_date)
    from ops.daily_source_stats d
    where d.source_id between coalesce(p_source_id, 0) and coalesce(p_source_id, 9223372036854775807)
      and d.run_date between p_from and p_to
    group by d.source_id
    on conflict (source_id) do update set
      first_run_date = least(f.first_run_date, excluded.first_run_date),
      last_run_date = greatest(f.last_run_date, excluded.last_run_date);
  end if;

  if v_rows > 0 and p_derive then
    perform ops_private.recompute_daily_source_derived(p_source_id, p_from, p_to + 14);
  end if;
  return v_rows;
end
$$;

comment on function ops_private.rollup_scrape_runs(bigint, date, date, boolean) is
  'Recomputes rollup rows from ops.scrape_runs (one source or all, dates [from, to]) and, unless p_derive is false, the derived columns of [from, to + 14]. Returns the number of rollup rows written.';

-- ---------------------------------------------------------------------------
-- ops_private.refresh_daily_source_stats(source, run_date): one day, as the
-- trigger calls it
-- ---------------------------------------------------------------------------
create or replace function ops_private.refresh_daily_source_stats(p_source_id bigint, p_run_date date)
returns void language plpgsql security definer set search_path = '' as $$
begin
  if p_source_id is null or p_run_date is null then
    return;
  end if;
  perform ops_private.rollup_scrape_runs(p_source_id, p_run_date, p_run_date);
end
$$;

comment on function ops_private.refresh_daily_source_stats(bigint, date) is
  'Recomputes one (source, run_date) of ops.daily_source_stats from its finished runs, then the baselines of the 14 following days.';

-- ---------------------------------------------------------------------------
-- ops_private.rebuild_daily_source_stats(source): a full rebuild (backfills,
-- bulk loads with the trigger disabled, repairs)
-- ---------------------------------------------------------------------------
create or replace function ops_private.rebuild_daily_source_stats(p_source_id bigint default null)
returns integer language plpgsql security definer set search_path = '' as $$
declare
  v_rows integer;
begin
  v_rows := ops_private.rollup_scrape_runs(p_source_id, date '1900-01-01', date '2999-12-31', false);
  if p_source_id is null then
    -- a bulk load: fresh statistics before the derived pass joins the rollup with itself
    analyze ops.daily_source_stats;
  end if;
  perform ops_private.recompute_daily_source_derived(p_source_id, date '1900-01-01', date '2999-12-31');
  return v_rows;
end
$$;

comment on function ops_private.rebuild_daily_source_stats(bigint) is
  'Rebuilds the rollup of one source (all sources when null) from every finished scrape run still stored; rows of purged days are kept.';

-- ---------------------------------------------------------------------------
-- Trigger: a scrape run that is (or becomes) finished refreshes its day
-- ---------------------------------------------------------------------------
create or replace function ops_private.scrape_runs_rollup_trigger()
returns trigger language plpgsql security definer set search_path = '' as $$
begin
  perform ops_private.refresh_daily_source_stats(new.source_id, new.run_date);
  -- a finished run moved to another day or source: refresh the day it left
  if tg_op = 'UPDATE' and old.status <> 'running'
     and (old.source_id, old.run_date) is distinct from (new.source_id, new.run_date) then
    perform ops_private.refresh_daily_source_stats(old.source_id, old.run_date);
  end if;
  return null;
end
$$;

create trigger scrape_runs_rollup
  after insert or update on ops.scrape_runs
  for each row
  when (new.status <> 'running')
  execute function ops_private.scrape_runs_rollup_trigger();

-- ---------------------------------------------------------------------------
-- Trigger: a source's drop thresholds changed -> recompute its rows
-- ---------------------------------------------------------------------------
create or replace function ops_private.sources_thresholds_trigger()
returns trigger language plpgsql security definer set search_path = '' as $$
begin
  perform ops_private.recompute_daily_source_derived(new.id, date '1900-01-01', date '2999-12-31');
  return null;
end
$$;

create trigger sources_drop_thresholds_changed
  after update of drop_min_baseline, drop_relative_threshold, drop_zscore_threshold on ops.sources
  for each row
  when ((old.drop_min_baseline, old.drop_relative_threshold, old.drop_zscore_threshold)
        is distinct from (new.drop_min_baseline, new.drop_relative_threshold, new.drop_zscore_threshold))
  execute function ops_private.sources_thresholds_trigger();

-- ---------------------------------------------------------------------------
-- Trigger: a global threshold changed -> recompute every row (rare, heavy)
-- ---------------------------------------------------------------------------
create or replace function ops_private.settings_thresholds_trigger()
returns trigger language plpgsql security definer set search_path = '' as $$
begin
  perform ops_private.recompute_daily_source_derived(null, date '1900-01-01', date '2999-12-31');
  return null;
end
$$;

create trigger settings_thresholds_changed
  after insert or update on ops.settings
  for each row
  when (new.key in ('alert_block_rate', 'alert_timeout_rate', 'drop_min_baseline_days'))
  execute function ops_private.settings_thresholds_trigger();

-- ---------------------------------------------------------------------------
-- Privileges: internal; only the full rebuild is open to workers
-- ---------------------------------------------------------------------------
revoke all on function
  ops_private.recompute_daily_source_derived(bigint, date, date),
  ops_private.rollup_scrape_runs(bigint, date, date, boolean),
  ops_private.refresh_daily_source_stats(bigint, date),
  ops_private.rebuild_daily_source_stats(bigint),
  ops_private.scrape_runs_rollup_trigger(),
  ops_private.sources_thresholds_trigger(),
  ops_private.settings_thresholds_trigger()
  from public, anon, authenticated;
grant execute on function ops_private.rebuild_daily_source_stats(bigint) to service_role;
