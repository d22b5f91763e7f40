-- ===========================================================================
-- 24 pipeline views (stats per window, daily schedule, per job type) and the
-- portal status. Clock: 2026-11-22 08:30 Berlin.
-- ===========================================================================
begin;
set search_path = extensions, public;
select plan(9);

set local ops.now = '2026-11-22 08:30:00+01';

-- pipelines: P1 last night (completed, 30 min), P0 the night before (failed, 10 min), P9 in October (5 min)
create temp table ids as select 0::bigint as p1, 0::bigint as p0;
with p as (
  insert into ops.jobs (type, status, run_date, created_at, started_at, finished_at, attempt)
  values ('pipeline', 'completed', '2026-11-22', '2026-11-22 02:00+01', '2026-11-22 02:00+01', '2026-11-22 02:30+01', 1)
  returning id)
update ids set p1 = (select id from p);
with p as (
  insert into ops.jobs (type, status, run_date, created_at, started_at, finished_at, attempt)
  values ('pipeline', 'failed', '2026-11-21', '2026-11-21 02:00+01', '2026-11-21 02:00+01', '2026-11-21 02:10+01', 1)
  returning id)
update ids set p0 = (select id from p);
insert into ops.jobs (type, status, run_date, created_at, started_at, finished_at, attempt)
values ('pipeline', 'completed', '2026-10-01', '2026-10-01 02:00+02', '2026-10-01 02:00+02', '2026-10-01 02:05+02', 1);
-- P1's children: completed in 240 s (1 attempt), failed in 120 s (2 attempts), skipped
insert into ops.jobs (type, status, parent_id, root_id, run_date, created_at, started_at, finished_at, attempt)
select 'scrape', x.status, ids.p1, ids.p1, '2026-11-22', '2026-11-22 02:01+01', x.started::timestamptz, x.finished::timestamptz, x.attempt
from ids, (values
  ('completed', '2026-11-22 02:01+01', '2026-11-22 02:05+01', 1),
  ('failed', '2026-11-22 02:01+01', '2026-11-22 02:03+01', 2),
  ('skipped', null, '2026-11-22 02:03+01', 0)) as x(status, started, finished, attempt);

select results_eq(
  $$select window_days, runs, completed, failed, round(success_rate::numeric, 4), avg_duration_sec, child_jobs,
           child_jobs_failed, child_jobs_skipped, last_status
      from ops.pipeline_stats_v order by window_days$$,
  $$values (1, 1, 1, 0, 1.0000, 1800::float8, 3, 1, 1, 'completed'),
           (7, 2, 1, 1, 0.5000, 1200::float8, 3, 1, 1, 'completed'),
           (30, 2, 1, 1, 0.5000, 1200::float8, 3, 1, 1, 'completed'),
           (90, 3, 2, 1, 0.6667, 900::float8, 3, 1, 1, 'completed')$$,
  'pipeline stats per window: 1800 s; (1800 + 600) / 2; (1800 + 600 + 300) / 3');

-- Nov 22: P1 + 3 children; completed 2, failed 1, skipped 1; success 2 / 3
select results_eq(
  $$select day, pipeline_runs, jobs, scrape_jobs, completed, failed, skipped, round(success_rate::numeric, 4), span_sec
      from ops.pipeline_daily_v where day >= '2026-11-21' order by day$$,
  $$values ('2026-11-21'::date, 1, 1, 0, 0, 1, 0, 0.0000, 600::float8),
           ('2026-11-22', 1, 4, 3, 2, 1, 1, 0.6667, 1800::float8)$$,
  'daily schedule');

-- scrape: success 1 / (1 + 1); p95 of (120, 240) = 120 + 0.95 x 120 = 234; attempts (1 + 2 + 0) / 3
select results_eq(
  $$select jobs, completed, failed, skipped, success_rate, p95_duration_sec, avg_attempts, retried
      from ops.job_type_stats_v where type = 'scrape'$$,
  $$values (3, 1, 1, 1, 0.5::float8, 234::float8, 1::float8, 1)$$,
  'per job type: scrape');
select is((select jobs from ops.job_type_stats_v where type = 'score'), 0, 'a job type without jobs has a row with 0');

-- ---------------------------------------------------------------------------
-- Portal status
-- ---------------------------------------------------------------------------
update ops.settings set value = '5' where key = 'global_rate_limit_seconds';
insert into ops.sources (key, display_name, adapter, rate_limit_seconds, breaker_state, breaker_opened_at, consecutive_errors, breaker_trip_count)
values ('portal1', 'Portal 1', 'html', 2, 'open', '2026-11-22 07:00+01', 6, 1);
insert into ops.sources (key, display_name, adapter, rate_limit_seconds, active) values ('paused1', 'Paused 1', 'html', 10, false);
insert into ops.sources (key, display_name, adapter, rate_limit_seconds) values ('calm1', 'Calm 1', 'html', 1);

insert into ops.error_hourly (hour, source_id, category, count)
select x.hour::timestamptz, s.id, x.category, x.count
from (values ('2026-11-22 06:00+00', 'block_403', 4), ('2026-11-18 10:00+00', 'parsing', 3), ('2026-11-01 10:00+00', 'parsing', 50)) as x(hour, category, count)
cross join ops.sources s where s.key = 'portal1';
insert into ops.errors (source_id, fingerprint, category, severity, message, first_seen, last_occurrence)
select s.id, x.fp, 'parsing', 'high', 'x', '2026-10-01', x.last::timestamptz
from (values ('f1', '2026-11-21 10:00+01'), ('f2', '2026-10-01 10:00+02')) as x(fp, last)
cross join ops.sources s where s.key = 'portal1';

select results_eq(
  $$select effective_rate_limit_seconds, breaker_state, breaker_retry_at, consecutive_errors, errors_24h, errors_7d,
           blocks_24h, blocks_7d, top_category_7d, distinct_errors_7d, portal_state
      from ops.portal_status_v where source_key = 'portal1'$$,
  $$values (5.000::numeric, 'open', '2026-11-22 07:05+01'::timestamptz, 6, 4::bigint, 7::bigint, 4::bigint, 4::bigint,
            'block_403', 1, 'breaker_open')$$,
  'portal1: global rate limit wins, breaker open until 07:05, error counters of 24 h and 7 days');

select results_eq(
  $$select source_key, portal_state, effective_rate_limit_seconds, errors_7d from ops.portal_status_v
     where source_key in ('paused1', 'calm1') order by source_key$$,
  $$values ('calm1', 'ok', 5.000::numeric, 0::bigint), ('paused1', 'paused', 10.000::numeric, 0::bigint)$$,
  'an inactive portal is paused; a calm one is ok');

-- the latest rollup day shows in the portal status
insert into ops.jobs (type, status, source_id, run_date, started_at, finished_at)
select 'scrape', 'completed', id, '2026-11-22', '2026-11-22 02:00+01', '2026-11-22 02:01+01' from ops.sources where key = 'calm1';
insert into ops.scrape_runs (job_id, source_id, run_date, status, items_found, requests, finished_at)
select j.id, j.source_id, j.run_date, 'completed', 12, 20, j.finished_at from ops.jobs j
  join ops.sources s on s.id = j.source_id where s.key = 'calm1';
select results_eq(
  $$select last_run_date, last_final_status, last_jobs_processed from ops.portal_status_v where source_key = 'calm1'$$,
  $$values ('2026-11-22'::date, 'success', 12)$$,
  'the latest day of the rollup');

select tests.as_operator();
select is((select count(*)::int from ops.portal_status_v), 3, 'an operator reads the portal status');
select tests.as_user();
select is((select count(*)::int from ops.portal_status_v), 0, 'a user without an ops role sees no portal');

select * from finish();
rollback;
