-- ===========================================================================
-- 46 input bounds: the run-date window (365 days back to tomorrow, Berlin),
-- unknown pipeline sources, and log ids of a job drawn under its log lock.
-- Clock: 2026-11-22 08:30 Berlin (ops.now).
-- ===========================================================================
begin;
set search_path = extensions, public;
select plan(13);

set local ops.now = '2026-11-22 08:30:00+01';
insert into ops.sources (key, display_name, adapter) values ('w-a', 'A', 'greenhouse');

select results_eq($$select earliest, latest from ops_private.run_date_window()$$,
  $$values ('2025-11-22'::date, '2026-11-23'::date)$$, 'the window: 365 days back to tomorrow (Berlin)');

-- ---------------------------------------------------------------------------
-- pipelines, backfills and any job with a run date
-- ---------------------------------------------------------------------------
select throws_ok($$select ops.start_pipeline('2026-11-24', 'test')$$, 'P0400', null,
  'a run for the day after tomorrow is a P0400');
select throws_ok($$select ops.start_pipeline('2025-11-21', 'test')$$, 'P0400', null,
  'a run 366 days back is a P0400');
select is((select count(*)::int from ops.jobs where type = 'pipeline'), 0, 'a refused run wrote no job');
select is(tests.error_of($$select ops.start_pipeline('2030-01-01', 'test')$$) ->> 'field', 'run_date',
  'the error names the field');
select throws_ok($$select ops.enqueue(p_type => 'backfill', p_params => '{"from": "2025-01-01", "to": "2025-01-05"}')$$,
  'P0400', null, 'a backfill reaching before the window is a P0400');
select is(tests.error_of($$select ops.enqueue(p_type => 'backfill', p_params => '{"from": "2026-11-20", "to": "2026-11-30"}')$$)
  ->> 'field', 'params.to', 'a backfill past tomorrow names params.to');
select throws_ok($$insert into ops.jobs (type, run_date) values ('pipeline', '2099-01-01')$$, 'P0400', null,
  'a pipeline inserted in Studio with a run date after tomorrow is refused too');
select lives_ok($$select ops.start_pipeline('2026-11-23', 'test')$$, 'tomorrow is in the window');

-- ---------------------------------------------------------------------------
-- unknown sources: an error naming them, nothing written
-- ---------------------------------------------------------------------------
update ops.jobs set status = 'cancelled', finished_at = now(), singleton_key = null where type = 'pipeline';
select throws_ok($$select ops.start_pipeline('2026-11-22', 'test', 'tester', array['w-a', 'w-missing', 'w-gone'])$$,
  'P0404', 'unknown sources: w-gone, w-missing', 'a run for unknown sources is a P0404 naming them');
select is(tests.error_of($$select ops.start_pipeline('2026-11-22', 'test', 'tester', array['w-missing'])$$)
  -> 'unknown', '["w-missing"]'::jsonb, 'the detail lists the unknown keys');
select is((select count(*)::int from ops.jobs where type = 'pipeline' and run_date = '2026-11-22'), 0,
  'a refused run wrote no job');

-- ---------------------------------------------------------------------------
-- log order: append_logs holds the job's log lock to commit
-- ---------------------------------------------------------------------------
select ops.append_logs((select id from ops.enqueue(p_type => 'external')), '[{"level": "INFO", "message": "m"}]');
select is((select count(*)::int from pg_locks where locktype = 'advisory' and pid = pg_backend_pid()
                                            and classid::int = hashtext('ops.logs')), 1,
  'the log lock is held until commit, so the next writer of the job draws its ids after this commit');

select * from finish();
rollback;
