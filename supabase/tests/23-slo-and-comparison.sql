-- ===========================================================================
-- 23 SLO status and source comparison. Clock: 2026-11-22 08:30 Berlin.
-- SLO window (slo_window_days = 7): Nov 16..22; previous period Nov 9..15.
-- Defaults: slo_success_rate 0.95, slo_alert_success_rate 0.80, 300 s.
-- ===========================================================================
begin;
set search_path = extensions, public;
select plan(8);

set local ops.now = '2026-11-22 08:30:00+01';

-- failed runs found nothing, the others 100 items
create function pg_temp.add_run(p_key text, p_date date, p_status text, p_exec numeric) returns bigint
language sql as $$ select tests.add_run(p_key, p_date, p_status, case when p_status = 'failed' then 0 else 100 end, p_exec) $$;

insert into ops.sources (key, display_name, adapter, created_at)
select k, upper(k), 'lever', '2026-11-09 00:00+01' from unnest(array['ok1', 'warn1', 'breach1', 'slow1', 'todo1']) k;
insert into ops.sources (key, display_name, adapter, created_at) values ('new1', 'NEW1', 'lever', '2026-11-20 12:00+01');

-- previous period Nov 9..15: everyone succeeds in 50 s
select pg_temp.add_run(k, d::date, 'completed', 50)
from unnest(array['ok1', 'warn1', 'breach1', 'slow1', 'todo1']) k, generate_series(date '2026-11-09', date '2026-11-15', interval '1 day') d;
-- current period Nov 16..22
select pg_temp.add_run('ok1', d::date, 'completed', 60) from generate_series(date '2026-11-16', date '2026-11-22', interval '1 day') d;
select pg_temp.add_run('warn1', d::date, case when d::date = '2026-11-19' then 'failed' else 'completed' end, 60)
  from generate_series(date '2026-11-16', date '2026-11-22', interval '1 day') d;
select pg_temp.add_run('breach1', '2026-11-16', 'failed', 60);
select pg_temp.add_run('breach1', '2026-11-17', 'failed', 60);
-- breach1: no run on Nov 18
select pg_temp.add_run('breach1', d::date, 'completed', 60) from generate_series(date '2026-11-19', date '2026-11-22', interval '1 day') d;
select pg_temp.add_run('slow1', d::date, 'completed', 400) from generate_series(date '2026-11-16', date '2026-11-22', interval '1 day') d;
-- todo1: today's run has not happened yet
select pg_temp.add_run('todo1', d::date, 'completed', 60) from generate_series(date '2026-11-16', date '2026-11-21', interval '1 day') d;
select pg_temp.add_run('new1', d::date, 'completed', 60) from generate_series(date '2026-11-20', date '2026-11-22', interval '1 day') d;

-- ok1 7/7; warn1 6/7 = 0.8571 (< 0.95, >= 0.80); breach1 4/7 = 0.5714; slow1 7/7 but 400 s > 300 s;
-- todo1 6/6 (today not counted before its run); new1 3/3 (from its created date Nov 20)
select results_eq(
  $$select source_key, days_counted, days_success, round(success_rate::numeric, 4), success_status, duration_status, slo_status
      from ops.slo_status_v order by source_key$$,
  $$values ('breach1', 7, 4, 0.5714, 'breach', 'ok', 'breach'),
           ('new1', 3, 3, 1.0000, 'ok', 'ok', 'ok'),
           ('ok1', 7, 7, 1.0000, 'ok', 'ok', 'ok'),
           ('slow1', 7, 7, 1.0000, 'ok', 'warning', 'warning'),
           ('todo1', 6, 6, 1.0000, 'ok', 'ok', 'ok'),
           ('warn1', 7, 6, 0.8571, 'warning', 'ok', 'warning')$$,
  'SLO status per source');

select results_eq(
  $$select days_failed, days_no_data, window_from, window_to from ops.slo_status_v where source_key = 'breach1'$$,
  $$values (2, 1, '2026-11-16'::date, '2026-11-22'::date)$$,
  'breach1: 2 failed dates and 1 date without data count against it');

select is((select message from ops.slo_status_v where source_key = 'breach1'),
  'breach1: success rate 57.1% (4 of 7 days) over the last 7 days, target 95.0%, alert below 80.0%',
  'the SLO sentence');

select is((select message from ops.slo_status_v where source_key = 'slow1'),
  'slow1: success rate 100.0% (7 of 7 days) over the last 7 days, target 95.0%, alert below 80.0%; average run time 400.0 s over the target 300.0 s',
  'the duration warning sentence');

-- comparison: warn1 6/7 vs 7/7 -> -0.1429; duration 60 vs 50 -> +0.2
select results_eq(
  $$select success_rate_previous, round(success_rate_change::numeric, 4), avg_duration_sec_previous, avg_duration_sec,
           round(avg_duration_change::numeric, 4)
      from ops.source_comparison_v where source_key = 'warn1'$$,
  $$values (1::float8, -0.1429, 50::float8, 60::float8, 0.2000)$$,
  'warn1 against its previous week');

select is((select source_key from ops.source_comparison_v where rank_worst_first = 1), 'breach1',
  'the worst source ranks first');

select is((select success_rate_previous from ops.source_comparison_v where source_key = 'new1'), null::float8,
  'a source created this week has no previous period');

-- a 3-day window: breach1's Nov 20..22 all succeeded
update ops.settings set value = '3' where key = 'slo_window_days';
select is((select slo_status from ops.slo_status_v where source_key = 'breach1'), 'ok',
  'slo_window_days = 3: breach1 is ok again (3 of 3)');

select * from finish();
rollback;
