-- ===========================================================================
-- 41 the registered pg_cron jobs: names, UTC schedules, commands
-- ===========================================================================
begin;
set search_path = extensions, public;
select plan(7);

select is(
  (select string_agg(jobname || ' = ' || schedule, '; ' order by jobname) from cron.job where jobname like 'ops-%'),
  'ops-cron-history = 15 3 * * *; ops-mirror-export = 45 5,6 * * *; ops-nightly-pipeline = 0 0,1 * * *; ops-notify = * * * * *; '
  || 'ops-retention = 30 3 * * *; ops-sweeper = * * * * *',
  'six schedules with their UTC crons');
select matches((select command from cron.job where jobname = 'ops-nightly-pipeline'),
  'fire_schedule\(''nightly_pipeline'', ''02:00'', ''pipeline''', 'the nightly run is guarded at 02:00 Berlin');
select matches((select command from cron.job where jobname = 'ops-mirror-export'),
  'fire_schedule\(''mirror_export'', ''07:45'', ''mirror''', 'the mirror export is guarded at 07:45 Berlin');

-- the sweeper wakes the worker of pending work
insert into ops.jobs (type, status, run_after) values ('mirror', 'pending', now() - interval '1 minute');
select lives_ok($$select ops.sweep_and_wake()$$, 'the sweeper runs');
select is((select count(*)::int from ops.jobs where type = 'mirror' and status = 'pending'), 1,
  'pending work stays pending for its worker');

-- cron history purge keeps the last 7 days
insert into cron.job_run_details (jobid, runid, command, status, start_time, end_time)
values (1, 900001, 'x', 'succeeded', now() - interval '8 days', now() - interval '8 days'),
       (1, 900002, 'y', 'succeeded', now() - interval '1 day', now() - interval '1 day');
select is(ops.purge_cron_history(), 1, 'one run older than 7 days purged');
select is((select count(*)::int from cron.job_run_details where runid in (900001, 900002)), 1, 'the recent one stays');

select * from finish();
rollback;
