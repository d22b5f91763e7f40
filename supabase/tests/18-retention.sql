-- ===========================================================================
-- 18 ops.purge_retention: logs by age, whole old lineages, idempotency keys,
-- bounded batches
-- ===========================================================================
begin;
set search_path = extensions, public;
select plan(10);

set local ops.now = '2001-06-01 00:00:00+00';
-- the test lives in 2001: every real row is far younger than its cutoffs

-- logs: 90 days by default
create temporary table j as select * from ops.start_job('external', 'w1');
insert into ops.logs (job_id, ts, level, message)
select (select id from j), '2001-06-01 00:00:00+00'::timestamptz - make_interval(days => d), 'INFO', 'day ' || d
from unnest(array[100, 95, 91, 89, 1]) d;

select is(ops.purge_retention(1, 2) - 'log_cutoff' - 'job_cutoff',
  '{"logs": 2, "jobs": 0, "idempotency_keys": 0, "more": true}'::jsonb,
  'batches of 1, at most 2: two old lines go and more remain');
select is(ops.purge_retention() ->> 'logs', '1', 'the next call takes the rest');
select is((select array_agg(message order by ts) from ops.logs where job_id = (select id from j)), array['day 89', 'day 1'],
  'lines younger than 90 days stay');
update ops.settings set value = '30' where key = 'log_retention_days';
select is(ops.purge_retention() ->> 'logs', '1', 'the retention follows settings.log_retention_days');

-- jobs: 180 days by default, whole lineages only
set local ops.now = '2000-11-01 00:00:00+00';
create temporary table old_root as select * from ops.enqueue('pipeline');
create temporary table old_child as select * from ops.enqueue('scrape', p_parent_id => (select id from old_root));
create temporary table mixed_root as select * from ops.enqueue('backfill');
create temporary table young_child as select * from ops.enqueue('snapshot', p_parent_id => (select id from mixed_root));
select ops.finish((select id from old_root), 'completed');
select ops.finish((select id from old_child), 'completed');
select ops.finish((select id from mixed_root), 'completed');
create temporary table unfinished as select * from ops.enqueue('repost');
set local ops.now = '2001-06-01 00:00:00+00';
select ops.finish((select id from young_child), 'completed');

select is((ops.purge_retention()) ->> 'jobs', '1', 'one old lineage goes');
select is((select count(*)::int from ops.jobs where id in ((select id from old_root), (select id from old_child))), 0,
  'with its children');
select is((select count(*)::int from ops.jobs where id in ((select id from mixed_root), (select id from young_child))), 2,
  'a lineage with a young member stays whole');
select is((select count(*)::int from ops.jobs where id = (select id from unfinished)), 1, 'unfinished jobs stay');

-- idempotency keys: 48 hours
set local ops.now = '2001-05-29 00:00:00+00';
select ops.idempotency_begin('old-key', 'POST /x', 'h');
set local ops.now = '2001-05-31 12:00:00+00';
select ops.idempotency_begin('new-key', 'POST /x', 'h');
set local ops.now = '2001-06-01 00:00:00+00';
select is(ops.purge_retention() ->> 'idempotency_keys', '1', 'idempotency keys older than 48 h go');
select is(tests.error_of('select ops.purge_retention(0)') ->> 'sqlstate', 'P0400', 'the batch size is checked');

select * from finish();
rollback;
