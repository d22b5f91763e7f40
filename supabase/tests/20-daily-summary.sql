-- ===========================================================================
-- 20 daily summary and the Looker view: statuses, best run, baseline, drops,
-- no_data days, DST, short baselines, inactive sources, incremental rollup.
-- Every expected value is computed by hand in the comments.
--
-- Clock frozen at 2026-10-31 08:30 Berlin (CET): today = 2026-10-31.
-- DST ended on Sunday 2026-10-25 (03:00 CEST -> 02:00 CET).
-- Sources (defaults: drop_min_baseline 10, relative 0.5, z-score 3, min 3 days):
--   alpha  created 2026-10-12, 20 days Oct 12..Oct 31 covering every status
--   beta   created 2026-10-21 (day 10): short baseline
--   tiny   created 2026-10-26: volume below drop_min_baseline
--   gamma  inactive, runs on Oct 12 and 13
-- ===========================================================================
begin;
set search_path = extensions, public;
select plan(25);

set local ops.now = '2026-10-31 08:30:00+01';

-- ---------------------------------------------------------------------------
-- Shape
-- ---------------------------------------------------------------------------
select is(
  (select array_agg(attname || ' ' || format_type(atttypid, atttypmod) order by attnum)
     from pg_attribute where attrelid = 'reporting.daily_summary_looker_v'::regclass and attnum between 1 and 10),
  array['company_key text', 'run_date date', 'final_status text', 'is_success integer', 'is_problem integer',
        'jobs_processed_best integer', 'http_fail_rate_sum double precision', 'http_block_rate_sum double precision',
        'baseline_jobs_processed_14d double precision', 'execution_time_sec_best double precision'],
  'the Looker view starts with exactly BigQuery schema v1');

select is(
  (select count(*)::int from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname in ('ops', 'reporting') and c.relkind = 'v'
      and not coalesce(c.reloptions @> array['security_invoker=true'], false)),
  0, 'every view in ops and reporting is security_invoker');

-- ---------------------------------------------------------------------------
-- Fixtures
-- ---------------------------------------------------------------------------
insert into ops.sources (key, display_name, adapter, created_at) values
  ('alpha', 'Alpha AG', 'greenhouse', '2026-10-12 09:00+02'),
  ('beta', 'Beta GmbH', 'lever', '2026-10-21 09:00+02'),
  ('tiny', 'Tiny KG', 'personio', '2026-10-26 09:00+01');
insert into ops.sources (key, display_name, adapter, created_at, active) values
  ('gamma', 'Gamma SE', 'html', '2026-10-12 09:00+02', false);

-- alpha: date, status, items, execution time, requests, failures, 403, 429, timeouts
select tests.add_run('alpha', '2026-10-12', 'completed', 100, 60, 100, 2);
select tests.add_run('alpha', '2026-10-13', 'completed', 100, 60);
select tests.add_run('alpha', '2026-10-14', 'completed', 100, 60);
select tests.add_run('alpha', '2026-10-15', 'failed', 0, 30, 50, 50, 20);
select tests.add_run('alpha', '2026-10-16', 'completed', 100, 60);
select tests.add_run('alpha', '2026-10-17', 'partial', 80, 60);
-- 2026-10-18: no run at all
-- 2026-10-19: a failed run at 01:00, a successful re-run at 03:00
select tests.add_run('alpha', '2026-10-19', 'failed', 0, 10, 40, 40, 0, 10, 0, '2026-10-19 01:00+02');
select tests.add_run('alpha', '2026-10-19', 'completed', 100, 62, 100, 0, 0, 0, 0, '2026-10-19 03:00+02');
select tests.add_run('alpha', '2026-10-20', 'completed', 100, 60);
select tests.add_run('alpha', '2026-10-21', 'completed', 30, 60);               -- drop
select tests.add_run('alpha', '2026-10-22', 'completed', 0, 60);                -- zero items
select tests.add_run('alpha', '2026-10-23', 'completed', 100, 60, 100, 10, 0, 0, 10); -- timeouts
select tests.add_run('alpha', '2026-10-24', 'failed', 0, 20, 10, 10);
-- DST day: started 2026-10-24 22:30 UTC = 2026-10-25 00:30 CEST, so run_date is Oct 25
select tests.add_run('alpha', '2026-10-25', 'completed', 100, 60, 100, 0, 0, 0, 0, '2026-10-24 22:30+00');
select tests.add_run('alpha', '2026-10-26', 'skipped', 0, 0, 0);
select tests.add_run('alpha', '2026-10-27', 'cancelled', 0, 5, 5);
select tests.add_run('alpha', '2026-10-28', 'completed', 100, 10);
select tests.add_run('alpha', '2026-10-29', 'completed', 95, 60);
select tests.add_run('alpha', '2026-10-30', 'completed', 100, 60);
-- 2026-10-31 (today): no run yet

select tests.add_run('beta', d::date, 'completed', v, 40)
from (values ('2026-10-21', 50), ('2026-10-22', 50), ('2026-10-23', 10), ('2026-10-24', 50), ('2026-10-25', 50),
             ('2026-10-26', 50), ('2026-10-27', 20), ('2026-10-28', 50), ('2026-10-29', 50), ('2026-10-30', 50),
             ('2026-10-31', 50)) as x(d, v);

select tests.add_run('tiny', d::date, 'completed', v, 20)
from (values ('2026-10-26', 5), ('2026-10-27', 5), ('2026-10-28', 5), ('2026-10-29', 5), ('2026-10-30', 1)) as x(d, v);

select tests.add_run('gamma', '2026-10-12', 'completed', 70, 30);
select tests.add_run('gamma', '2026-10-13', 'completed', 70, 30);

-- ---------------------------------------------------------------------------
-- alpha in the Looker view, all 20 days
--   baseline(D) = mean items of completed/partial best runs in D-14..D-1:
--   Oct13..16: 100 (1..3 days); Oct17: 100 (4); Oct18/19: 480/5 = 96;
--   Oct20: 580/6 = 96.6667; Oct21: 680/7 = 97.1429; Oct22: 710/8 = 88.75;
--   Oct23: 710/9 = 78.8889; Oct24/25: 810/10 = 81; Oct26: 910/11 = 82.7273;
--   Oct27: Oct12 leaves, 810/10 = 81; Oct28: Oct13 leaves, 710/9 = 78.8889;
--   Oct29: Oct14 leaves, Oct28 joins, 710/9; Oct30/31: 805/10 = 80.5.
--   Oct19 rates over both runs: failures 40/140 = 0.2857, blocks 10/140 = 0.0714.
--   Oct21: rel. drop (97.1429-30)/97.1429 = 0.6912 >= 0.5 -> partial.
--   Oct23: success with timeouts 10/100 = 0.10 > 0.05: a warning, not a problem
--   (is_success + is_problem = 1 on every day).
-- ---------------------------------------------------------------------------
select results_eq(
  $$select run_date, final_status, is_success, is_problem, jobs_processed_best,
           round(http_fail_rate_sum::numeric, 4), round(http_block_rate_sum::numeric, 4),
           round(baseline_jobs_processed_14d::numeric, 4), execution_time_sec_best
      from reporting.daily_summary_looker_v where company_key = 'alpha' order by run_date$$,
  $$values
    ('2026-10-12'::date, 'success', 1, 0, 100, 0.0200, 0.0000, null::numeric, 60::float8),
    ('2026-10-13', 'success', 1, 0, 100, 0.0000, 0.0000, 100.0000, 60),
    ('2026-10-14', 'success', 1, 0, 100, 0.0000, 0.0000, 100.0000, 60),
    ('2026-10-15', 'failed', 0, 1, 0, 1.0000, 0.4000, 100.0000, 30),
    ('2026-10-16', 'success', 1, 0, 100, 0.0000, 0.0000, 100.0000, 60),
    ('2026-10-17', 'partial', 0, 1, 80, 0.0000, 0.0000, 100.0000, 60),
    ('2026-10-18', 'no_data', 0, 1, null, null, null, 96.0000, null),
    ('2026-10-19', 'success', 1, 0, 100, 0.2857, 0.0714, 96.0000, 62),
    ('2026-10-20', 'success', 1, 0, 100, 0.0000, 0.0000, 96.6667, 60),
    ('2026-10-21', 'partial', 0, 1, 30, 0.0000, 0.0000, 97.1429, 60),
    ('2026-10-22', 'partial', 0, 1, 0, 0.0000, 0.0000, 88.7500, 60),
    ('2026-10-23', 'success', 1, 0, 100, 0.1000, 0.0000, 78.8889, 60),
    ('2026-10-24', 'failed', 0, 1, 0, 1.0000, 0.0000, 81.0000, 20),
    ('2026-10-25', 'success', 1, 0, 100, 0.0000, 0.0000, 81.0000, 60),
    ('2026-10-26', 'failed', 0, 1, 0, null, null, 82.7273, 0),
    ('2026-10-27', 'failed', 0, 1, 0, 0.0000, 0.0000, 81.0000, 5),
    ('2026-10-28', 'success', 1, 0, 100, 0.0000, 0.0000, 78.8889, 10),
    ('2026-10-29', 'success', 1, 0, 95, 0.0000, 0.0000, 78.8889, 60),
    ('2026-10-30', 'success', 1, 0, 100, 0.0000, 0.0000, 80.5000, 60),
    ('2026-10-31', 'no_data', 0, 1, null, null, null, 80.5000, null)$$,
  'alpha: one row per day from its created date to today, every status, baseline, rates');

select results_eq(
  $$select run_date, problem_reasons from ops.daily_summary_v
     where company_key = 'alpha' and problem_reasons <> '{}' order by run_date$$,
  $$values
    ('2026-10-15'::date, array['run_failed', 'high_block_rate']),
    ('2026-10-17', array['run_partial']),
    ('2026-10-18', array['no_data']),
    ('2026-10-21', array['volume_drop']),
    ('2026-10-22', array['zero_items', 'volume_drop']),
    ('2026-10-24', array['run_failed']),
    ('2026-10-26', array['run_skipped']),
    ('2026-10-27', array['run_cancelled']),
    ('2026-10-31', array['no_data'])$$,
  'alpha: the problem reasons of each problem day');

select is(
  (select count(*) - count(distinct (company_key, run_date)) from reporting.daily_summary_looker_v),
  0::bigint, 'exactly one row per company_key and run_date');

-- ---------------------------------------------------------------------------
-- The re-run day and the drop day in detail
-- ---------------------------------------------------------------------------
select results_eq(
  $$select d.runs_total, d.runs_failed, d.best_status, j.started_at
      from ops.daily_summary_v d join ops.jobs j on j.id = d.best_job_id
     where d.company_key = 'alpha' and d.run_date = '2026-10-19'$$,
  $$values (2, 1, 'completed', '2026-10-19 03:00+02'::timestamptz)$$,
  'Oct 19: the successful 03:00 re-run supersedes the failed 01:00 run');

-- stddev of (100,100,100,100,80,100,100) = 7.5593; z = (30 - 97.1429) / 7.5593 = -8.8822
select results_eq(
  $$select baseline_days, round(baseline_stddev_14d::numeric, 4), round(relative_drop::numeric, 4),
           round(drop_zscore::numeric, 4), is_drop
      from ops.daily_summary_v where company_key = 'alpha' and run_date = '2026-10-21'$$,
  $$values (7, 7.5593, 0.6912, -8.8822, true)$$,
  'Oct 21: drop against a 7-day baseline, relative 0.6912 and z-score -8.8822');

select results_eq(
  $$select run_date, first_started_at from ops.daily_summary_v
     where company_key = 'alpha' and run_date between '2026-10-24' and '2026-10-25' order by run_date$$,
  $$values ('2026-10-24'::date, '2026-10-24 00:00:00+00'::timestamptz), ('2026-10-25', '2026-10-24 22:30:00+00')$$,
  'DST day: a run started 2026-10-24 22:30 UTC belongs to Berlin date Oct 25');

-- ---------------------------------------------------------------------------
-- beta: starts on day 10 (Oct 21), short baseline
--   Oct23: 10 items vs baseline 50 (Oct21, Oct22: 2 days < 3): no drop -> success
--   Oct27: 20 items vs (50+50+10+50+50+50)/6 = 43.3333 (6 days): rel. 0.5385 -> partial
-- ---------------------------------------------------------------------------
select results_eq(
  $$select count(*)::int, min(run_date), max(run_date) from reporting.daily_summary_looker_v where company_key = 'beta'$$,
  $$values (11, '2026-10-21'::date, '2026-10-31'::date)$$,
  'beta: 11 rows from its first day (Oct 21) to today');

select results_eq(
  $$select run_date, final_status, round(baseline_jobs_processed_14d::numeric, 4), is_drop
      from reporting.daily_summary_looker_v where company_key = 'beta' and run_date in ('2026-10-21', '2026-10-23', '2026-10-27')
     order by run_date$$,
  $$values ('2026-10-21'::date, 'success', null::numeric, 0),
           ('2026-10-23', 'success', 50.0000, 0),
           ('2026-10-27', 'partial', 43.3333, 1)$$,
  'beta: no baseline on day one, no drop on a 2-day baseline, a drop on a 6-day baseline');

-- tiny: Oct30 1 item vs baseline 5 (4 days): relative 0.8, but 5 < drop_min_baseline 10
select results_eq(
  $$select final_status, round(baseline_jobs_processed_14d::numeric, 4), round(relative_drop::numeric, 4), is_drop
      from reporting.daily_summary_looker_v where company_key = 'tiny' and run_date = '2026-10-30'$$,
  $$values ('success', 5.0000, 0.8000, 0)$$,
  'tiny: an 80% drop below the minimum baseline does not count');

-- ---------------------------------------------------------------------------
-- gamma: inactive
-- ---------------------------------------------------------------------------
select is((select count(*)::int from reporting.daily_summary_looker_v where company_key = 'gamma'), 0,
  'an inactive source is not in the Looker view');
select results_eq(
  $$select run_date, final_status from ops.daily_summary_v where company_key = 'gamma' order by run_date$$,
  $$values ('2026-10-12'::date, 'success'), ('2026-10-13', 'success')$$,
  'ops.daily_summary_v shows an inactive source up to its last run only');
select is((select count(*)::int from reporting.daily_summary_looker_v), 20 + 11 + 6,
  'the Looker view: alpha 20 + beta 11 + tiny 6 rows');

-- ---------------------------------------------------------------------------
-- Incremental maintenance
-- ---------------------------------------------------------------------------
create temp table today_job as
  select tests.add_run('alpha', '2026-10-31', 'running', 0, 0) as id;
select is((select final_status from reporting.daily_summary_looker_v where company_key = 'alpha' and run_date = '2026-10-31'),
  'no_data', 'a running run does not count yet');

update ops.scrape_runs set status = 'completed', items_found = 100, requests = 100, execution_time_sec = 61,
  finished_at = '2026-10-31 03:01+01' where job_id = (select id from today_job);
select results_eq(
  $$select final_status, jobs_processed_best, round(baseline_jobs_processed_14d::numeric, 4)
      from reporting.daily_summary_looker_v where company_key = 'alpha' and run_date = '2026-10-31'$$,
  $$values ('success', 100, 80.5000)$$,
  'when the run finishes, its day is rolled up at once (baseline 805/10 = 80.5)');

-- a failed re-run after a success changes nothing but the counts
select tests.add_run('alpha', '2026-10-30', 'failed', 0, 5, 10, 10, 0, 0, 0, '2026-10-30 05:00+01');
select results_eq(
  $$select final_status, jobs_processed_best, runs_total from ops.daily_summary_v
     where company_key = 'alpha' and run_date = '2026-10-30'$$,
  $$values ('success', 100, 2)$$,
  'a failed re-run after a successful run does not supersede it');

-- a successful re-run of the failed Oct 24 supersedes it, and later baselines follow:
-- Oct25 baseline becomes (810 + 100) / 11 = 82.7273
select tests.add_run('alpha', '2026-10-24', 'completed', 100, 60, 100, 0, 0, 0, 0, '2026-10-24 10:00+02');
select results_eq(
  $$select run_date, final_status, round(baseline_jobs_processed_14d::numeric, 4)
      from reporting.daily_summary_looker_v where company_key = 'alpha' and run_date in ('2026-10-24', '2026-10-25')
     order by run_date$$,
  $$values ('2026-10-24'::date, 'success', 81.0000), ('2026-10-25', 'success', 82.7273)$$,
  'a successful re-run supersedes the failed run and the next days'' baselines are recomputed');

-- the full rebuild gives exactly what the trigger maintained
create temp table incremental as
  select source_id, run_date, runs_total, best_job_id, final_status, problem_reasons, baseline_jobs_processed_14d,
         baseline_days, is_drop, http_fail_rate_sum, http_block_rate_sum
  from ops.daily_source_stats;
delete from ops.daily_source_stats;
select is(ops_private.rebuild_daily_source_stats(), 37, 'the rebuild writes every day with a finished run (alpha 19, beta 11, tiny 5, gamma 2)');
select results_eq(
  $$select source_id, run_date, runs_total, best_job_id, final_status, problem_reasons, baseline_jobs_processed_14d,
           baseline_days, is_drop, http_fail_rate_sum, http_block_rate_sum
      from ops.daily_source_stats order by 1, 2$$,
  $$select * from incremental order by 1, 2$$,
  'the set-based rebuild equals the incremental rollup');

-- retention deletes raw runs; the history stays
delete from ops.jobs where source_id = (select id from ops.sources where key = 'alpha') and run_date = '2026-10-12';
select results_eq(
  $$select final_status, jobs_processed_best from reporting.daily_summary_looker_v
     where company_key = 'alpha' and run_date = '2026-10-12'$$,
  $$values ('success', 100)$$,
  'deleting old runs (retention) keeps their rollup day');

-- a source's drop thresholds change: its days are re-judged
update ops.sources set drop_relative_threshold = 0.8, drop_zscore_threshold = 10 where key = 'alpha';
select results_eq(
  $$select run_date, final_status, problem_reasons from ops.daily_summary_v
     where company_key = 'alpha' and run_date in ('2026-10-21', '2026-10-22') order by run_date$$,
  $$values ('2026-10-21'::date, 'success', '{}'::text[]), ('2026-10-22', 'partial', array['zero_items', 'volume_drop'])$$,
  'stricter thresholds: Oct 21 (0.69, z -8.9) is no drop any more, Oct 22 (1.0) still is');

-- a global threshold changes: every day is re-judged
update ops.settings set value = '0.45' where key = 'alert_block_rate';
select is((select problem_reasons from ops.daily_summary_v where company_key = 'alpha' and run_date = '2026-10-15'),
  array['run_failed'], 'a block rate of 0.40 is no problem once the threshold is 0.45');

-- ops.daily_status_v (what the console counts and pages on): the summary's rows and own columns, as a viewer
select tests.as_viewer();
select results_eq(
  $$select source_id, company_key, run_date, final_status, problem_reasons, jobs_processed_best, first_date
      from ops.daily_status_v order by source_id, run_date$$,
  $$select source_id, company_key, run_date, final_status, problem_reasons, jobs_processed_best, first_date
      from ops.daily_summary_v order by source_id, run_date$$,
  'the status view has the daily summary''s rows and columns');
select results_eq(
  $$select count(*)::int, count(*) filter (where final_status = 'no_data')::int from ops.daily_status_v where company_key = 'alpha'$$,
  $$values (20, 1)$$,
  'alpha: one row per date Oct 12..31 (20); Oct 18, the one date without a run by now, as no_data');
select tests.as_superuser();

select * from finish();
rollback;
