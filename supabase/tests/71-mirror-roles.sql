-- ===========================================================================
-- 71 mirror roles: who reads and writes ops.mirror_runs, and what the BI
-- export role looker_export_ro can reach (the Looker view, nothing else).
-- ===========================================================================
begin;
set search_path = extensions, public;
select plan(30);

delete from ops.mirror_runs;
set local ops.now = '2030-03-12 06:45:00+00';
select ops.mirror_export_finish((select id from ops.mirror_export_start('local', 3, 'schedule')), 'completed', 2, 2, null);

-- an active and a paused source with one finished run each on 2030-03-11
insert into ops.sources (key, display_name, adapter, active, created_at) values
  ('bi-active', 'BI active', 'greenhouse', true, '2030-03-11 01:00+00'),
  ('bi-paused', 'BI paused', 'greenhouse', false, '2030-03-11 01:00+00');
insert into ops.jobs (type, status, source_id, run_date, created_at, started_at, finished_at)
select 'scrape', 'completed', s.id, '2030-03-11', '2030-03-11 01:00+00', '2030-03-11 01:00+00', '2030-03-11 01:01+00'
  from ops.sources s where s.key in ('bi-active', 'bi-paused');
insert into ops.scrape_runs (job_id, source_id, run_date, status, items_found, requests, execution_time_sec, started_at, finished_at)
select j.id, j.source_id, j.run_date, 'completed', 12, 20, 60, j.started_at, j.finished_at
  from ops.jobs j join ops.sources s on s.id = j.source_id where s.key in ('bi-active', 'bi-paused');
insert into ops.logs (job_id, source_id, level, message)
select j.id, j.source_id, 'INFO', 'secret-ish log line'
  from ops.jobs j join ops.sources s on s.id = j.source_id where s.key = 'bi-active';

-- ---------------------------------------------------------------------------
-- ops.mirror_runs: viewer reads, nobody writes directly
-- ---------------------------------------------------------------------------
select tests.as_viewer();
select is((select count(*)::int from ops.mirror_runs), 1, 'a viewer reads the export records');
select is((select count(*)::int from ops.mirror_freshness_v), 1, 'a viewer reads the freshness view');
select throws_ok($$insert into ops.mirror_runs (target, date_from, date_to) values ('local', '2030-03-12', '2030-03-12')$$,
  '42501', null, 'a viewer cannot insert export records');
select throws_ok($$update ops.mirror_runs set status = 'failed', error = 'x'$$, '42501', null,
  'a viewer cannot update export records');
select throws_ok($$delete from ops.mirror_runs$$, '42501', null, 'a viewer cannot delete export records');

select tests.as_operator();
select throws_ok($$update ops.mirror_runs set error = 'x'$$, '42501', null, 'an operator cannot update export records');

select tests.as_user();
select is((select count(*)::int from ops.mirror_runs), 0, 'a signed-in user without an ops role sees no export records');

select tests.as_anon();
select throws_ok($$select count(*) from ops.mirror_runs$$, '42501', null, 'anon cannot read export records');
select throws_ok($$select count(*) from ops.mirror_freshness_v$$, '42501', null, 'anon cannot read freshness');

select tests.as_service();
select is((select count(*)::int from ops.mirror_runs), 1, 'service_role reads the export records');
select throws_ok($$insert into ops.mirror_runs (target, date_from, date_to) values ('local', '2030-03-12', '2030-03-12')$$,
  '42501', null, 'service_role writes through the functions only, not by INSERT');
select isnt((select id from ops.mirror_export_start('local', 3, 'api')), null,
  'service_role records an export through ops.mirror_export_start');
select tests.as_superuser();

-- ---------------------------------------------------------------------------
-- looker_export_ro: the Looker view and nothing else
-- ---------------------------------------------------------------------------
select is((select rolcanlogin from pg_roles where rolname = 'looker_export_ro'), false,
  'the BI role cannot log in until an operator gives it a password');
select ok((select rolconfig @> array['default_transaction_read_only=on'] from pg_roles where rolname = 'looker_export_ro'),
  'the BI role''s sessions are read-only');

-- pgTAP lives in `extensions`, which the BI role cannot use: run each statement
-- as the BI role inside this helper and assert on what it returns as superuser.
create function pg_temp.as_bi(p_sql text) returns text
language plpgsql
as $$
declare
  v_result text;
begin
  perform tests.as_bi_reader();
  begin
    execute p_sql into v_result;
    v_result := coalesce(v_result, 'ok');
  exception when others then
    v_result := 'ERROR ' || sqlstate;
  end;
  perform tests.as_superuser();
  return v_result;
end
$$;

select is(
  pg_temp.as_bi($q$select string_agg(company_key || ' ' || run_date || ' ' || final_status, ', ' order by company_key, run_date)
                   from reporting.daily_summary_looker_v where company_key like 'bi-%'$q$),
  'bi-active 2030-03-11 success, bi-active 2030-03-12 no_data',
  'the BI role reads the Looker view: active sources only, no_data today included');
select is(pg_temp.as_bi('select count(*) from ops.logs'), 'ERROR 42501', 'the BI role cannot read logs');
select is(pg_temp.as_bi('select count(*) from ops.jobs'), 'ERROR 42501', 'the BI role cannot read jobs');
select is(pg_temp.as_bi('select count(*) from ops.sources'), 'ERROR 42501',
  'the BI role cannot read sources directly (only through the view)');
select is(pg_temp.as_bi('select count(*) from ops.daily_source_stats'), 'ERROR 42501',
  'the BI role cannot read the rollup directly');
select is(pg_temp.as_bi('select count(*) from ops.mirror_runs'), 'ERROR 42501', 'the BI role cannot read export records');
select is(pg_temp.as_bi('select count(*) from ops.daily_summary_v'), 'ERROR 42501',
  'the BI role cannot read the ops summary view');
select matches(pg_temp.as_bi($q$insert into reporting.daily_summary_looker_v (company_key, run_date) values ('x', '2030-03-12')$q$),
  '^ERROR (42501|55000)$', 'the BI role cannot write through the Looker view');
select is(pg_temp.as_bi('update ops.sources set active = false'), 'ERROR 42501',
  'the BI role cannot update the sources it reads through the view');
select is(pg_temp.as_bi('create table reporting.bi_scratch (id int)'), 'ERROR 42501',
  'the BI role cannot create tables in reporting');
select is(pg_temp.as_bi('create table public.bi_scratch (id int)'), 'ERROR 42501',
  'the BI role cannot create tables in public');
select is(pg_temp.as_bi('delete from cron.job_run_details'), 'ERROR 42501', 'the BI role cannot reach pg_cron''s tables');
select is(pg_temp.as_bi($q$select ops.mirror_export_start('local', 3)$q$), 'ERROR 42501',
  'the BI role cannot record exports');

select is(
  (select array_agg(n.nspname::text order by n.nspname)
     from pg_namespace n
    where has_schema_privilege('looker_export_ro', n.oid, 'USAGE')
      and n.nspname not in ('pg_catalog', 'information_schema', 'tests')
      and n.nspname not like 'pg\_temp\_%' and n.nspname not like 'pg\_toast\_temp\_%'),
  array['public', 'reporting'], 'the BI role can use schemas public (empty) and reporting only');
select is(
  (select count(*)::int
     from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname in ('public', 'reporting')
      and has_table_privilege('looker_export_ro', c.oid, 'INSERT,UPDATE,DELETE,TRUNCATE,REFERENCES,TRIGGER')),
  0, 'no write privilege on anything in the schemas it can use');
select is(
  (select array_agg(n.nspname || '.' || c.relname order by c.relname)
     from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname in ('public', 'reporting') and has_table_privilege('looker_export_ro', c.oid, 'SELECT')),
  array['reporting.daily_summary_looker_v'], 'the only relation it can name and read is the Looker view');

select * from finish();
rollback;
