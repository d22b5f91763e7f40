-- ===========================================================================
-- 11 ops.enqueue and ops.start_job: type policy, exclusivity (P0409 with the
-- holder), idempotency keys, lineage, validation
-- ===========================================================================
begin;
set search_path = extensions, public;
select plan(26);

-- 23:30 UTC on 22 Nov is already 23 Nov in Berlin
set local ops.now = '2026-11-22 23:30:00+00';
insert into ops.sources (key, display_name, adapter) values ('enq', 'Enq', 'greenhouse');
create temporary table src as select id from ops.sources where key = 'enq';

create temporary table j1 as select * from ops.enqueue('scrape', '{"page": 1}', (select id from src));
select is((select status from j1), 'pending', 'a new job is pending');
select is((select max_attempts from j1), 3, 'max_attempts comes from the scrape type');
select is((select lease_seconds from j1), 60, 'lease_seconds comes from the scrape type');
select is((select run_after from j1), '2026-11-22 23:30:00+00'::timestamptz, 'run_after defaults to the frozen now');
select is((select created_at from j1), '2026-11-22 23:30:00+00'::timestamptz, 'created_at is the frozen now');
select is((select run_date from j1), '2026-11-23'::date, 'run_date defaults to the Berlin date');
select is((select created_by from j1), 'postgres', 'created_by defaults to the caller');
select is((select max_attempts from ops.enqueue('scrape', p_max_attempts => 7)), 7, 'max_attempts can be overridden');

-- validation
select is(tests.error_of($$select ops.enqueue('nope')$$) ->> 'sqlstate', 'P0404', 'an unknown type is P0404');
select is(tests.error_of($$select ops.enqueue('scrape', '{}', 999999)$$) ->> 'entity', 'source', 'an unknown source is P0404 naming the source');
select is(tests.error_of($$select ops.enqueue('scrape', '[1]')$$) ->> 'sqlstate', 'P0400', 'params must be an object');
select is(tests.error_of($$select ops.enqueue('scrape', p_parent_id => 999999)$$) ->> 'sqlstate', 'P0404', 'an unknown parent is P0404');
select is(tests.error_of($$select ops.enqueue('scrape', p_max_attempts => 0)$$) ->> 'field', 'max_attempts', 'max_attempts is checked');

-- idempotency
create temporary table k1 as select * from ops.enqueue('scrape', '{"a": 1}', p_idempotency_key => 'nightly-2026-11-23-enq');
select is((select id from ops.enqueue('scrape', '{"a": 2}', p_idempotency_key => 'nightly-2026-11-23-enq')),
  (select id from k1), 'a repeated idempotency key returns the existing job');
select is((select count(*)::int from ops.jobs where idempotency_key = 'nightly-2026-11-23-enq'), 1, 'and stores it once');
select is((select params from ops.jobs where idempotency_key = 'nightly-2026-11-23-enq'), '{"a": 1}'::jsonb,
  'the replay changes nothing');

-- exclusive types
create temporary table p1 as select * from ops.enqueue('pipeline');
select is((select singleton_key from p1), 'pipeline', 'an exclusive job holds its type''s singleton key');
create temporary table busy as select tests.error_of($$select ops.enqueue('pipeline')$$) as e;
select is((select e ->> 'sqlstate' from busy), 'P0409', 'a second pipeline while one is pending is P0409');
select is((select e ->> 'code' from busy), 'job_type_busy', 'with code job_type_busy');
select is((select (e ->> 'job_id')::bigint from busy), (select id from p1), 'naming the holder''s id');
select is((select e ->> 'type' from busy), 'pipeline', 'and type');
select ok((select (e ? 'started_at') from busy), 'and started_at');
select ops.finish((select id from p1), 'completed');
select is((select status from ops.enqueue('pipeline')), 'pending', 'after the holder finished, a new pipeline may start');

-- lineage
create temporary table child as select * from ops.enqueue('scrape', p_parent_id => (select id from j1));
create temporary table grandchild as select * from ops.enqueue('snapshot', p_parent_id => (select id from child));
select is(array[(select root_id from child), (select root_id from grandchild)],
  array[(select id from j1), (select id from j1)], 'root_id is the top of the lineage');
select is((select source_id from grandchild), (select id from src), 'children inherit the source');

-- start_job: running at once
create temporary table ext as select * from ops.start_job('scrape', 'vm-7', '{}', (select id from src));
select is((select row(status, attempt, locked_by, heartbeat_at, timeout_at)::text from ext),
  row('running', 1, 'vm-7', '2026-11-22 23:30:00+00'::timestamptz, '2026-11-22 23:45:00+00'::timestamptz)::text,
  'start_job creates a running job: attempt 1, locked by the worker, timeout after 900 s');

select * from finish();
rollback;
