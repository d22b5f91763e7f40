-- ===========================================================================
-- 46 one "runnable" and wake-ups from SQL: ops.claim, ops.wake and the
-- wake-on-enqueue trigger read ops_private.runnable_jobs; enqueueing wakes the
-- type's worker at commit (here made immediate with SET CONSTRAINTS, and seen
-- in the transaction's wake-up count ops.woken); ops.start_manual_job.
-- ===========================================================================
begin;
set search_path = extensions, public;
select plan(16);

set local ops.now = '2026-11-22 02:00:00+00';
-- keep other pending work out of this test
update ops.jobs set run_after = 'infinity' where status = 'pending';
set constraints ops.jobs_wake_worker immediate;

-- the one predicate, with the frozen clock and cancel requests
create temporary table later on commit drop as
  select * from ops.enqueue('snapshot', '{}', p_run_after => '2026-11-22 02:05:00+00');
select is((select count(*)::int from ops_private.runnable_jobs where id = (select id from later)), 0,
  'a job due later by the frozen clock is not runnable');
select is(ops.wake('pipeline', 'tap'), 0, 'so nobody is woken for it');
select is(coalesce(current_setting('ops.woken', true), ''), '', 'and enqueueing it woke nobody');
set local ops.now = '2026-11-22 02:05:00+00';
select is((select count(*)::int from ops_private.runnable_jobs where id = (select id from later)), 1,
  'once the frozen clock reaches run_after it is runnable');
select is(ops.wake('pipeline', 'tap'), 1, 'ops.wake wakes its worker');
update ops.jobs set cancel_requested = true where id = (select id from later);
select is((select count(*)::int from ops_private.runnable_jobs where id = (select id from later)), 0,
  'a cancel-requested job is not runnable');
select is(ops.wake('pipeline', 'tap'), 0, 'ops.wake agrees');
select is((select count(*)::int from ops.claim('tap-w', array['snapshot'])), 0, 'and claim does not take it');

-- wake on enqueue: once per job, at most the type's fan-out per transaction
insert into ops.sources (key, display_name, adapter) values ('tap-wake', 'Wake GmbH', 'greenhouse');
select ops.enqueue('mirror');
select is(current_setting('ops.woken', true)::jsonb, '{"mirror": 1}', 'a runnable job wakes its worker');
select ops.enqueue('scrape', '{}', (select id from ops.sources where key = 'tap-wake')) from generate_series(1, 6);
select is(current_setting('ops.woken', true)::jsonb, '{"mirror": 1, "scrape": 4}',
  'six scrape jobs wake the scrape worker four times (its wake_fanout)');
select set_config('ops.woken', '', true);
-- deferred as in production: the trigger runs when the constraint is set immediate again, as at commit
set constraints ops.jobs_wake_worker deferred;
select ops.start_job('external', 'tap-worker');
select ops.start_job('snapshot', 'tap-worker');
set constraints ops.jobs_wake_worker immediate;
select is(current_setting('ops.woken', true), '', 'a job started running at once (ops.start_job) wakes nobody');
set local ops.wake_workers = off;
select ops.enqueue('lifespan');
select is(current_setting('ops.woken', true), '', 'a session that drives workers itself turns wake-ups off');
reset ops.wake_workers;

-- manual starts: the source is checked
select tests.as_operator();
select is(tests.error_of($$select ops.start_manual_job('scrape', '{"source": "tap-nope"}')$$) ->> 'sqlstate', 'P0404',
  'an unknown source is a P0404');
select ops.set_portal_active('tap-wake', false);
select is(tests.error_of($$select ops.start_manual_job('scrape', '{"source": "tap-wake"}')$$) ->> 'code', 'source_paused',
  'a paused source is a 409 source_paused');
select ops.set_portal_active('tap-wake', true);
select is((select row(type, status, source_id = (select id from ops.sources where key = 'tap-wake'))::text
             from ops.start_manual_job('scrape', '{"source": "tap-wake"}')),
  '(scrape,pending,t)', 'an active source: a pending scrape job of that source');
select tests.as_viewer();
select throws_ok($$select ops.start_manual_job('mirror')$$, '42501', null, 'a viewer cannot start jobs');
select tests.as_superuser();

select * from finish();
rollback;
