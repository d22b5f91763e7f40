-- ===========================================================================
-- 16 ops.sweep with a frozen clock: backoff exp(least(10, attempt)) seconds,
-- lost workers, timeouts, dead cancels, skipped children
-- ===========================================================================
begin;
set search_path = extensions, public;
select plan(22);

set local ops.now = '2026-11-22 02:00:00+00';
-- other running work must not be touched by this test's sweeps
update ops.jobs set heartbeat_at = 'infinity', timeout_at = 'infinity' where status = 'running';
update ops.jobs set run_after = 'infinity' where status = 'pending';
insert into ops.sources (key, display_name, adapter) values ('sw', 'Sw', 'lever');
create temporary table src as select id from ops.sources where key = 'sw';

-- a scrape job (lease 60 s, 3 attempts, timeout 900 s) whose worker dies
create temporary table lost as select * from ops.enqueue('scrape', '{}', (select id from src));
select ops.claim('w1', array['scrape']);

set local ops.now = '2026-11-22 02:01:00+00';
select is(ops.sweep(), '{"cancelled": 0, "timed_out": 0, "requeued": 0, "lost": 0, "skipped": 0}'::jsonb,
  'exactly at the end of the lease nothing happens');
set local ops.now = '2026-11-22 02:01:01+00';
select is(ops.sweep() ->> 'requeued', '1', 'one second later the job is re-queued');
select is((select row(status, attempt, locked_by, heartbeat_at, timeout_at, error_category)::text from ops.jobs where id = (select id from lost)),
  row('pending', 1, null::text, null::timestamptz, null::timestamptz, 'lost_worker')::text,
  're-queued: pending, lock released, the attempt counted, category lost_worker');
select is((select run_after from ops.jobs where id = (select id from lost)), '2026-11-22 02:01:03.718282+00'::timestamptz,
  'backoff after attempt 1: e^1 = 2.718282 s');
select is((select level || ' ' || message from ops.logs where job_id = (select id from lost) order by id desc limit 1),
  'WARNING worker w1 stopped heartbeating (attempt 1 of 3); retrying in 2.7 s', 'the job''s log says why');

select is((select count(*)::int from ops.claim('w2', array['scrape'])), 0, 'not claimable during the backoff');
set local ops.now = '2026-11-22 02:01:03.718282+00';
select is((select attempt from ops.claim('w2', array['scrape'])), 2, 'claimable when the backoff is over: attempt 2');
set local ops.now = '2026-11-22 02:02:10+00';
select ops.sweep();
select is((select run_after from ops.jobs where id = (select id from lost)), '2026-11-22 02:02:17.389056+00'::timestamptz,
  'backoff after attempt 2: e^2 = 7.389056 s');
set local ops.now = '2026-11-22 02:02:20+00';
select ops.claim('w3', array['scrape']);
set local ops.now = '2026-11-22 02:03:30+00';
select is(ops.sweep() ->> 'lost', '1', 'after the last attempt the job is lost');
select is((select row(status, finished_at, error_category)::text from ops.jobs where id = (select id from lost)),
  row('failed', '2026-11-22 02:03:30+00'::timestamptz, 'lost_worker')::text, 'failed with category lost_worker');
select is((select row(category, count)::text from ops.errors where job_id = (select id from lost)), '(lost_worker,1)',
  'and recorded as a classified error');
select is((select consecutive_errors from ops.sources where id = (select id from src)), 1, 'the source counts the failure');

-- the cap: exp(least(10, attempt))
create temporary table capped as select * from ops.enqueue('snapshot', p_max_attempts => 20);
update ops.jobs set attempt = 11 where id = (select id from capped);
select ops.claim('w4', array['snapshot']);
set local ops.now = '2026-11-22 02:04:31+00';
select ops.sweep();
select is((select run_after from ops.jobs where id = (select id from capped)),
  '2026-11-22 02:04:31+00'::timestamptz + interval '22026.465795 seconds', 'backoff is capped at e^10 s (about 6.1 h)');

-- timeouts: fresh heartbeats do not help past timeout_at
set local ops.now = '2026-11-22 03:00:00+00';
create temporary table slow as select * from ops.enqueue('snapshot');
select ops.claim('w5', array['snapshot']);
set local ops.now = '2026-11-22 03:04:59+00';
select ops.heartbeat((select id from slow), 'w5');
set local ops.now = '2026-11-22 03:05:01+00';
select ops.heartbeat((select id from slow), 'w5');
select is(ops.sweep() ->> 'timed_out', '1', 'past timeout_at the job times out');
select is((select row(status, error_category, error)::text from ops.jobs where id = (select id from slow)),
  row('failed', 'timeout', 'job timed out after 300 s')::text, 'failed, category timeout');
select is((select row(status, cancel_requested, owned)::text from ops.heartbeat((select id from slow), 'w5')),
  row('failed', false, false)::text, 'the worker learns it at its next heartbeat');

-- a cancel request whose worker died
create temporary table dead as select * from ops.enqueue('snapshot');
select ops.claim('w6', array['snapshot']);
select ops.request_cancel((select id from dead));
set local ops.now = '2026-11-22 03:06:02+00';
select is(ops.sweep() ->> 'cancelled', '1', 'a cancel-requested job without heartbeat is cancelled');
select is((select row(status, error_category)::text from ops.jobs where id = (select id from dead)), '(cancelled,cancelled)',
  'status and category cancelled');

-- children that never ran under a failed parent are skipped; healthy jobs are left alone
create temporary table parent as select * from ops.enqueue('lifespan');
create temporary table kid as select * from ops.enqueue('lifespan', p_parent_id => (select id from parent));
create temporary table grandkid as select * from ops.enqueue('lifespan', p_parent_id => (select id from kid));
create temporary table healthy as select * from ops.enqueue('repost');
select ops.claim('w7', array['lifespan'], 1);
select ops.claim('w8', array['repost'], 1);
select ops.finish((select id from parent), 'failed', null, 'boom');
select is(ops.sweep(), '{"cancelled": 0, "timed_out": 0, "requeued": 0, "lost": 0, "skipped": 2}'::jsonb,
  'children and grandchildren of a failed parent are skipped');
select is((select row(status, error)::text from ops.jobs where id = (select id from kid)),
  row('skipped', format('skipped: parent job %s failed', (select id from parent)))::text, 'with the reason');
select is((select result ->> 'skipped_reason' from ops.jobs where id = (select id from grandkid)),
  format('skipped: parent job %s skipped', (select id from kid)), 'a grandchild names its own parent');
select is((select status from ops.jobs where id = (select id from healthy)), 'running', 'a job with a fresh heartbeat is untouched');

select * from finish();
rollback;
