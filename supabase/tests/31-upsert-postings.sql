-- ===========================================================================
-- 31 ops.upsert_postings: counts computed in the statement, idempotency,
-- normalization, late (older) runs, and bad input that writes nothing
-- ===========================================================================
begin;
set search_path = extensions, public;
select plan(47);

-- a scrape job with its scrape run; returns the job id
create function pg_temp.scrape_job(p_key text, p_run_date date) returns bigint language sql as $$
  with j as (
    insert into ops.jobs (type, status, source_id, run_date)
    select 'scrape', 'running', s.id, p_run_date from ops.sources s where s.key = p_key
    returning id, source_id, run_date)
  insert into ops.scrape_runs (job_id, source_id, run_date) select id, source_id, run_date from j
  returning job_id
$$;
-- the counts without the echo of source and date
create function pg_temp.counts(result jsonb) returns jsonb language sql as $$
  select result - 'source_id' - 'run_date'
$$;

insert into ops.sources (key, display_name, adapter) values ('acme', 'Acme', 'lever'), ('other', 'Other', 'lever');
create temporary table j as select
  pg_temp.scrape_job('acme', '2026-03-01') as d1,
  pg_temp.scrape_job('acme', '2026-03-02') as d2,
  pg_temp.scrape_job('acme', '2026-02-27') as older,
  pg_temp.scrape_job('other', '2026-03-01') as other;

-- ---------------------------------------------------------------------------
-- First batch: 3 distinct external ids, "b" twice (the last one wins)
-- ---------------------------------------------------------------------------
select is(pg_temp.counts(ops.upsert_postings((select d1 from j), $$[
    {"external_id": "a", "title": "Senior Software Engineer (m/w/d)", "location": "Berlin, Germany",
     "department": "Engineering", "url": "https://acme.example/jobs/a", "raw": {"id": "a"}},
    {"external_id": "b", "title": "Sales Manager", "location": "Munich"},
    {"external_id": "c", "title": "Data Analyst", "normalized_title": "data analyst custom"},
    {"external_id": "b", "title": "Sales Manager DACH", "location": "Munich"}
  ]$$)),
  '{"found": 3, "new": 3, "updated": 0, "unchanged": 0}', 'first batch: 3 found, 3 new (a duplicate counts once)');
select is((select count(*)::int from ops.postings), 3, 'three rows');
select is((select title from ops.postings where external_id = 'b'), 'Sales Manager DACH', 'the last duplicate wins');
select is((select normalized_title from ops.postings where external_id = 'a'), 'senior software engineer',
  'normalized title: lower case, gender marker and punctuation removed');
select is((select normalized_location from ops.postings where external_id = 'a'), 'berlin germany', 'normalized location');
select is((select normalized_title from ops.postings where external_id = 'c'), 'data analyst custom',
  'the scraper''s normalized title is kept');
select is((select normalized_location from ops.postings where external_id = 'c'), '', 'no location: empty normalized location');
select ok((select content_hash = md5(concat_ws(chr(31), 'Senior Software Engineer (m/w/d)', 'Berlin, Germany', 'Engineering',
                                               'https://acme.example/jobs/a', '{"id": "a"}')) from ops.postings where external_id = 'a'),
  'without a content hash: md5 of the fields sent (title, location, department, url, raw; absent ones left out)');
select results_eq(
  $$select first_seen_date, last_seen_date, first_job_id, last_job_id, active, raw from ops.postings where external_id = 'a'$$,
  $$select '2026-03-01'::date, '2026-03-01'::date, d1, d1, true, '{"id": "a"}'::jsonb from j$$,
  'dates and jobs of the first sighting');

-- ---------------------------------------------------------------------------
-- Idempotency: the same batch again changes nothing
-- ---------------------------------------------------------------------------
select is(pg_temp.counts(ops.upsert_postings((select d1 from j), $$[
    {"external_id": "a", "title": "Senior Software Engineer (m/w/d)", "location": "Berlin, Germany",
     "department": "Engineering", "url": "https://acme.example/jobs/a", "raw": {"id": "a"}},
    {"external_id": "b", "title": "Sales Manager DACH", "location": "Munich"},
    {"external_id": "c", "title": "Data Analyst", "normalized_title": "data analyst custom"}
  ]$$)),
  '{"found": 3, "new": 0, "updated": 0, "unchanged": 3}', 'the same batch again: all unchanged');
select is((select count(*)::int from ops.postings), 3, 'still three rows: no duplicates');

-- ---------------------------------------------------------------------------
-- Next night: a unchanged, b changed title, c changed content hash only, d new
-- ---------------------------------------------------------------------------
select is(pg_temp.counts(ops.upsert_postings((select d2 from j), $$[
    {"external_id": "a", "title": "Senior Software Engineer (m/w/d)", "location": "Berlin, Germany",
     "department": "Engineering", "url": "https://acme.example/jobs/a", "raw": {"id": "a"}},
    {"external_id": "b", "title": "Sales Manager (DACH)", "location": "Munich"},
    {"external_id": "c", "title": "Data Analyst", "normalized_title": "data analyst custom", "content_hash": "h2"},
    {"external_id": "d", "title": "Designer"}
  ]$$)),
  '{"found": 4, "new": 1, "updated": 2, "unchanged": 1}', 'next night: 1 new, 2 updated, 1 unchanged');
select results_eq(
  $$select first_seen_date, last_seen_date, first_job_id, last_job_id from ops.postings where external_id = 'a'$$,
  $$select '2026-03-01'::date, '2026-03-02'::date, d1, d2 from j$$,
  'a: first seen stays, last seen and last job move');
select is((select title from ops.postings where external_id = 'b'), 'Sales Manager (DACH)', 'b: the title is updated');
select is((select content_hash from ops.postings where external_id = 'c'), 'h2', 'c: the scraper''s content hash is stored');

-- ---------------------------------------------------------------------------
-- A late run of an older night: only moves first_seen back
-- ---------------------------------------------------------------------------
select is(pg_temp.counts(ops.upsert_postings((select older from j),
    '[{"external_id": "a", "title": "Old Title"}]')),
  '{"found": 1, "new": 0, "updated": 0, "unchanged": 1}', 'an older night''s sighting counts as unchanged');
select results_eq(
  $$select title, first_seen_date, last_seen_date, first_job_id, last_job_id from ops.postings where external_id = 'a'$$,
  $$select 'Senior Software Engineer (m/w/d)'::text, '2026-02-27'::date, '2026-03-02'::date, older, d2 from j$$,
  'an older night moves first_seen back and does not overwrite newer content');

-- after repost detection looked at them, an unchanged sighting leaves them alone; a new title flags it again
select ops.detect_reposts();
select ops.upsert_postings((select d2 from j), $$[
    {"external_id": "a", "title": "Senior Software Engineer (m/w/d)", "location": "Berlin, Germany",
     "department": "Engineering", "url": "https://acme.example/jobs/a", "raw": {"id": "a"}},
    {"external_id": "d", "title": "Senior Designer"}]$$);
select results_eq($$select external_id, repost_pending, repost_origin_pending from ops.postings where external_id in ('a', 'd') order by 1$$,
  $$values ('a'::text, false, false), ('d', true, true)$$, 'only a changed title makes a posting pending for repost detection again');

-- another source keeps its own namespace of external ids
select is(pg_temp.counts(ops.upsert_postings((select other from j), '[{"external_id": "a", "title": "Engineer"}]')),
  '{"found": 1, "new": 1, "updated": 0, "unchanged": 0}', 'the same external id at another source is a new posting');
select is(pg_temp.counts(ops.upsert_postings((select d2 from j), '[]')),
  '{"found": 0, "new": 0, "updated": 0, "unchanged": 0}', 'an empty batch counts nothing');
select is((ops.upsert_postings((select d2 from j), '[]') ->> 'run_date'), '2026-03-02', 'the result names the run date');

-- ---------------------------------------------------------------------------
-- The posting's facts: stored as sent, part of the content (a change is an update)
-- ---------------------------------------------------------------------------
select is(pg_temp.counts(ops.upsert_postings((select d2 from j), $$[
    {"external_id": "f", "title": "Full Record", "location": "Berlin, DE; Paris, FR",
     "locations": [{"name": "Berlin, DE", "city": "Berlin", "region": null, "country": "DE"},
                   {"name": "Paris, FR", "city": "Paris", "region": null, "country": "FR"}],
     "description": "Line one\n- item", "description_truncated": false, "workplace_type": "hybrid",
     "employment_type": "part_time", "salary_min": 40000, "salary_max": 55000.5, "salary_currency": "EUR",
     "salary_period": "year", "posted_at": "2026-02-20T08:00:00.000Z", "valid_through": "2026-04-01T00:00:00Z"}
  ]$$)),
  '{"found": 1, "new": 1, "updated": 0, "unchanged": 0}', 'a complete record is new');
select row_eq($$select jsonb_array_length(locations), location, description, workplace_type, employment_type,
                       salary_min, salary_max, salary_currency, salary_period, posted_at, valid_through
                  from ops.postings where external_id = 'f'$$,
  row(2, 'Berlin, DE; Paris, FR'::text, E'Line one\n- item'::text, 'hybrid'::text, 'part_time'::text,
      40000::numeric, 55000.5::numeric, 'EUR'::text, 'year'::text,
      '2026-02-20 08:00:00+00'::timestamptz, '2026-04-01 00:00:00+00'::timestamptz),
  'every field is stored as sent');
select is(pg_temp.counts(ops.upsert_postings((select d2 from j), $$[
    {"external_id": "f", "title": "Full Record", "location": "Berlin, DE; Paris, FR", "description": "Line one, changed"}
  ]$$)),
  '{"found": 1, "new": 0, "updated": 1, "unchanged": 0}', 'a changed description is an update (without a hash)');

-- a later night lists it unchanged: a sighting that writes no index (a HOT update) and keeps the description
create temporary table hot_before as
  select pg_stat_get_xact_tuples_updated('ops.postings'::regclass) as updated,
         pg_stat_get_xact_tuples_hot_updated('ops.postings'::regclass) as hot;
select is(pg_temp.counts(ops.upsert_postings(pg_temp.scrape_job('acme', '2026-03-03'), $$[
    {"external_id": "f", "title": "Full Record", "location": "Berlin, DE; Paris, FR", "description": "Line one, changed"}
  ]$$)),
  '{"found": 1, "new": 0, "updated": 0, "unchanged": 1}', 'the next night''s unchanged sighting is unchanged');
select is(
  (select (pg_stat_get_xact_tuples_updated('ops.postings'::regclass) - updated,
           pg_stat_get_xact_tuples_hot_updated('ops.postings'::regclass) - hot)::text from hot_before),
  '(1,1)', 'an unchanged sighting is one HOT update (no index entry written)');

-- ... also when every posting of a page is listed again the same night (postings inserted together fill
-- pages together): complete records as the scraper sends them, 60 of them on a night and the next
create temporary table dense as
  select jsonb_agg(jsonb_build_object(
           'external_id', 'dense-' || i, 'title', 'Senior Platform Engineer ' || i || ' (m/w/d)',
           'normalized_title', 'senior platform engineer ' || i, 'location', 'Frankfurt am Main',
           'locations', jsonb_build_array(jsonb_build_object('name', 'Frankfurt am Main', 'city', 'Frankfurt am Main',
                                                             'region', 'Hessen', 'country', 'DE')),
           'department', 'Platform Engineering', 'url', 'https://careers.acme.example/en/jobs/dense-' || i || '/apply',
           'description', repeat('we build and improve our systems with a friendly team ' || i || ' ', 30),
           'workplace_type', 'hybrid', 'employment_type', 'full_time', 'posted_at', '2026-02-20T08:00:00.000Z',
           'content_hash', encode(sha256(('dense-' || i)::bytea), 'hex'))) as batch
    from generate_series(1, 60) i;
select is(pg_temp.counts(ops.upsert_postings(pg_temp.scrape_job('acme', '2026-03-03'), (select batch from dense))),
  '{"found": 60, "new": 60, "updated": 0, "unchanged": 0}', '60 complete records are new');
truncate hot_before;
insert into hot_before select pg_stat_get_xact_tuples_updated('ops.postings'::regclass),
                              pg_stat_get_xact_tuples_hot_updated('ops.postings'::regclass);
select is(pg_temp.counts(ops.upsert_postings(pg_temp.scrape_job('acme', '2026-03-04'), (select batch from dense))),
  '{"found": 60, "new": 0, "updated": 0, "unchanged": 60}', 'the next night lists them unchanged');
select is(
  (select (pg_stat_get_xact_tuples_updated('ops.postings'::regclass) - updated,
           pg_stat_get_xact_tuples_hot_updated('ops.postings'::regclass) - hot)::text from hot_before),
  '(60,60)', 'every sighting of pages full of open postings is a HOT update (each page has room for a second copy)');
select is(
  (select string_agg(attname, ', ' order by attnum) from pg_attribute
    where attrelid = 'ops.postings'::regclass and attnum > 0 and not attisdropped and attstorage = 'x'),
  'description, raw',
  'only description and raw may go to TOAST: the short columns a sighting compares and the checks read stay in the row');
-- new postings go straight into the trigram trees: no GIN pending list that grows the index in steps of 4 MB
select is(
  (select string_agg(c.relname || ': ' || coalesce(array_to_string(c.reloptions, ','), 'fastupdate on'), '; ' order by c.relname)
     from pg_index i join pg_class c on c.oid = i.indexrelid join pg_am a on a.oid = c.relam
    where i.indrelid = 'ops.postings'::regclass and a.amname = 'gin'),
  'postings_normalized_location_trgm_idx: fastupdate=off; postings_normalized_title_trgm_idx: fastupdate=off',
  'the trigram indexes of postings have no pending list (fastupdate off)');

-- ---------------------------------------------------------------------------
-- Bad input: a clear error, nothing written
-- ---------------------------------------------------------------------------
-- the description limit counts characters, not bytes
select throws_ok(format('select ops.upsert_postings(%s, %L)', (select d2 from j),
    jsonb_build_array(jsonb_build_object('external_id', 'long', 'title', 'Long', 'description', repeat('a', 20001)))),
  '22023', 'postings[0]: description is longer than 20000 characters', 'a description of 20,001 characters is rejected');
select is(pg_temp.counts(ops.upsert_postings((select d2 from j),
    jsonb_build_array(jsonb_build_object('external_id', 'wide', 'title', 'Wide', 'description', repeat('ü', 20000))))),
  '{"found": 1, "new": 1, "updated": 0, "unchanged": 0}', 'a description of 20,000 two-byte characters (40,000 bytes) is stored');
select throws_ok($$select ops.upsert_postings((select d2 from j), '{"external_id": "x"}')$$,
  '22023', 'postings must be a JSON array', 'an object instead of an array is rejected');
select throws_ok($$select ops.upsert_postings((select d2 from j), '[{"external_id": "x", "title": "X"}, {"title": "Y"}]')$$,
  '22023', 'postings[1]: external_id is required (a non-empty string)', 'a posting without external_id is rejected');
select throws_ok($$select ops.upsert_postings((select d2 from j), '[{"external_id": "y", "title": " "}]')$$,
  '22023', 'postings[0]: title is required (a non-empty string)', 'a blank title is rejected');
select throws_ok($$select ops.upsert_postings((select d2 from j), '[{"external_id": "y", "title": "Y", "raw": [1]}]')$$,
  '22023', 'postings[0]: raw must be an object', 'raw must be an object');
select throws_ok($$select ops.upsert_postings((select d2 from j), '[{"external_id": "y", "title": "Y",
    "salary_min": 90000, "salary_max": 50000, "salary_currency": "EUR", "salary_period": "year"}]')$$,
  '22023', 'postings[0]: salary_min is greater than salary_max', 'a salary with min above max is rejected');
select throws_ok($$select ops.upsert_postings((select d2 from j), '[{"external_id": "y", "title": "Y",
    "salary_min": 1, "salary_currency": "EUR"}]')$$,
  '22023', 'postings[0]: a salary needs salary_currency, salary_period and at least one amount, or none of them',
  'half a salary is rejected (no period)');
select throws_ok($$select ops.upsert_postings((select d2 from j), '[{"external_id": "y", "title": "Y",
    "salary_min": 1, "salary_currency": "euro", "salary_period": "year"}]')$$,
  '22023', 'postings[0]: salary_currency must be an ISO 4217 code', 'a currency that is no ISO code is rejected');
select throws_ok($$select ops.upsert_postings((select d2 from j), '[{"external_id": "y", "title": "Y", "salary_min": -5,
    "salary_currency": "EUR", "salary_period": "year"}]')$$,
  '22023', 'postings[0]: salary_min and salary_max must be non-negative numbers', 'a negative salary is rejected');
select throws_ok($$select ops.upsert_postings((select d2 from j), '[{"external_id": "y", "title": "Y", "workplace_type": "moon"}]')$$,
  '22023', 'postings[0]: workplace_type must be onsite, hybrid or remote', 'an unknown workplace type is rejected');
select throws_ok($$select ops.upsert_postings((select d2 from j), '[{"external_id": "y", "title": "Y", "valid_through": "next week"}]')$$,
  '22023', 'postings[0]: posted_at and valid_through must be ISO 8601 timestamps with a time zone',
  'an unreadable expiry is rejected');
select throws_ok($$select ops.upsert_postings((select d2 from j), '[{"external_id": "y", "title": "Y", "locations": {"city": "Berlin"}}]')$$,
  '22023', 'postings[0]: locations must be an array', 'locations must be an array');
select is((select count(*)::int from ops.postings where external_id in ('x', 'y')), 0, 'a rejected batch writes nothing');
select throws_ok($$select ops.upsert_postings(-1, '[]')$$, 'P0002', 'job -1 does not exist', 'an unknown job is rejected');
insert into ops.jobs (type, status) values ('lifespan', 'running');
select throws_ok(format('select ops.upsert_postings(%s, ''[]'')', (select max(id) from ops.jobs)), '22023', null,
  'a job without source and run date is rejected');

select * from finish();
rollback;
