-- ===========================================================================
-- 44 ops.run_phase_job: the SQL work behind each pipeline phase job
-- ===========================================================================
begin;
set search_path = extensions, public;
select plan(6);

insert into ops.sources (key, display_name, adapter) values ('ph-a', 'A', 'greenhouse');
create temp table run on commit drop as select ops.start_pipeline('2026-11-20', 'test') as r;
create temp table scrape on commit drop as
  select j.id from ops.jobs j join ops.sources s on s.id = j.source_id where s.key = 'ph-a' and j.type = 'scrape';

select ops.start_scrape_run((select id from scrape));
select ops.upsert_postings((select id from scrape), '[
  {"external_id": "1", "title": "Data Engineer", "normalized_title": "data engineer", "location": "Berlin", "url": "https://x/1", "content_hash": "h1", "raw": {}},
  {"external_id": "2", "title": "Designer", "normalized_title": "designer", "location": "Hamburg", "url": "https://x/2", "content_hash": "h2", "raw": {}}
]'::jsonb);
select ops.finish((select id from scrape), 'completed');

select is(
  ops.run_phase_job((select id from ops.jobs where type = 'snapshot' and parent_id = (select id from scrape))),
  '{"snapshot_date": "2026-11-20", "postings": 2, "new": 2, "active": 2, "disappeared": 0, "reposts": 0}'::jsonb,
  'a snapshot job snapshots its source for the run date');
select is((select posting_count from ops.snapshots s join ops.sources o on o.id = s.source_id
            where o.key = 'ph-a' and snapshot_date = '2026-11-20'), 2, 'the snapshot row is stored');
select ops.finish((select id from ops.jobs where type = 'snapshot' and parent_id = (select id from scrape)), 'completed');

select is((ops.run_phase_job((select id from ops.jobs where type = 'lifespan' and root_id = ((select r from run) ->> 'pipeline_id')::bigint)) ->> 'postings')::int >= 2,
  true, 'the lifespan job reports over all postings');
select ops.finish((select id from ops.jobs where type = 'lifespan' and root_id = ((select r from run) ->> 'pipeline_id')::bigint), 'completed');
select is(jsonb_typeof(ops.run_phase_job((select id from ops.jobs where type = 'repost' and root_id = ((select r from run) ->> 'pipeline_id')::bigint))),
  'object', 'the repost job runs repost detection');
select ops.finish((select id from ops.jobs where type = 'repost' and root_id = ((select r from run) ->> 'pipeline_id')::bigint), 'completed');
select is(jsonb_typeof(ops.run_phase_job((select id from ops.jobs where type = 'score' and root_id = ((select r from run) ->> 'pipeline_id')::bigint))),
  'object', 'the score job computes the day''s scores');
select throws_ok(format('select ops.run_phase_job(%s)', (select id from scrape)), 'P0400', null,
  'a scrape job is not a phase job');

select * from finish();
rollback;
