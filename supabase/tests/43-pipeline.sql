-- ===========================================================================
-- 43 pipeline orchestration: phases in order, error isolation, skipped
-- lineage, a source paused mid-run, the final status and result
-- ===========================================================================
begin;
set search_path = extensions, public;
select plan(23);

insert into ops.sources (key, display_name, adapter) values
  ('p-a', 'A', 'greenhouse'), ('p-b', 'B', 'lever'), ('p-c', 'C', 'personio');
insert into ops.sources (key, display_name, adapter, active) values ('p-off', 'Off', 'lever', false);

create temp table run on commit drop as
  select ops.start_pipeline('2026-11-20', 'test', 'tester') as r;
create temp table ids on commit drop as
  select (select (r ->> 'pipeline_id')::bigint from run) as root,
         (select j.id from ops.jobs j join ops.sources s on s.id = j.source_id where s.key = 'p-a' and j.type = 'scrape') as a,
         (select j.id from ops.jobs j join ops.sources s on s.id = j.source_id where s.key = 'p-b' and j.type = 'scrape') as b,
         (select j.id from ops.jobs j join ops.sources s on s.id = j.source_id where s.key = 'p-c' and j.type = 'scrape') as c;

-- ---------------------------------------------------------------------------
-- start: the root runs, one scrape job per ACTIVE source, exclusive
-- ---------------------------------------------------------------------------
select is((select r ->> 'scrape_jobs' from run), '3', 'three active sources, three scrape jobs (the paused one has none)');
select is((select status from ops.jobs where id = (select root from ids)), 'running', 'the root is running');
select is((select count(*)::int from ops.jobs where root_id = (select root from ids) and status = 'pending' and run_date = '2026-11-20'),
  3, 'the scrape jobs are pending for the run date');
select throws_ok($$select ops.start_pipeline('2026-11-20', 'test')$$, 'P0409', null, 'a second start while one runs is a P0409');

-- ---------------------------------------------------------------------------
-- a source paused mid-run: its pending job is skipped with the reason
-- ---------------------------------------------------------------------------
update ops.sources set active = false where key = 'p-c';
select is((select status || ': ' || error from ops.jobs where id = (select c from ids)), 'skipped: source p-c was deactivated',
  'the paused source''s pending job is skipped with the reason');

-- ---------------------------------------------------------------------------
-- scrape phase ends: one completed, one failed (error isolation)
-- ---------------------------------------------------------------------------
select ops.finish((select a from ids), 'completed');
select is((select count(*)::int from ops.jobs where root_id = (select root from ids) and type = 'snapshot'), 0,
  'no snapshot before every scrape job ended');
select ops.finish((select b from ids), 'failed', null, 'HTTP 403 Forbidden', 'block_403');
select is((select count(*)::int from ops.jobs where root_id = (select root from ids) and type = 'snapshot'), 3,
  'when the scrape phase ended, one snapshot job per scrape job');
select is((select status from ops.jobs where parent_id = (select a from ids)), 'pending',
  'the snapshot of the successful scrape is pending, a child of that scrape job');
select is((select status || ': ' || error from ops.jobs where parent_id = (select b from ids)),
  'skipped: not run: the scrape failed (HTTP 403 Forbidden)', 'the snapshot of the failed scrape is skipped with the reason');
select is((select status from ops.jobs where parent_id = (select c from ids)), 'skipped',
  'the snapshot of the skipped scrape is skipped too');
select is((select progress_done || '/' || progress_total from ops.jobs where id = (select root from ids)), '3/6',
  'root progress: 3 of 6 jobs done');

-- ---------------------------------------------------------------------------
-- the remaining phases, one at a time
-- ---------------------------------------------------------------------------
select ops.finish((select id from ops.jobs where parent_id = (select a from ids)), 'completed');
select is((select count(*)::int from ops.jobs where root_id = (select root from ids) and type = 'lifespan' and status = 'pending'), 1,
  'snapshots done: the lifespan job is pending');
select ops.finish((select id from ops.jobs where root_id = (select root from ids) and type = 'lifespan'), 'completed');
select is((select count(*)::int from ops.jobs where root_id = (select root from ids) and type = 'repost'), 1, 'then repost');
select ops.finish((select id from ops.jobs where root_id = (select root from ids) and type = 'repost'), 'completed');
select is((select count(*)::int from ops.jobs where root_id = (select root from ids) and type = 'score'), 1, 'then score');
select is((select status from ops.jobs where id = (select root from ids)), 'running', 'the root still runs before the last phase ends');
select ops.finish((select id from ops.jobs where root_id = (select root from ids) and type = 'score'), 'completed');

-- ---------------------------------------------------------------------------
-- the end: partial, with totals and the collected errors
-- ---------------------------------------------------------------------------
select is((select status from ops.jobs where id = (select root from ids)), 'partial', 'one scrape failed, one succeeded: partial');
select is((select (result -> 'totals') - 'success_rate' from ops.jobs where id = (select root from ids)),
  '{"jobs": 9, "completed": 5, "partial": 0, "failed": 1, "cancelled": 0, "skipped": 3, "sources": 3, "scrape_succeeded": 1}'::jsonb,
  'totals by hand: 3 scrape + 3 snapshot + lifespan + repost + score');
select is((select (result -> 'totals' ->> 'success_rate')::numeric from ops.jobs where id = (select root from ids)), 0.3333,
  'scrape success rate 1 of 3');
select is((select jsonb_path_query_array(result -> 'errors', '$[*].source') from ops.jobs where id = (select root from ids)),
  '["p-b"]'::jsonb, 'the failed job''s error is collected');
select is((select error from ops.jobs where id = (select root from ids)), '4 of 9 jobs did not complete', 'a readable error');
select lives_ok($$select ops.start_pipeline('2026-11-21', 'test')$$, 'after the run ended a new one may start');

-- ---------------------------------------------------------------------------
-- every scrape fails: snapshots skipped at once, the run ends failed
-- ---------------------------------------------------------------------------
select ops.finish(id, 'failed', null, 'timed out', 'network_timeout')
  from ops.jobs where run_date = '2026-11-21' and type = 'scrape';
select is((select string_agg(type || ':' || status, ' ' order by id) from ops.jobs
            where run_date = '2026-11-21' and type in ('snapshot', 'lifespan')),
  'snapshot:skipped snapshot:skipped lifespan:pending', 'all snapshots skipped: the next phase starts at once');
select ops.finish(id, 'completed') from ops.jobs where run_date = '2026-11-21' and type = 'lifespan';
select ops.finish(id, 'completed') from ops.jobs where run_date = '2026-11-21' and type = 'repost';
select ops.finish(id, 'completed') from ops.jobs where run_date = '2026-11-21' and type = 'score';
select is((select status from ops.jobs where run_date = '2026-11-21' and type = 'pipeline'), 'failed',
  'no scrape succeeded: the run failed');

select * from finish();
rollback;
