-- ===========================================================================
-- 12 ops.claim: order, batches, types, timing, lineage; and a real race of two
-- sessions (dblink) that must never hand out the same job twice
-- ===========================================================================
begin;
set search_path = extensions, public;
select plan(18);

set local ops.now = '2026-11-22 02:00:00+00';
-- keep other pending work out of this test's claims (the race below has its own types)
update ops.jobs set run_after = 'infinity' where status = 'pending' and type not like 'tap\_%';

select ops.enqueue('snapshot', '{"n": 1}', p_priority => 0);
select ops.enqueue('snapshot', '{"n": 2}', p_priority => 5);
select ops.enqueue('snapshot', '{"n": 3}', p_priority => 0, p_run_after => '2026-11-22 02:00:01+00');
select ops.enqueue('score', '{"n": 4}', p_priority => 9);
select ops.enqueue('snapshot', '{"n": 5}', p_priority => 0);

create temporary table c1 as select * from ops.claim('w1', array['snapshot'], 2);
select is((select array_agg((params ->> 'n')::int order by priority desc, id) from c1), array[2, 1],
  'a batch claim takes the requested type by priority, then age');
select is((select row(status, attempt, locked_by, heartbeat_at, claimed_at, started_at, timeout_at)::text from c1 where params ->> 'n' = '2'),
  row('running', 1, 'w1', '2026-11-22 02:00:00+00'::timestamptz, '2026-11-22 02:00:00+00'::timestamptz,
      '2026-11-22 02:00:00+00'::timestamptz, '2026-11-22 02:05:00+00'::timestamptz)::text,
  'a claimed job is running: attempt 1, locked_by, heartbeat and claim time now, timeout now + 300 s');
select is((select array_agg((params ->> 'n')::int) from ops.claim('w2', array['snapshot'], 10)), array[5],
  'a job whose run_after is in the future is not claimed');
set local ops.now = '2026-11-22 02:00:01+00';
select is((select array_agg((params ->> 'n')::int) from ops.claim('w2', array['snapshot', 'lifespan'], 10)), array[3],
  'it is claimed once run_after has come');
select is((select array_agg((params ->> 'n')::int) from ops.claim('w3')), array[4], 'without types any type is claimed');
select is((select count(*)::int from ops.claim('w3', null, 5)), 0, 'nothing left to claim');
select is(tests.error_of($$select ops.claim('w', null, 0)$$) ->> 'field', 'limit', 'the batch size is checked');
select is(tests.error_of($$select ops.claim('')$$) ->> 'field', 'worker', 'the worker name is checked');

-- lineage: children of a cancelled (or cancel-requested) parent never start
create temporary table par as select * from ops.enqueue('lifespan', '{"role": "parent"}');
create temporary table kid as select * from ops.enqueue('lifespan', '{"role": "kid"}', p_parent_id => (select id from par));
select ops.claim('wp', array['lifespan'], 1);
select ops.request_cancel((select id from par));
select is((select count(*)::int from ops.claim('wk', array['lifespan'], 5)), 0,
  'a child of a parent with a cancel request is not claimed');
select ops.finish((select id from par), 'cancelled');
select is((select count(*)::int from ops.claim('wk', array['lifespan'], 5)), 0, 'nor a child of a cancelled parent');

-- a second claim of a re-queued job keeps started_at and counts the attempt
create temporary table rq as select * from ops.enqueue('repost');
select ops.claim('wr1', array['repost']);
update ops.jobs set status = 'pending', locked_by = null where id = (select id from rq);
set local ops.now = '2026-11-22 02:10:00+00';
select is((select row(attempt, started_at, claimed_at)::text from ops.claim('wr2', array['repost'])),
  row(2, '2026-11-22 02:00:01+00'::timestamptz, '2026-11-22 02:10:00+00'::timestamptz)::text,
  'a second claim: attempt 2, started_at kept, claimed_at new');

-- ---------------------------------------------------------------------------
-- Two sessions at once (committed data through dblink, cleaned up at the end)
-- ---------------------------------------------------------------------------
create extension if not exists dblink with schema extensions;
select dblink_connect('a', tests.dblink_connstr());
select dblink_connect('b', tests.dblink_connstr());
select dblink_exec('a', $$set statement_timeout = '5s'$$);
-- leftovers of an interrupted earlier run go first
select dblink_exec('a', $$delete from ops.jobs where type in ('tap_race', 'tap_excl')$$);
select dblink_exec('a', $$insert into ops.job_types (type, description) values ('tap_race', 'pgTAP race'),
  ('tap_excl', 'pgTAP exclusive race') on conflict (type) do nothing$$);
select dblink_exec('a', $$update ops.job_types set exclusive = true where type = 'tap_excl'$$);
select * from dblink('a', $$select count(ops.enqueue('tap_race', jsonb_build_object('n', n)))::int
  from generate_series(1, 3) n$$) as t (n int);

-- session a claims one job and keeps its transaction open
select dblink_exec('a', 'begin');
create temporary table race_a as
  select * from dblink('a', $$select id from ops.claim('worker-a', array['tap_race'], 1)$$) as t (id bigint);
-- session b must neither wait for a's lock nor take a's job
select dblink_exec('b', $$set statement_timeout = '3s'$$);
create temporary table race_b as
  select * from dblink('b', $$select id from ops.claim('worker-b', array['tap_race'], 10)$$) as t (id bigint);
select is((select count(*)::int from race_a), 1, 'session a claimed one job');
select is((select count(*)::int from race_b), 2, 'session b, at the same time, claimed the two others without waiting');
select is((select count(*)::int from race_a join race_b using (id)), 0, 'no job was handed to both sessions');
select dblink_exec('a', 'commit');
select is(
  (select array_agg(locked_by order by locked_by) from dblink('b',
    $$select locked_by from ops.jobs where type = 'tap_race'$$) as t (locked_by text)),
  array['worker-a', 'worker-b', 'worker-b'], 'after commit every job is held by exactly one worker');

-- exclusive type: two sessions enqueue at once; the second gets P0409, not a duplicate
select dblink_exec('a', 'begin');
select * from dblink('a', $$select id from ops.enqueue('tap_excl')$$) as t (id bigint);
select dblink_send_query('b', $$select ops.enqueue('tap_excl')$$);
select pg_sleep(0.2);
select dblink_exec('a', 'commit');
create temporary table excl_b as select * from dblink_get_result('b', false) as t (r text);
select is((select count(*)::int from excl_b), 0, 'the racing enqueue returned no job');
select is(dblink_error_message('b') like '%tap_excl job%already pending%', true,
  'the racing enqueue of an exclusive type got job_type_busy once the first committed');
select is((select n from dblink('a', $$select count(*)::int from ops.jobs where type = 'tap_excl'$$) as t (n int)), 1,
  'exactly one exclusive job exists');

-- cleanup of the committed rows
select count(*) from dblink_get_result('b', false) as t (r text);
select dblink_exec('a', $$delete from ops.jobs where type in ('tap_race', 'tap_excl')$$);
select dblink_exec('a', $$delete from ops.job_types where type in ('tap_race', 'tap_excl')$$);
select dblink_disconnect('a');
select dblink_disconnect('b');

select * from finish();
rollback;
