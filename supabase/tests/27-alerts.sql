-- ===========================================================================
-- 27 alerts: every rule firing and not firing, fatigue control, the evaluated
-- date before and after 07:00 Berlin. Clock: 2026-11-22 08:30 Berlin unless
-- said otherwise. Sources that should not trip the SLO rule get SLO targets 0.
-- ===========================================================================
begin;
set search_path = extensions, public;
select plan(13);

set local ops.now = '2026-11-22 08:30:00+01';

-- one-minute runs; a failed one was blocked (403) and found nothing; every block or timeout is a failed request
create function pg_temp.add_run(
  p_key text, p_date date, p_status text, p_items integer default 100,
  p_requests integer default 100, p_403 integer default 0, p_429 integer default 0, p_timeouts integer default 0)
returns bigint
language sql as $$
  select tests.add_run(p_key, p_date, p_status, case when p_status = 'failed' then 0 else p_items end, 60, p_requests,
    p_403 + p_429 + p_timeouts, p_403, p_429, p_timeouts, null,
    case when p_status = 'failed' then 'HTTP 403 Forbidden' end, case when p_status = 'failed' then 'block_403' end)
$$;

insert into ops.sources (key, display_name, adapter, created_at)
select k, k, 'lever', '2026-11-14 12:00+01'
from unnest(array['failing2', 'failing1', 'failing4', 'gap', 'silent', 'dropper', 'zeroer', 'blocked', 'borderline', 'timeouts']) k;
insert into ops.sources (key, display_name, adapter, created_at) values ('newbie', 'newbie', 'lever', '2026-11-22 06:00+01');
insert into ops.sources (key, display_name, adapter, created_at, active) values ('paused', 'paused', 'lever', '2026-11-14 12:00+01', false);
update ops.sources set slo_success_rate = 0, slo_alert_success_rate = 0 where key <> 'failing4';

-- consecutive failures
select pg_temp.add_run('failing2', '2026-11-20', 'completed');
select pg_temp.add_run('failing2', '2026-11-21', 'failed');
select pg_temp.add_run('failing2', '2026-11-22', 'failed');
select pg_temp.add_run('failing1', '2026-11-21', 'completed');
select pg_temp.add_run('failing1', '2026-11-22', 'failed');
select pg_temp.add_run('failing4', d::date, case when d::date >= '2026-11-19' then 'failed' else 'completed' end)
  from generate_series(date '2026-11-16', date '2026-11-22', interval '1 day') d;
select pg_temp.add_run('gap', '2026-11-20', 'failed');
select pg_temp.add_run('gap', '2026-11-22', 'failed');             -- Nov 21: no data breaks the run
-- no data on Nov 22
select pg_temp.add_run('silent', '2026-11-19', 'completed');
select pg_temp.add_run('silent', '2026-11-20', 'completed');
-- drops: 100 items on Nov 15..21, then 30 and 0
select pg_temp.add_run(k, d::date, 'completed') from unnest(array['dropper', 'zeroer']) k,
  generate_series(date '2026-11-15', date '2026-11-21', interval '1 day') d;
select pg_temp.add_run('dropper', '2026-11-22', 'completed', 30);
select pg_temp.add_run('zeroer', '2026-11-22', 'completed', 0);
-- rates on Nov 22: 12% blocked (8 + 4) and 5% timeouts (= threshold: no alert);
-- exactly 10% blocked (no alert); 6% timeouts
select pg_temp.add_run('blocked', '2026-11-22', 'completed', 100, 100, 8, 4, 5);
select pg_temp.add_run('borderline', '2026-11-22', 'completed', 100, 100, 5, 5, 0);
select pg_temp.add_run('timeouts', '2026-11-22', 'completed', 100, 100, 0, 0, 6);

select results_eq(
  $$select rule, severity, source_key from ops.alerts_v$$,
  $$values ('consecutive_failed_days', 'critical', 'failing4'),
           ('consecutive_failed_days', 'high', 'failing2'),
           ('high_block_rate', 'high', 'blocked'),
           ('no_data', 'high', 'silent'),
           ('slo_breach', 'high', 'failing4'),
           ('stale_mirror', 'high', null),
           ('volume_drop', 'high', 'zeroer'),
           ('high_timeout_rate', 'medium', 'timeouts'),
           ('volume_drop', 'medium', 'dropper')$$,
  'the open alerts, most severe first; no alert for failing1 (one night), gap (broken run), newbie, paused, borderline');

select results_eq(
  $$select alert_id, evaluated_date, since, value, threshold, message from ops.alerts_v where source_key = 'failing2'$$,
  $$values ('consecutive_failed_days:failing2:2026-11-21', '2026-11-22'::date, '2026-11-21'::date, 2::float8, 2::float8,
            'failing2 failed on 2 days in a row (2026-11-21 to 2026-11-22); latest error: block_403: HTTP 403 Forbidden')$$,
  'consecutive failures: one alert for the whole run, with its sentence');

select is((select message from ops.alerts_v where rule = 'consecutive_failed_days' and source_key = 'failing4'),
  'failing4 failed on 4 days in a row (2026-11-19 to 2026-11-22); latest error: block_403: HTTP 403 Forbidden',
  'four failed nights: critical (twice the threshold)');

select is((select message from ops.alerts_v where rule = 'no_data'),
  'silent delivered no data on 2026-11-22: no scrape run finished (last data 2026-11-20, 2 days earlier)',
  'no data: the sentence');

-- failing4: Nov 16..18 succeeded, Nov 19..22 failed: 3 / 7 = 42.9% < 80%
select is((select message from ops.alerts_v where rule = 'slo_breach'),
  'failing4 breaches its SLO: success rate 42.9% (3 of 7 days) over the last 7 days is below 80.0% (target 95.0%)',
  'SLO breach: the sentence');

select is((select message from ops.alerts_v where rule = 'volume_drop' and source_key = 'dropper'),
  'dropper found 30 jobs on 2026-11-22, 70% below its 14-day baseline of 100.0', 'volume drop: the sentence');

select is((select message from ops.alerts_v where rule = 'high_block_rate'),
  'blocked was blocked on 2026-11-22: 12.0% of 100 requests (403: 8, 429: 4), threshold 10.0%', 'block rate: the sentence');

select is((select message from ops.alerts_v where rule = 'high_timeout_rate'),
  'timeouts timed out on 2026-11-22: 6.0% of 100 requests (6 timeouts), threshold 5.0%', 'timeout rate: the sentence');

select is((select message from ops.alerts_v where rule = 'stale_mirror'),
  'The BI mirror is stale at 08:00 Berlin: no successful export covers yesterday (2026-11-21)', 'stale mirror: the sentence');

-- the mirror catches up: no stale alert
insert into ops.mirror_runs (target, date_from, date_to, status, started_at, finished_at)
values ('local', '2026-11-20', '2026-11-22', 'completed', '2026-11-22 07:45+01', '2026-11-22 07:46+01');
select is((select count(*)::int from ops.alerts_v where rule = 'stale_mirror'), 0, 'a fresh mirror does not alert');

-- N = 3: failing2 (2 nights) stops alerting; failing4 (4 nights) is high, not critical (< 6)
update ops.settings set value = '3' where key = 'alert_consecutive_failed_days';
select results_eq(
  $$select source_key, severity from ops.alerts_v where rule = 'consecutive_failed_days'$$,
  $$values ('failing4', 'high')$$,
  'alert_consecutive_failed_days = 3');
update ops.settings set value = '2' where key = 'alert_consecutive_failed_days';

-- before 07:00 the night is not over: yesterday (Nov 21) is evaluated
set local ops.now = '2026-11-22 06:30:00+01';
select is((select array_agg(distinct evaluated_date) from ops.alerts_v), array['2026-11-21'::date],
  'before 07:00 Berlin, alerts evaluate yesterday');
select results_eq(
  $$select rule, source_key from ops.alerts_v where rule in ('consecutive_failed_days', 'no_data') order by rule, source_key$$,
  $$values ('consecutive_failed_days', 'failing4'), ('no_data', 'blocked'), ('no_data', 'borderline'), ('no_data', 'gap'),
           ('no_data', 'silent'), ('no_data', 'timeouts')$$,
  'on Nov 21: failing2 had one failed night only (no alert); five sources had no data that day');

select * from finish();
rollback;
