-- ===========================================================================
-- 33 ops.take_snapshot: the day's counts, the derived postings list,
-- idempotency, all sources at once, repost counts kept current
-- ===========================================================================
begin;
set search_path = extensions, public;
select plan(18);

create function pg_temp.night(p_run_date date, p_status text, p_postings jsonb) returns void language plpgsql as $$
declare v_job bigint;
begin
  insert into ops.jobs (type, status, source_id, run_date)
    select 'scrape', 'running', s.id, p_run_date from ops.sources s where s.key = 'acme' returning id into v_job;
  insert into ops.scrape_runs (job_id, source_id, run_date) select id, source_id, run_date from ops.jobs where id = v_job;
  perform ops.upsert_postings(v_job, p_postings);
  update ops.scrape_runs set status = p_status, finished_at = now() where job_id = v_job;
  update ops.jobs set status = p_status, finished_at = now() where id = v_job;
  perform ops.deactivate_missing_postings(v_job);
end
$$;
create function pg_temp.counts(p_date date) returns int[] language sql as $$
  select array[posting_count, new_count, active_count, disappeared_count, repost_count]
    from ops.snapshots s join ops.sources src on src.id = s.source_id
   where src.key = 'acme' and s.snapshot_date = p_date
$$;

insert into ops.sources (key, display_name, adapter) values ('acme', 'Acme', 'lever'), ('empty', 'Empty', 'lever');

-- night 1 complete: a, b, c
select pg_temp.night('2026-03-01', 'completed', $$[
  {"external_id": "a", "title": "Engineer", "location": "Berlin", "url": "https://acme.example/a"},
  {"external_id": "b", "title": "Designer", "location": "Hamburg"},
  {"external_id": "c", "title": "Data Engineer (m/w/d)", "location": "Berlin"}]$$);
select ops.take_snapshot(id, '2026-03-01') from ops.sources where key = 'acme';
-- night 2 complete: a, b, d (c disappears)
select pg_temp.night('2026-03-02', 'completed', $$[
  {"external_id": "a", "title": "Engineer", "location": "Berlin", "url": "https://acme.example/a"},
  {"external_id": "b", "title": "Designer", "location": "Hamburg"},
  {"external_id": "d", "title": "Recruiter", "location": "Munich"}]$$);
select ops.take_snapshot(id, '2026-03-02') from ops.sources where key = 'acme';
-- night 3 PARTIAL: a and e (b and d missed, but not deactivated); e reposts c
select pg_temp.night('2026-03-03', 'partial', $$[
  {"external_id": "a", "title": "Engineer", "location": "Berlin", "url": "https://acme.example/a"},
  {"external_id": "e", "title": "Data Engineer (w/m/d)", "location": "Berlin, Germany"}]$$);
select ops.take_snapshot(id, '2026-03-03') from ops.sources where key = 'acme';

--                                        seen new active disappeared reposts
select is(pg_temp.counts('2026-03-01'), array[3, 3, 3, 0, 0], 'night 1: 3 seen, 3 new, 3 active');
select is(pg_temp.counts('2026-03-02'), array[3, 1, 3, 1, 0], 'night 2: 3 seen, 1 new (d), 3 active, 1 disappeared (c)');
select is(pg_temp.counts('2026-03-03'), array[2, 1, 4, 0, 0],
  'night 3 (partial): 2 seen, 1 new (e), 4 active (b and d not retired), none disappeared, reposts not yet detected');
select is(
  (select array_agg(external_id) from ops.snapshot_postings((select id from ops.sources where key = 'acme'), '2026-03-02')),
  array['a', 'b', 'd'], 'the derived list holds the postings open at the end of the day, by external id');
select is(
  (select array_agg(external_id) from ops.snapshot_postings((select id from ops.sources where key = 'acme'), '2026-03-01')),
  array['a', 'b', 'c'], 'a past day''s list is derived from the dates: c was open on night 1');
select is(
  (select to_jsonb(l) from ops.snapshot_postings((select id from ops.sources where key = 'acme'), '2026-03-02') l limit 1),
  (select jsonb_build_object('id', id, 'external_id', 'a', 'title', 'Engineer', 'location', 'Berlin',
                             'url', 'https://acme.example/a') from ops.postings where external_id = 'a'),
  'each element is compact: id, external_id, title, location, url');
select is(
  (select count(*)::int from ops.snapshot_postings((select id from ops.sources where key = 'acme'), '2026-03-03')),
  (select active_count from ops.snapshots where snapshot_date = '2026-03-03'
      and source_id = (select id from ops.sources where key = 'acme')),
  'the derived list has active_count postings');

-- ---------------------------------------------------------------------------
-- Idempotent: taking it again replaces the row
-- ---------------------------------------------------------------------------
create temporary table before as select id, taken_at from ops.snapshots where snapshot_date = '2026-03-02';
select is((select count(*)::int from ops.take_snapshot((select id from ops.sources where key = 'acme'), '2026-03-02')), 1,
  'take_snapshot returns the snapshot');
select is((select count(*)::int from ops.snapshots where snapshot_date = '2026-03-02'), 1, 'still one snapshot for the day');
select is((select id from ops.snapshots where snapshot_date = '2026-03-02'), (select id from before), 'the same row is updated');
select is(pg_temp.counts('2026-03-02'), array[3, 1, 3, 1, 0], 'with the same counts');

-- re-taken later, night 1 is reconstructed from the dates
select ops.take_snapshot(id, '2026-03-01') from ops.sources where key = 'acme';
select is(pg_temp.counts('2026-03-01'), array[3, 3, 3, 0, 0], 're-taking a past day gives the same counts');

-- ---------------------------------------------------------------------------
-- All sources at once; a source without postings gets zeros
-- ---------------------------------------------------------------------------
select is((select count(*)::int from ops.take_snapshot(null, '2026-03-03')), 2, 'source_id null snapshots every source');
select results_eq(
  $$select posting_count, new_count, active_count, disappeared_count, repost_count,
           (select count(*)::int from ops.snapshot_postings(src.id, '2026-03-03'))
      from ops.snapshots s join ops.sources src on src.id = s.source_id where src.key = 'empty'$$,
  $$values (0, 0, 0, 0, 0, 0)$$,
  'a source without postings: zeros and an empty list');

-- ---------------------------------------------------------------------------
-- Repost detection refreshes the repost counts of snapshots already taken
-- ---------------------------------------------------------------------------
select is((ops.detect_reposts() ->> 'reposts')::int, 1, 'e reposts c');
select is(pg_temp.counts('2026-03-03'), array[2, 1, 4, 0, 1], 'the snapshot of night 3 now counts the repost');
select is(pg_temp.counts('2026-03-02'), array[3, 1, 3, 1, 0], 'other days are unchanged');

-- ---------------------------------------------------------------------------
-- with_description: a description that is not blank (only spaces) counts; the first character
-- decides unless it is a space (then the whole text is read, a long TOAST value included)
-- ---------------------------------------------------------------------------
insert into ops.sources (key, display_name, adapter) values ('descr', 'Descr', 'lever');
insert into ops.postings (source_id, external_id, title, normalized_title, content_hash, first_seen_date, last_seen_date,
                          description)
select s.id, v.ext, 'Title', 'title', v.ext, '2026-03-05', '2026-03-05', v.descr
  from ops.sources s,
       (values ('text', 'Text'), ('leading', '  leading spaces'), ('blank', '   '), ('none', null),
               ('long', repeat(' ', 3000) || repeat(md5('long'), 200)), ('long-blank', repeat(' ', 9000))) v (ext, descr)
 where s.key = 'descr';
select is((select (posting_count, with_description)::text from ops.take_snapshot((select id from ops.sources where key = 'descr'), '2026-03-05')),
  '(6,3)', 'with_description counts the 3 descriptions that are not blank (leading spaces and long TOAST values included)');

select * from finish();
rollback;
