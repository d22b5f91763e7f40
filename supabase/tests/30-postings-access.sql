-- ===========================================================================
-- 30 postings, snapshots, scores and their inputs: shape, RLS, and what each
-- role may do (anon nothing, viewer/operator read, service_role writes
-- through the functions; nobody but service_role executes them)
-- ===========================================================================
begin;
set search_path = extensions, public;
select plan(47);

-- ---------------------------------------------------------------------------
-- Shape
-- ---------------------------------------------------------------------------
select has_table('ops', 'postings', 'ops.postings exists');
select has_table('ops', 'snapshots', 'ops.snapshots exists');
select has_table('ops', 'scores', 'ops.scores exists');
select has_table('ops', 'survey_responses', 'ops.survey_responses exists');
select has_table('ops', 'candidate_signals', 'ops.candidate_signals exists');
select has_view('ops', 'posting_lifespans_v', 'ops.posting_lifespans_v exists');
select col_is_unique('ops', 'postings', array['source_id', 'external_id'], 'a posting is unique by (source, external id)');
select col_is_unique('ops', 'snapshots', array['source_id', 'snapshot_date'], 'a snapshot is unique by (source, date)');
select col_is_unique('ops', 'scores', array['source_id', 'score_date'], 'a score is unique by (source, date)');
select is(
  (select array_agg(c.relname::text order by c.relname) from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'ops' and c.relkind = 'r' and c.relrowsecurity
      and c.relname in ('postings', 'snapshots', 'scores', 'survey_responses', 'candidate_signals')),
  array['candidate_signals', 'postings', 'scores', 'snapshots', 'survey_responses'],
  'row level security is on for every new table');
select is(
  (select count(*)::int from pg_index i join pg_class c on c.oid = i.indexrelid
     join pg_opclass oc on oc.oid = i.indclass[0] join pg_namespace n on n.oid = oc.opcnamespace
    where i.indrelid = 'ops.postings'::regclass and oc.opcname = 'gin_trgm_ops' and n.nspname = 'extensions'),
  2, 'normalized title and location have trigram GIN indexes (extensions.gin_trgm_ops)');
select is(
  (select count(*)::int from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where p.proname in ('upsert_postings', 'deactivate_missing_postings', 'take_snapshot', 'snapshot_postings', 'detect_reposts',
                        'compute_scores', 'normalize_text', 'posting_run')
      and n.nspname in ('ops', 'ops_private')
      and not coalesce(p.proconfig @> array['search_path=""'], false)),
  0, 'every function sets search_path = ''''');
select is(
  (select reloptions from pg_class where oid = 'ops.posting_lifespans_v'::regclass),
  array['security_invoker=true'], 'the lifespan view is security_invoker');

-- fixture
insert into ops.sources (key, display_name, adapter) values ('acme', 'Acme', 'lever');
insert into ops.jobs (type, status, source_id, run_date)
  select 'scrape', 'running', id, '2026-03-01' from ops.sources where key = 'acme';
insert into ops.scrape_runs (job_id, source_id, run_date)
  select j.id, j.source_id, j.run_date from ops.jobs j join ops.sources s on s.id = j.source_id where s.key = 'acme';
select ops.upsert_postings((select max(id) from ops.jobs), '[{"external_id": "1", "title": "Engineer"}]');
select ops.take_snapshot((select id from ops.sources where key = 'acme'), '2026-03-01');
select ops.compute_scores('2026-03-01');
create temporary table job as select max(id) as id from ops.jobs;
grant select on job to public;
create temporary table src as select id from ops.sources where key = 'acme';
grant select on src to public;

-- ---------------------------------------------------------------------------
-- anon: nothing
-- ---------------------------------------------------------------------------
select tests.as_anon();
select throws_ok($$select * from ops.postings$$, '42501', null, 'anon cannot read postings');
select throws_ok($$select * from ops.snapshots$$, '42501', null, 'anon cannot read snapshots');
select throws_ok($$select * from ops.scores$$, '42501', null, 'anon cannot read scores');
select throws_ok($$select * from ops.posting_lifespans_v$$, '42501', null, 'anon cannot read lifespans');
select throws_ok($$select * from ops.survey_responses$$, '42501', null, 'anon cannot read survey responses');
select throws_ok($$select ops.upsert_postings(1, '[]')$$, '42501', null, 'anon cannot upsert postings');
select throws_ok($$select * from ops.snapshot_postings(1, '2026-03-01')$$, '42501', null, 'anon cannot list snapshot postings');

-- ---------------------------------------------------------------------------
-- signed in without an ops role: sees no rows
-- ---------------------------------------------------------------------------
select tests.as_user();
select is((select count(*)::int from ops.postings) + (select count(*)::int from ops.snapshots)
          + (select count(*)::int from ops.scores) + (select count(*)::int from ops.posting_lifespans_v),
  0, 'a user without ops role sees no postings, snapshots, scores or lifespans');
select is((select count(*)::int from ops.snapshot_postings((select id from src), '2026-03-01')), 0,
  'a user without ops role gets an empty snapshot list (RLS of postings applies)');

-- ---------------------------------------------------------------------------
-- viewer: reads everything, executes no write function, writes no table
-- ---------------------------------------------------------------------------
select tests.as_viewer();
select is((select count(*)::int from ops.postings), 1, 'a viewer reads postings');
select is((select count(*)::int from ops.snapshots), 1, 'a viewer reads snapshots');
select is((select count(*)::int from ops.snapshot_postings((select id from src), '2026-03-01')), 1,
  'a viewer reads the postings open on a snapshot date');
select is((select count(*)::int from ops.scores), 1, 'a viewer reads scores');
select is((select count(*)::int from ops.posting_lifespans_v), 1, 'a viewer reads lifespans');
select is((select count(*)::int from ops.survey_responses) + (select count(*)::int from ops.candidate_signals), 0,
  'a viewer reads the (empty) score inputs');
select throws_ok($$select ops.upsert_postings((select id from job), '[]')$$, '42501', null, 'a viewer cannot upsert postings');
select throws_ok($$select ops.deactivate_missing_postings((select id from job))$$, '42501', null, 'a viewer cannot deactivate postings');
select throws_ok($$select ops.take_snapshot(null, '2026-03-01')$$, '42501', null, 'a viewer cannot take snapshots');
select throws_ok($$select ops.detect_reposts()$$, '42501', null, 'a viewer cannot detect reposts');
select throws_ok($$select ops.compute_scores('2026-03-01')$$, '42501', null, 'a viewer cannot compute scores');
select throws_ok($$update ops.postings set active = false$$, '42501', null, 'a viewer cannot update postings');
select throws_ok($$insert into ops.survey_responses (source_id, response_date, rating) select id, '2026-03-01', 5 from ops.sources$$,
  '42501', null, 'a viewer cannot insert survey responses');

-- ---------------------------------------------------------------------------
-- operator: reads; the pipeline functions are the workers' job
-- ---------------------------------------------------------------------------
select tests.as_operator();
select is((select count(*)::int from ops.postings), 1, 'an operator reads postings');
select is((select count(*)::int from ops.scores), 1, 'an operator reads scores');
select throws_ok($$select ops.upsert_postings((select id from job), '[]')$$, '42501', null, 'an operator cannot upsert postings');
select throws_ok($$select ops.compute_scores('2026-03-01')$$, '42501', null, 'an operator cannot compute scores');
select throws_ok($$delete from ops.postings$$, '42501', null, 'an operator cannot delete postings');

-- ---------------------------------------------------------------------------
-- service_role: writes through the functions, not the tables
-- ---------------------------------------------------------------------------
select tests.as_service();
select is(ops.upsert_postings((select id from job), '[{"external_id": "2", "title": "Designer"}]') ->> 'new', '1',
  'service_role upserts postings');
select lives_ok($$select ops.deactivate_missing_postings((select id from job))$$, 'service_role calls deactivate');
select lives_ok($$select ops.take_snapshot(null, '2026-03-01')$$, 'service_role takes snapshots');
select lives_ok($$select ops.detect_reposts()$$, 'service_role detects reposts');
select lives_ok($$select ops.compute_scores('2026-03-01')$$, 'service_role computes scores');
select throws_ok($$insert into ops.postings (source_id, external_id, title, normalized_title, content_hash, first_seen_date, last_seen_date)
  select id, 'x', 'x', 'x', 'x', '2026-03-01', '2026-03-01' from ops.sources$$,
  '42501', null, 'service_role does not write the postings table directly');
select lives_ok($$insert into ops.survey_responses (source_id, response_date, rating) select id, '2026-03-01', 4 from ops.sources$$,
  'service_role loads survey responses');

select * from finish();
rollback;
