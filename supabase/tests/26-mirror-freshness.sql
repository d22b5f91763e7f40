-- ===========================================================================
-- 26 BI mirror freshness: fresh at 08:00 Berlin = a completed export covering
-- yesterday that finished after last night's pipeline. Today = 2026-11-22.
-- ===========================================================================
begin;
set search_path = extensions, public;
select plan(9);

-- 07:30, nothing exported yet: not fresh, but not stale before the 08:00 deadline
set local ops.now = '2026-11-22 07:30:00+01';
select results_eq(
  $$select is_fresh, is_stale, past_deadline, deadline from ops.mirror_freshness_v$$,
  $$values (false, false, false, '2026-11-22 08:00+01'::timestamptz)$$,
  'before 08:00: not fresh yet, not stale');

set local ops.now = '2026-11-22 08:30:00+01';
select results_eq(
  $$select is_fresh, is_stale, reason from ops.mirror_freshness_v$$,
  $$values (false, true, 'no successful export covers yesterday (2026-11-21)')$$,
  'after 08:00 without any export: stale');

-- last night's pipeline finished at 02:40; an export covering Nov 19..21 finished before it, at 02:30
insert into ops.jobs (type, status, run_date, created_at, started_at, finished_at)
values ('pipeline', 'completed', '2026-11-22', '2026-11-22 02:00+01', '2026-11-22 02:00+01', '2026-11-22 02:40+01');
insert into ops.mirror_runs (target, date_from, date_to, rows_read, rows_upserted, status, started_at, finished_at, duration_ms)
values ('local', '2026-11-19', '2026-11-21', 6, 6, 'completed', '2026-11-22 02:29+01', '2026-11-22 02:30+01', 60000);
select results_eq(
  $$select is_fresh, is_stale, reason from ops.mirror_freshness_v$$,
  $$values (false, true, 'the latest export covering yesterday finished at 2026-11-22 01:30:00+00, before last night''s pipeline finished at 2026-11-22 01:40:00+00')$$,
  'an export that finished before the pipeline does not count');

-- a failed export at 07:45 explains itself
insert into ops.mirror_runs (target, date_from, date_to, status, started_at, finished_at, error)
values ('bigquery', '2026-11-20', '2026-11-22', 'failed', '2026-11-22 07:45+01', '2026-11-22 07:46+01', 'quota exceeded');
select is((select is_fresh from ops.mirror_freshness_v), false, 'a failed export is not fresh');
select is((select last_run_error from ops.mirror_freshness_v), 'quota exceeded', 'the last run''s error is shown');

-- the re-run at 07:50 succeeds
insert into ops.mirror_runs (target, date_from, date_to, rows_read, rows_upserted, status, started_at, finished_at, duration_ms, watermark)
values ('bigquery', '2026-11-20', '2026-11-22', 6, 6, 'completed', '2026-11-22 07:50+01', '2026-11-22 07:51+01', 60000, '2026-11-22 02:40+01');
select results_eq(
  $$select is_fresh, is_stale, export_target, export_date_to from ops.mirror_freshness_v$$,
  $$values (true, false, 'bigquery', '2026-11-22'::date)$$,
  'a completed export covering yesterday after the pipeline: fresh');

-- an export covering only today (not yesterday) does not count
delete from ops.mirror_runs where status = 'completed' and target = 'bigquery';
insert into ops.mirror_runs (target, date_from, date_to, status, started_at, finished_at)
values ('bigquery', '2026-11-22', '2026-11-22', 'completed', '2026-11-22 07:50+01', '2026-11-22 07:51+01');
select is((select is_fresh from ops.mirror_freshness_v), false, 'an export that does not cover yesterday is not fresh');

-- a pipeline still running at 08:30: nothing can be fresh after it yet
insert into ops.mirror_runs (target, date_from, date_to, status, started_at, finished_at)
values ('bigquery', '2026-11-20', '2026-11-22', 'completed', '2026-11-22 07:55+01', '2026-11-22 07:56+01');
insert into ops.jobs (type, status, run_date, created_at, started_at)
values ('pipeline', 'running', '2026-11-22', '2026-11-22 03:00+01', '2026-11-22 03:00+01');
select alike((select reason from ops.mirror_freshness_v), 'last night''s pipeline (job % has not finished',
  'while last night''s pipeline runs, the mirror is not fresh');

select tests.as_viewer();
select is((select count(*)::int from ops.mirror_freshness_v), 1, 'a viewer reads the freshness (one row)');

select * from finish();
rollback;
