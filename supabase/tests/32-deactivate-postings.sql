-- ===========================================================================
-- 32 ops.deactivate_missing_postings: only a COMPLETE run marks missing
-- postings inactive; partial, failed and running runs are a no-op;
-- idempotent; a posting listed again is active again
-- ===========================================================================
begin;
set search_path = extensions, public;
select plan(21);

create function pg_temp.scrape_job(p_run_date date) returns bigint language sql as $$
  with j as (
    insert into ops.jobs (type, status, source_id, run_date)
    select 'scrape', 'running', s.id, p_run_date from ops.sources s where s.key = 'acme'
    returning id, source_id, run_date)
  insert into ops.scrape_runs (job_id, source_id, run_date) select id, source_id, run_date from j
  returning job_id
$$;
-- ends a job and its scrape run with a status
create function pg_temp.finish(p_job bigint, p_status text) returns void language sql as $$
  update ops.scrape_runs set status = p_status, finished_at = now() where job_id = p_job;
  update ops.jobs set status = p_status, finished_at = now() where id = p_job;
$$;
create function pg_temp.active() returns text[] language sql as $$
  select coalesce(array_agg(external_id order by external_id), '{}') from ops.postings where active
$$;

insert into ops.sources (key, display_name, adapter) values ('acme', 'Acme', 'lever');
create temporary table j (night int primary key, id bigint);

-- night 1, complete: a, b, c
insert into j values (1, pg_temp.scrape_job('2026-03-01'));
select ops.upsert_postings((select id from j where night = 1),
  '[{"external_id": "a", "title": "A"}, {"external_id": "b", "title": "B"}, {"external_id": "c", "title": "C"}]');
select pg_temp.finish((select id from j where night = 1), 'completed');
select is(ops.deactivate_missing_postings((select id from j where night = 1)) - 'source_id',
  '{"applied": true, "deactivated": 0, "run_status": "completed", "run_date": "2026-03-01"}',
  'a complete run that saw everything deactivates nothing');

-- night 2, PARTIAL: only a
insert into j values (2, pg_temp.scrape_job('2026-03-02'));
select ops.upsert_postings((select id from j where night = 2), '[{"external_id": "a", "title": "A"}]');
select pg_temp.finish((select id from j where night = 2), 'partial');
select is((ops.deactivate_missing_postings((select id from j where night = 2)) ->> 'applied')::boolean, false,
  'a partial run: not applied');
select is((ops.deactivate_missing_postings((select id from j where night = 2)) ->> 'deactivated')::int, 0,
  'a partial run deactivates nothing');
select is(pg_temp.active(), array['a', 'b', 'c'], 'after the partial run a, b and c are all active');

-- night 3, FAILED: nothing seen
insert into j values (3, pg_temp.scrape_job('2026-03-03'));
select pg_temp.finish((select id from j where night = 3), 'failed');
select is(ops.deactivate_missing_postings((select id from j where night = 3)) ->> 'run_status', 'failed',
  'a failed run reports its status');
select is(pg_temp.active(), array['a', 'b', 'c'], 'a failed run deactivates nothing');

-- night 4: sees a; while it is still running nothing happens
insert into j values (4, pg_temp.scrape_job('2026-03-04'));
select ops.upsert_postings((select id from j where night = 4), '[{"external_id": "a", "title": "A"}]');
select is(ops.deactivate_missing_postings((select id from j where night = 4)) ->> 'applied', 'false',
  'a run that is still running: not applied');
select is(pg_temp.active(), array['a', 'b', 'c'], 'a running run deactivates nothing');

-- ... then it completes
select pg_temp.finish((select id from j where night = 4), 'completed');
select is(ops.deactivate_missing_postings((select id from j where night = 4)) - 'source_id',
  '{"applied": true, "deactivated": 2, "run_status": "completed", "run_date": "2026-03-04"}',
  'the complete run deactivates the two postings it did not see');
select is(pg_temp.active(), array['a'], 'only a is still active');
select results_eq(
  $$select external_id, inactive_since_date, inactive_since is not null, repost_origin_pending
      from ops.postings where not active order by external_id$$,
  $$values ('b'::text, '2026-03-04'::date, true, true), ('c', '2026-03-04', true, true)$$,
  'b and c disappeared on the run date and are pending for repost detection');
select is(ops.deactivate_missing_postings((select id from j where night = 4)) ->> 'deactivated', '0',
  'idempotent: a second call deactivates nothing');
select is((select count(*)::int from ops.postings), 3, 'no rows are added or removed');

-- night 5, complete: b is listed again, a is gone
insert into j values (5, pg_temp.scrape_job('2026-03-05'));
select is(ops.upsert_postings((select id from j where night = 5), '[{"external_id": "b", "title": "B"}]') ->> 'updated', '1',
  'a posting listed again counts as updated');
select results_eq(
  $$select active, inactive_since, inactive_since_date, first_seen_date, last_seen_date from ops.postings where external_id = 'b'$$,
  $$values (true, null::timestamptz, null::date, '2026-03-01'::date, '2026-03-05'::date)$$,
  'b is active again and keeps its first sighting');
select pg_temp.finish((select id from j where night = 5), 'completed');
select is(ops.deactivate_missing_postings((select id from j where night = 5)) ->> 'deactivated', '1',
  'night 5 deactivates a');
select is(pg_temp.active(), array['b'], 'only b is active');

-- a late complete run of an older night never retires what a later night saw
insert into j values (6, pg_temp.scrape_job('2026-03-03'));
select pg_temp.finish((select id from j where night = 6), 'completed');
select is(ops.deactivate_missing_postings((select id from j where night = 6)) ->> 'deactivated', '0',
  'a complete run of an older night deactivates nothing seen later');
select is(pg_temp.active(), array['b'], 'b stays active');

-- a job without a scrape run: the job's own status decides
insert into ops.jobs (type, status, source_id, run_date, finished_at)
  select 'scrape', 'completed', id, '2026-03-06', now() from ops.sources;
select is(ops.deactivate_missing_postings((select max(id) from ops.jobs)) - 'source_id',
  '{"applied": true, "deactivated": 1, "run_status": "completed", "run_date": "2026-03-06"}',
  'without a scrape run the completed job row counts');
select throws_ok($$select ops.deactivate_missing_postings(-1)$$, 'P0002', null, 'an unknown job is rejected');

select * from finish();
rollback;
