-- ===========================================================================
-- 17 ops.request_cancel: transitions, children, audit, roles
-- ===========================================================================
begin;
set search_path = extensions, public;
select plan(12);

set local ops.now = '2026-11-22 02:00:00+00';
update ops.jobs set run_after = 'infinity' where status = 'pending';
create temporary table pending_job as select * from ops.enqueue('repost');
create temporary table running_job as select * from ops.enqueue('pipeline');
create temporary table child as select * from ops.enqueue('score', p_parent_id => (select id from running_job));
select ops.claim('w1', array['pipeline']);
select ops.claim('w2', array['score']);
grant select on pending_job, running_job, child to public;

select tests.as_operator();
set local ops.now = '2026-11-22 02:00:05+00';
select is((select row(status, finished_at, error_category, error)::text from ops.request_cancel((select id from pending_job), 'wrong day')),
  row('cancelled', '2026-11-22 02:00:05+00'::timestamptz, 'cancelled', 'wrong day')::text,
  'a pending job is cancelled at once, with the reason');
select is((select row(status, cancel_requested)::text from ops.request_cancel((select id from running_job))),
  row('running', true)::text, 'a running job gets a cancel request and keeps running');
select is((select row(status, cancel_requested)::text from ops.jobs where id = (select id from child)),
  row('running', true)::text, 'its running children are asked to cancel too');
select is((select error from ops.jobs where id = (select id from running_job)), null, 'nothing is finished yet');
select is(tests.error_of(format('select ops.request_cancel(%s)', (select id from pending_job))) ->> 'sqlstate', 'P0419',
  'cancelling a finished job is P0419');
select is(tests.error_of('select ops.request_cancel(999999)') ->> 'sqlstate', 'P0404', 'an unknown job is P0404');
select is(
  (select array_agg(row(actor, actor_role, action, before ->> 'status', after ->> 'status')::text order by id)
     from ops.audit_log where target in ('job:' || (select id from pending_job), 'job:' || (select id from running_job))),
  array[
    row('tester@example.com', 'operator', 'job.cancel', 'pending', 'cancelled')::text,
    row('tester@example.com', 'operator', 'job.cancel', 'running', 'running')::text],
  'both cancels are audited with actor, role, before and after');

-- the worker sees the request at its next heartbeat and finishes as cancelled
select tests.as_service();
select is((select cancel_requested from ops.heartbeat((select id from running_job), 'w1')), true,
  'the worker sees cancel_requested at its heartbeat');
select is((ops.finish((select id from running_job), 'cancelled', p_worker => 'w1')) -> 'job' ->> 'error_category', 'cancelled',
  'and finishes as cancelled');

-- roles
select tests.as_viewer();
select throws_ok(format('select ops.request_cancel(%s)', (select id from child)), '42501', null, 'a viewer cannot cancel');
select tests.as_user();
select throws_ok(format('select ops.request_cancel(%s)', (select id from child)), '42501', null, 'a user without ops role cannot cancel');
select tests.as_anon();
select throws_ok(format('select ops.request_cancel(%s)', 1), '42501', null, 'anon cannot cancel');

select * from finish();
rollback;
