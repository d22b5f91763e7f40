-- ===========================================================================
-- 21 silent failures: completed runs with zero items, a volume drop, or an
-- abnormally short execution time. Clock: 2026-11-22 08:30 Berlin.
-- ===========================================================================
begin;
set search_path = extensions, public;
select plan(6);

set local ops.now = '2026-11-22 08:30:00+01';

insert into ops.sources (key, display_name, adapter, created_at) values
  ('s1', 'S1', 'lever', '2026-11-15 00:00+01'),
  ('s2', 'S2', 'lever', '2026-11-15 00:00+01');

-- s1: Nov 15..19 100 items in 60 s; Nov 20 0 items; Nov 21 100 items in 10 s; Nov 22 40 items
select tests.add_run('s1', d::date, 'completed', 100, 60) from generate_series(date '2026-11-15', date '2026-11-19', interval '1 day') d;
select tests.add_run('s1', '2026-11-20', 'completed', 0, 60);
select tests.add_run('s1', '2026-11-21', 'completed', 100, 10);
select tests.add_run('s1', '2026-11-22', 'completed', 40, 60);
-- s2: a failed run with 0 items is a failure, not a silent one; a partial with 0 items is partial
select tests.add_run('s2', d::date, 'completed', 100, 60) from generate_series(date '2026-11-15', date '2026-11-20', interval '1 day') d;
select tests.add_run('s2', '2026-11-21', 'failed', 0, 60);
select tests.add_run('s2', '2026-11-22', 'partial', 0, 60);

-- Nov 20: 0 items; baseline 100 (5 days) -> also a drop
-- Nov 21: 10 s < 0.25 x 60 s (baseline of Nov 15..20, 6 days)
-- Nov 22: baseline (5 x 100 + 0 + 100) / 7 = 85.7143, drop (85.7143 - 40) / 85.7143 = 0.5333 >= 0.5
select results_eq(
  $$select run_date, kinds from ops.silent_failures_v where source_key = 's1' order by run_date$$,
  $$values ('2026-11-20'::date, array['zero_items', 'volume_drop']),
           ('2026-11-21', array['abnormally_fast']),
           ('2026-11-22', array['volume_drop'])$$,
  's1: zero items, abnormally fast, volume drop');

select is(
  (select round(execution_time_ratio::numeric, 4) from ops.silent_failures_v where source_key = 's1' and run_date = '2026-11-21'),
  0.1667, 'Nov 21 ran in 10 / 60 = 0.1667 of its usual time');

select is(
  (select message from ops.silent_failures_v where source_key = 's1' and run_date = '2026-11-20'),
  's1 completed on 2026-11-20 but found 0 items', 'the zero-items sentence');

select is(
  (select message from ops.silent_failures_v where source_key = 's1' and run_date = '2026-11-22'),
  's1 found 40 items on 2026-11-22, 53% below its 14-day baseline of 85.7', 'the drop sentence');

select is((select count(*)::int from ops.silent_failures_v where source_key = 's2'), 0,
  'failed and partial days are not silent failures');

update ops.settings set value = '0.1' where key = 'silent_fast_ratio';
select is((select count(*)::int from ops.silent_failures_v where source_key = 's1' and 'abnormally_fast' = any (kinds)), 0,
  'with silent_fast_ratio 0.1, a run at 0.1667 of its usual time is not abnormally fast');

select * from finish();
rollback;
