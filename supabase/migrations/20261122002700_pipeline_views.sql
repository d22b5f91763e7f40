-- ===========================================================================
-- Pipeline views over ops.jobs: overall stats per window, the daily schedule,
-- stats per job type. "Now" is ops_private.now(); days are
-- Europe/Berlin dates. Durations are finished_at - started_at in seconds.
-- Success rate of jobs = completed / (completed + partial + failed): cancelled
-- and skipped jobs did not run to an outcome and are left out.
-- ===========================================================================

-- ---------------------------------------------------------------------------
-- ops.pipeline_stats_v: the nightly pipeline runs (root jobs of type
-- 'pipeline') and everything under them, per window of 1, 7, 30, 90 days
-- ---------------------------------------------------------------------------
create or replace view ops.pipeline_stats_v
with (security_invoker = true)
as
with windows as (
  select w.days, ops_private.now() - make_interval(days => w.days) as since
  from (values (1), (7), (30), (90)) as w(days)
),
pipelines as (
  select p.*
  from ops.jobs p
  where p.type = 'pipeline'
    and p.created_at >= (select ops_private.now() - interval '90 days')
),
children as (
  select c.root_id, count(*) as jobs, count(*) filter (where c.status = 'failed') as failed,
    count(*) filter (where c.status = 'skipped') as skipped
  from ops.jobs c
  where c.root_id in (select id from pipelines)
  group by c.root_id
)
select
  w.days as window_days,
  count(p.id)::integer as runs,
  count(p.id) filter (where p.status = 'completed')::integer as completed,
  count(p.id) filter (where p.status = 'partial')::integer as partial,
  count(p.id) filter (where p.status = 'failed')::integer as failed,
  count(p.id) filter (where p.status = 'cancelled')::integer as cancelled,
  count(p.id) filter (where p.status in ('pending', 'running'))::integer as in_progress,
  case when count(p.id) filter (where p.status in ('completed', 'partial', 'failed')) > 0
    then (count(p.id) filter (where p.status = 'completed'))::double precision
         / count(p.id) filter (where p.status in ('completed', 'partial', 'failed')) end as success_rate,
  avg(extract(epoch from p.finished_at - p.started_at))::double precision as avg_duration_sec,
  max(extract(epoch from p.finished_at - p.started_at))::double precision as max_duration_sec,
  coalesce(sum(c.jobs), 0)::integer as child_jobs,
  coalesce(sum(c.failed), 0)::integer as child_jobs_failed,
  coalesce(sum(c.skipped), 0)::integer as child_jobs_skipped,
  max(p.started_at) as last_started_at,
  (array_agg(p.status order by p.created_at desc) filter (where p.id is not null))[1] as last_status
from windows w
left join pipelines p on p.created_at >= w.since
left join children c on c.root_id = p.id
group by w.days;

comment on view ops.pipeline_stats_v is
  'Nightly pipeline runs (jobs of type pipeline) created in the last 1, 7, 30 and 90 days: counts by status, success_rate = completed / (completed + partial + failed), mean and max duration, child jobs under them (by root_id), failed and skipped children, the latest run''s start and status.';

-- ---------------------------------------------------------------------------
-- ops.pipeline_daily_v: the daily schedule, the last 90 Berlin dates
-- ---------------------------------------------------------------------------
create or replace view ops.pipeline_daily_v
with (security_invoker = true)
as
select
  coalesce(j.run_date, (j.created_at at time zone 'Europe/Berlin')::date) as day,
  count(*) filter (where j.type = 'pipeline')::integer as pipeline_runs,
  count(*)::integer as jobs,
  count(*) filter (where j.type = 'scrape')::integer as scrape_jobs,
  count(*) filter (where j.status = 'completed')::integer as completed,
  count(*) filter (where j.status = 'partial')::integer as partial,
  count(*) filter (where j.status = 'failed')::integer as failed,
  count(*) filter (where j.status = 'cancelled')::integer as cancelled,
  count(*) filter (where j.status = 'skipped')::integer as skipped,
  count(*) filter (where j.status in ('pending', 'running'))::integer as in_progress,
  case when count(*) filter (where j.status in ('completed', 'partial', 'failed')) > 0
    then (count(*) filter (where j.status = 'completed'))::double precision
         / count(*) filter (where j.status in ('completed', 'partial', 'failed')) end as success_rate,
  min(j.started_at) as first_started_at,
  max(j.finished_at) as last_finished_at,
  extract(epoch from max(j.finished_at) - min(j.started_at))::double precision as span_sec
from ops.jobs j
where j.created_at >= (select (ops_private.berlin_today() - 95)::timestamp at time zone 'Europe/Berlin')
  and coalesce(j.run_date, (j.created_at at time zone 'Europe/Berlin')::date) > (select ops_private.berlin_today() - 90)
group by 1;

comment on view ops.pipeline_daily_v is
  'The daily schedule: per Berlin date (the job''s run_date, else its creation date) of the last 90 dates, pipeline runs, jobs by status, success_rate = completed / (completed + partial + failed), first start, last finish and the span between them.';

-- ---------------------------------------------------------------------------
-- ops.job_type_stats_v: per job type, the last 30 days
-- ---------------------------------------------------------------------------
create or replace view ops.job_type_stats_v
with (security_invoker = true)
as
select
  t.type,
  t.description,
  x.jobs,
  x.pending,
  x.running,
  x.completed,
  x.partial,
  x.failed,
  x.cancelled,
  x.skipped,
  x.success_rate,
  x.avg_duration_sec,
  x.p95_duration_sec,
  x.avg_attempts,
  x.retried,
  x.last_finished_at
from ops.job_types t
-- per type, an index range of jobs_type_created_idx (a join of all types at once reads every job)
cross join lateral (
  select
    count(j.id)::integer as jobs,
    count(j.id) filter (where j.status = 'pending')::integer as pending,
    count(j.id) filter (where j.status = 'running')::integer as running,
    count(j.id) filter (where j.status = 'completed')::integer as completed,
    count(j.id) filter (where j.status = 'partial')::integer as partial,
    count(j.id) filter (where j.status = 'failed')::integer as failed,
    count(j.id) filter (where j.status = 'cancelled')::integer as cancelled,
    count(j.id) filter (where j.status = 'skipped')::integer as skipped,
    case when count(j.id) filter (where j.status in ('completed', 'partial', 'failed')) > 0
      then (count(j.id) filter (where j.status = 'completed'))::double precision
           / count(j.id) filter (where j.status in ('completed', 'partial', 'failed')) end as success_rate,
    avg(extract(epoch from j.finished_at - j.started_at))::double precision as avg_duration_sec,
    (percentile_cont(0.95) within group (order by extract(epoch from j.finished_at - j.started_at)))::double precision
      as p95_duration_sec,
    avg(j.attempt)::double precision as avg_attempts,
    count(j.id) filter (where j.attempt > 1)::integer as retried,
    max(j.finished_at) as last_finished_at
  from ops.jobs j
  where j.type = t.type and j.created_at >= (select ops_private.now() - interval '30 days')
) x;

comment on view ops.job_type_stats_v is
  'Per job type, jobs created in the last 30 days: counts by status, success_rate = completed / (completed + partial + failed), mean and 95th percentile duration (finished - started), mean attempts, jobs retried (attempt > 1), latest finish.';

-- ---------------------------------------------------------------------------
-- Privileges
-- ---------------------------------------------------------------------------
revoke all on ops.pipeline_stats_v, ops.pipeline_daily_v, ops.job_type_stats_v from public, anon, authenticated, service_role;
grant select on ops.pipeline_stats_v, ops.pipeline_daily_v, ops.job_type_stats_v to authenticated, service_role;
