-- ===========================================================================
-- 70 mirror exports: ops.mirror_date_range, ops.mirror_export_start,
-- ops.mirror_export_finish, abandoned exports, and how the records feed
-- ops.mirror_freshness_v (a failed export is stale, a re-run repairs it).
--
-- The one clock (ops.now: the write API, the monitoring rules and the Looker
-- view) is frozen in 2030 so that no other data matters.
-- Tue 2030-03-12 06:45 UTC = 07:45 CET: today = 2030-03-12, yesterday = 03-11.
-- ===========================================================================
begin;
set search_path = extensions, public;
select plan(36);

delete from ops.mirror_runs;

set local ops.now = '2030-03-12 06:45:00+00';

-- ---------------------------------------------------------------------------
-- ops.mirror_date_range
-- ---------------------------------------------------------------------------
select is((select row(date_from, date_to)::text from ops.mirror_date_range()), '(2030-03-10,2030-03-12)',
  'default: 3 days ending today (Berlin)');
select is((select row(date_from, date_to)::text from ops.mirror_date_range(1)), '(2030-03-12,2030-03-12)',
  '1 day: today only');
select is((select row(date_from, date_to)::text from ops.mirror_date_range(14)), '(2030-02-27,2030-03-12)',
  '14 days: 2030-02-27 .. 2030-03-12');
set local ops.now = '2030-03-11 23:30:00+00'; -- 00:30 CET on the 12th
select is((select date_to from ops.mirror_date_range(1)), '2030-03-12'::date,
  'today is the Berlin date: 23:30 UTC on the 11th is already the 12th');
set local ops.now = '2030-03-12 06:45:00+00';
select throws_ok($$select ops.mirror_date_range(0)$$, 'P0400', null, 'days 0 is a P0400');
select throws_ok($$select ops.mirror_date_range(401)$$, 'P0400', null, 'days 401 is a P0400');
select throws_ok($$select ops.mirror_date_range(null)$$, 'P0400', null, 'days null is a P0400');

-- ---------------------------------------------------------------------------
-- ops.mirror_export_start
-- ---------------------------------------------------------------------------
select tests.as_service();
create temporary table started on commit drop as
  select * from ops.mirror_export_start('local', 3, 'schedule');
select tests.as_superuser();
select is((select row(target, date_from, date_to, status, trigger, started_at, rows_read, rows_upserted)::text from started),
  '(local,2030-03-10,2030-03-12,running,schedule,"2030-03-12 06:45:00+00",0,0)',
  'start: a running record for the range, started at the frozen clock');
select is((select finished_at is null and duration_ms is null and error is null and watermark is null from started), true,
  'start: nothing finished yet');

select throws_ok($$select ops.mirror_export_start('Big Query!', 3)$$, 'P0400', null, 'a bad target is a P0400');
select throws_ok($$select ops.mirror_export_start('local', 3, 'Cron Job')$$, 'P0400', null, 'a bad trigger is a P0400');
select throws_ok($$select ops.mirror_export_start('local', 0)$$, 'P0400', null, 'days out of range is a P0400');
select throws_ok($$select ops.mirror_export_start('local', 3, 'job', -1)$$, 'P0404', null, 'an unknown job is a P0404');

insert into ops.jobs (type, status, created_at) values ('mirror', 'running', '2030-03-12 06:44:00+00');
select is(
  (select job_id = (select max(id) from ops.jobs where type = 'mirror')
     from ops.mirror_export_start('local', 1, 'job', (select max(id) from ops.jobs where type = 'mirror'))),
  true, 'start: a job export keeps its job id');

-- ---------------------------------------------------------------------------
-- ops.mirror_export_finish
-- ---------------------------------------------------------------------------
set local ops.now = '2030-03-12 06:45:01.5+00';
select tests.as_service();
select is(
  (select row(status, rows_read, rows_upserted, watermark, error, finished_at, duration_ms)::text
     from ops.mirror_export_finish((select id from started), 'completed', 6000, 6000, '2030-03-12 02:31:00+00', null)),
  '(completed,6000,6000,"2030-03-12 02:31:00+00",,"2030-03-12 06:45:01.5+00",1500)',
  'finish completed: counts, watermark, finished_at, duration 1500 ms');
select throws_ok(format('select ops.mirror_export_finish(%s, %L, 1, 1)', (select id from started), 'completed'),
  'P0419', null, 'finishing a finished export is a P0419');
select tests.as_superuser();

create temporary table second on commit drop as select * from ops.mirror_export_start('bigquery', 3, 'api');
select throws_ok(format('select ops.mirror_export_finish(%s, %L, 1, 0)', (select id from second), 'failed'),
  'P0400', null, 'a failed export needs an error');
select throws_ok(format('select ops.mirror_export_finish(%s, %L, 1, 0, null, %L)', (select id from second), 'completed', 'oops'),
  'P0400', null, 'a completed export has no error');
select throws_ok(format('select ops.mirror_export_finish(%s, %L, 1, 0)', (select id from second), 'running'),
  'P0400', null, 'running is not a final status');
select throws_ok(format('select ops.mirror_export_finish(%s, %L, -1, 0)', (select id from second), 'completed'),
  'P0400', null, 'a negative row count is a P0400');
select throws_ok($$select ops.mirror_export_finish(-5, 'completed', 0, 0)$$, 'P0404', null, 'an unknown export is a P0404');

select is(
  (select row(status, rows_upserted, error)::text
     from ops.mirror_export_finish((select id from second), 'failed', 6000, 0, null,
       'BigQuery jobs.query failed: HTTP 403 quotaExceeded: Quota exceeded: Your table exceeded quota for DML')),
  '(failed,0,"BigQuery jobs.query failed: HTTP 403 quotaExceeded: Quota exceeded: Your table exceeded quota for DML")',
  'finish failed: the API''s message is kept');

create temporary table third on commit drop as select * from ops.mirror_export_start('local', 3, 'api');
select is(
  (select length(error) from ops.mirror_export_finish((select id from third), 'failed', 0, 0, null, repeat('x', 5000))),
  4000, 'a long error is kept to 4000 characters');

-- ---------------------------------------------------------------------------
-- Freshness: the last export failed -> stale; a re-run repairs it
-- ---------------------------------------------------------------------------
delete from ops.mirror_runs;
set local ops.now = '2030-03-12 06:45:00+00';
select ops.mirror_export_finish((select id from ops.mirror_export_start('bigquery', 3, 'schedule')), 'failed', 120, 0, null,
  'BigQuery jobs.query failed: HTTP 401 authError: Request had invalid authentication credentials.');
set local ops.now = '2030-03-12 07:05:00+00'; -- 08:05 CET, past the 08:00 deadline
select is((select row(is_fresh, is_stale, last_run_status)::text from ops.mirror_freshness_v), '(f,t,failed)',
  'after a failed export: not fresh, stale past 08:00');
select matches((select reason from ops.mirror_freshness_v), 'failed: BigQuery jobs.query failed: HTTP 401 authError',
  'the stale reason carries the API''s message');

set local ops.now = '2030-03-12 07:06:00+00';
select ops.mirror_export_finish((select id from ops.mirror_export_start('bigquery', 3, 'api')), 'completed', 120, 120,
  '2030-03-12 02:31:00+00');
set local ops.now = '2030-03-12 07:07:00+00';
select is((select row(is_fresh, is_stale, export_target, export_watermark)::text from ops.mirror_freshness_v),
  '(t,f,bigquery,"2030-03-12 02:31:00+00")', 're-running the export repairs freshness');

-- an export of today only does not cover yesterday
delete from ops.mirror_runs;
select ops.mirror_export_finish((select id from ops.mirror_export_start('local', 1, 'api')), 'completed', 40, 40, null);
select is((select is_fresh from ops.mirror_freshness_v), false, 'an export of 1 day (today) does not make yesterday fresh');

-- ---------------------------------------------------------------------------
-- Abandoned exports: a worker died mid-export
-- ---------------------------------------------------------------------------
delete from ops.mirror_runs;
set local ops.now = '2030-03-12 06:00:00+00';
create temporary table dead on commit drop as select * from ops.mirror_export_start('local', 3, 'schedule');
set local ops.now = '2030-03-12 06:10:00+00';
create temporary table slow on commit drop as select * from ops.mirror_export_start('local', 3, 'api');
set local ops.now = '2030-03-12 06:20:00+00';
select ops.mirror_export_start('local', 3, 'api');
select is((select row(status, finished_at, duration_ms)::text from ops.mirror_runs where id = (select id from dead)),
  '(failed,"2030-03-12 06:20:00+00",1200000)', 'an export running for 20 minutes is marked failed when the next starts');
select matches((select error from ops.mirror_runs where id = (select id from dead)), '^abandoned',
  'its error says it was abandoned');
select is((select status from ops.mirror_runs where id = (select id from slow)), 'running',
  'an export running for 10 minutes is left alone');
select throws_ok(format('select ops.mirror_export_finish(%s, %L, 1, 1)', (select id from dead), 'completed'),
  'P0419', null, 'the dead worker cannot finish it later');

-- ---------------------------------------------------------------------------
-- Function privileges: workers only
-- ---------------------------------------------------------------------------
select is(
  (select array_agg(distinct r.rolname::text order by r.rolname::text)
     from pg_proc p
     cross join (values ('anon'), ('authenticated'), ('service_role'), ('looker_export_ro')) r(rolname)
    where p.pronamespace = 'ops'::regnamespace
      and p.proname in ('mirror_date_range', 'mirror_export_start', 'mirror_export_finish')
      and has_function_privilege(r.rolname, p.oid, 'execute')),
  array['service_role'], 'only service_role may execute the mirror export functions');
select is(
  (select count(*)::int from pg_proc
    where pronamespace = 'ops'::regnamespace
      and proname in ('mirror_date_range', 'mirror_export_start', 'mirror_export_finish')
      and prosecdef and proconfig @> array['search_path=""']),
  3, 'all three are security definer with an empty search_path');

select tests.as_operator();
select throws_ok($$select ops.mirror_export_start('local', 3)$$, '42501', null, 'an operator cannot record exports directly');
select tests.as_viewer();
select throws_ok($$select ops.mirror_export_finish(1, 'completed', 0, 0)$$, '42501', null, 'a viewer cannot finish exports');
select tests.as_anon();
select throws_ok($$select ops.mirror_date_range(3)$$, '42501', null, 'anon cannot call the mirror functions');
select tests.as_superuser();

select * from finish();
rollback;
