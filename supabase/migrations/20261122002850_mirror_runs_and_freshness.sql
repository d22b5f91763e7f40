-- ===========================================================================
-- BI mirror export records and freshness.
--
-- ops.mirror_runs is the minimal record of each export of
-- reporting.daily_summary_looker_v to the BigQuery mirror (or the local
-- target); the mirror function (another migration/issue) writes it through its
-- own SQL functions and may add columns. Created here only if missing.
-- ops.mirror_freshness_v says whether the report is fresh by 08:00 Berlin and
-- feeds the stale_mirror alert.
-- ===========================================================================

-- ---------------------------------------------------------------------------
-- ops.mirror_runs
-- ---------------------------------------------------------------------------
create table if not exists ops.mirror_runs (
  id bigint generated always as identity primary key,
  target text not null check (length(target) between 1 and 60),
  date_from date not null,
  date_to date not null,
  rows_read integer not null default 0 check (rows_read >= 0),
  rows_upserted integer not null default 0 check (rows_upserted >= 0),
  status text not null default 'running' check (status in ('running', 'completed', 'failed')),
  started_at timestamptz not null default ops_private.now(),
  finished_at timestamptz,
  duration_ms integer check (duration_ms >= 0),
  -- the latest ops.daily_source_stats.updated_at the export saw: later corrections are not mirrored yet
  watermark timestamptz,
  error text,
  check (date_from <= date_to),
  check ((status = 'running') = (finished_at is null))
);

comment on table ops.mirror_runs is
  'One row per export of reporting.daily_summary_looker_v to a mirror target (bigquery, local): date range, rows read and upserted, status running|completed|failed, timing, watermark, error.';

create index if not exists mirror_runs_finished_idx on ops.mirror_runs (status, finished_at desc);

alter table ops.mirror_runs enable row level security;
revoke all on ops.mirror_runs from public, anon, authenticated, service_role;
grant select on ops.mirror_runs to authenticated;
grant select, insert, update on ops.mirror_runs to service_role;

drop policy if exists mirror_runs_read on ops.mirror_runs;
create policy mirror_runs_read on ops.mirror_runs
  for select to authenticated
  using ((select ops_private.is_viewer()));

-- ---------------------------------------------------------------------------
-- ops.mirror_freshness_v: one row
-- ---------------------------------------------------------------------------
create or replace view ops.mirror_freshness_v
with (security_invoker = true)
as
with clock as materialized (
  select
    ops_private.now() as now,
    ops_private.berlin_today() as today,
    ops_private.berlin_today() - 1 as yesterday,
    (ops_private.berlin_today() + ops_private.setting_time('mirror_fresh_by', time '08:00')) at time zone 'Europe/Berlin'
      as deadline
),
pipeline as (
  -- last night's pipeline: the latest root pipeline job created in the 24 hours before today's deadline
  select p.id, p.status, p.finished_at
  from ops.jobs p
  cross join clock k
  where p.type = 'pipeline' and p.parent_id is null
    and p.created_at > k.deadline - interval '24 hours' and p.created_at <= k.now
  order by p.created_at desc
  limit 1
),
covering as (
  -- the latest successful export whose range includes yesterday
  select m.id, m.target, m.date_from, m.date_to, m.finished_at, m.watermark
  from ops.mirror_runs m
  cross join clock k
  where m.status = 'completed' and m.date_from <= k.yesterday and m.date_to >= k.yesterday
  order by m.finished_at desc
  limit 1
),
last_run as (
  select m.id, m.target, m.status, m.finished_at, m.error
  from ops.mirror_runs m
  order by m.started_at desc, m.id desc
  limit 1
),
judged as (
  select
    k.now as checked_at,
    k.today,
    k.yesterday,
    k.deadline,
    (k.now >= k.deadline) as past_deadline,
    p.id as pipeline_job_id,
    p.status as pipeline_status,
    p.finished_at as pipeline_finished_at,
    c.id as export_id,
    c.target as export_target,
    c.date_from as export_date_from,
    c.date_to as export_date_to,
    c.finished_at as export_finished_at,
    c.watermark as export_watermark,
    l.id as last_run_id,
    l.status as last_run_status,
    l.finished_at as last_run_finished_at,
    l.error as last_run_error,
    (c.id is not null
      and (p.id is null or (p.finished_at is not null and c.finished_at >= p.finished_at))) as is_fresh
  from clock k
  left join pipeline p on true
  left join covering c on true
  left join last_run l on true
)
select
  j.*,
  (j.past_deadline and not j.is_fresh) as is_stale,
  case
    when j.is_fresh then format('fresh: export %s to %s covering %s..%s finished at %s%s',
      j.export_id, j.export_target, j.export_date_from, j.export_date_to, j.export_finished_at,
      case when j.pipeline_job_id is not null then format(', after pipeline job %s finished at %s', j.pipeline_job_id, j.pipeline_finished_at) else ', no pipeline ran last night' end)
    when j.export_id is null then format('no successful export covers yesterday (%s)%s', j.yesterday,
      case when j.last_run_status = 'failed' then format('; the last export (%s) failed: %s', j.last_run_id, j.last_run_error) else '' end)
    when j.pipeline_finished_at is null then format('last night''s pipeline (job %s) has not finished', j.pipeline_job_id)
    else format('the latest export covering yesterday finished at %s, before last night''s pipeline finished at %s',
      j.export_finished_at, j.pipeline_finished_at)
  end as reason
from judged j;

comment on view ops.mirror_freshness_v is
$$Whether the BI mirror is fresh: is_fresh when a COMPLETED export whose [date_from, date_to] includes yesterday (Berlin) finished at or after last night's pipeline finished (last night's pipeline = the latest root job of type pipeline created in the 24 hours before today's deadline; with none, the covering export suffices; while it has not finished, not fresh).
deadline = today at setting mirror_fresh_by (08:00) Europe/Berlin; is_stale = past the deadline and not fresh (feeds the stale_mirror alert). reason explains the verdict in one sentence.$$;

revoke all on ops.mirror_freshness_v from public, anon, authenticated, service_role;
grant select on ops.mirror_freshness_v to authenticated, service_role;
