-- ===========================================================================
-- 28 who may read the monitoring views, and the BI reader looker_export_ro:
-- it reads reporting.daily_summary_looker_v and nothing else.
-- ===========================================================================
begin;
set search_path = extensions, public;
select plan(111);

set local ops.now = '2026-11-22 08:30:00+01';

create temp table monitoring_views (name text primary key);
insert into monitoring_views values
  ('daily_status_v'), ('daily_summary_v'), ('silent_failures_v'), ('error_trend_hourly_v'), ('error_trend_daily_v'),
  ('error_category_summary_v'), ('top_errors_v'), ('slo_status_v'), ('source_comparison_v'),
  ('pipeline_stats_v'), ('pipeline_daily_v'), ('job_type_stats_v'), ('portal_status_v'),
  ('mirror_freshness_v'), ('alerts_v'), ('posting_lifespans_v'), ('scrape_last_24h_v'), ('data_quality_v');
grant select on monitoring_views to public;

select is((select count(*)::int from pg_views where schemaname = 'ops'), (select count(*)::int from monitoring_views),
  'the list covers every view in ops');

insert into ops.sources (key, display_name, adapter, created_at) values ('acme', 'Acme', 'lever', '2026-11-21 00:00+01');
insert into ops.sources (key, display_name, adapter, created_at, active, adapter_config)
  values ('hidden', 'Hidden', 'lever', '2026-11-21 00:00+01', false, '{"token": "secret"}');
insert into ops.jobs (type, status, source_id, run_date, started_at, finished_at)
select 'scrape', 'completed', id, '2026-11-22', '2026-11-22 02:00+01', '2026-11-22 02:01+01' from ops.sources
 where key in ('acme', 'hidden');
insert into ops.scrape_runs (job_id, source_id, run_date, status, items_found, requests, finished_at)
select j.id, j.source_id, j.run_date, j.status, 10, 10, j.finished_at
  from ops.jobs j join ops.sources s on s.id = j.source_id where s.key in ('acme', 'hidden');
insert into ops.logs (job_id, source_id, level, message)
select j.id, j.source_id, 'INFO', 'hello' from ops.jobs j join ops.sources s on s.id = j.source_id
 where s.key in ('acme', 'hidden');

-- ---------------------------------------------------------------------------
-- anon: nothing
-- ---------------------------------------------------------------------------
select tests.as_anon();
select throws_ok(format('select * from ops.%I', name), '42501', null, format('anon cannot read ops.%s', name))
  from monitoring_views order by name;
select throws_ok($$select * from reporting.daily_summary_looker_v$$, '42501', null, 'anon cannot read the Looker view');

-- ---------------------------------------------------------------------------
-- viewer, operator, service_role: every view
-- ---------------------------------------------------------------------------
select tests.as_viewer();
select lives_ok(format('select * from ops.%I', name), format('a viewer reads ops.%s', name))
  from monitoring_views order by name;
select is((select count(*)::int from reporting.daily_summary_looker_v), 2, 'a viewer reads the Looker view (acme, 2 days)');

select tests.as_operator();
select lives_ok(format('select * from ops.%I', name), format('an operator reads ops.%s', name))
  from monitoring_views order by name;

select tests.as_service();
select lives_ok(format('select * from ops.%I', name), format('service_role reads ops.%s', name))
  from monitoring_views order by name;
select is((select count(*)::int from reporting.daily_summary_looker_v), 2, 'service_role reads the Looker view');
select throws_ok($$insert into ops.daily_source_stats (source_id, run_date, runs_total, best_job_id, best_status,
    jobs_processed_best, items_new_best, items_rejected_best, execution_time_sec_best, requests_sum, http_failures_sum,
    blocked_403_sum, blocked_429_sum, timeouts_sum, captchas_sum) values (1, '2026-01-01', 1, 1, 'completed', 1, 1, 1, 1, 1, 1, 1, 1, 1, 1)$$,
  '42501', null, 'service_role cannot write the rollup directly (only the trigger does)');

-- a signed-in user without an ops role sees no rows
select tests.as_user();
select is((select count(*)::int from ops.daily_summary_v), 0, 'a user without ops role sees no daily summary');
select is((select count(*)::int from reporting.daily_summary_looker_v), 0, 'a user without ops role sees no Looker rows');
select is((select count(*)::int from ops.alerts_v where source_id is not null), 0,
  'a user without ops role sees no source alerts (only what the clock alone says, e.g. a stale mirror)');

-- ---------------------------------------------------------------------------
-- The BI reader
-- ---------------------------------------------------------------------------
select tests.as_superuser();
select is((select rolcanlogin from pg_roles where rolname = 'looker_export_ro'), false,
  'looker_export_ro is NOLOGIN until an operator enables it');
-- (whether a password is set lives in pg_authid, which only a superuser reads: the
-- tester is the hosted-like postgres role, so NOLOGIN above is what it can check)
select ok((select 'default_transaction_read_only=on' = any (rolconfig) from pg_roles where rolname = 'looker_export_ro'),
  'its sessions are read-only by default');
select is(
  (select count(*)::int from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where c.relkind in ('r', 'v', 'm', 'p', 'f')
      and n.nspname not like 'pg_temp%'
      -- PUBLIC grants of the platform: pg_settings (that is SET), and pg_cron's
      -- job_run_details (RLS: only the rows of one's own cron jobs; this role has none)
      and (n.nspname, c.relname) not in (('pg_catalog', 'pg_settings'), ('cron', 'job_run_details'))
      and has_table_privilege('looker_export_ro', c.oid, 'INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER')),
  0, 'the BI reader holds no write privilege on any table or view of the project');
select is(
  (select array_agg(n.nspname || '.' || c.relname) from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where c.relkind in ('r', 'v', 'm', 'p', 'f')
      and n.nspname not in ('pg_catalog', 'information_schema')
      and n.nspname not like 'pg_temp%'
      and has_schema_privilege('looker_export_ro', n.oid, 'USAGE')
      and (has_table_privilege('looker_export_ro', c.oid, 'SELECT') or has_any_column_privilege('looker_export_ro', c.oid, 'SELECT'))),
  array['reporting.daily_summary_looker_v'], 'the only relation the BI reader can name and read is the Looker view');
select ok((select not rolsuper and not rolcreaterole and not rolcreatedb and not rolbypassrls from pg_roles where rolname = 'looker_export_ro'),
  'no superuser, createrole, createdb or bypassrls');

-- pgTAP's own functions live in `extensions`; the BI role may use them for the
-- length of this (rolled back) test only
grant usage on schema extensions to looker_export_ro;

select tests.as_bi_reader();
select results_eq(
  $$select company_key, run_date, final_status, is_success, is_problem, jobs_processed_best
      from reporting.daily_summary_looker_v order by run_date$$,
  $$values ('acme', '2026-11-21'::date, 'no_data', 0, 1, null::int), ('acme', '2026-11-22', 'success', 1, 0, 10)$$,
  'the BI reader reads the Looker view (active sources only, no_data days included)');
select throws_ok($$select * from ops.logs$$, '42501', null, 'the BI reader cannot read logs');
select throws_ok($$select * from ops.sources$$, '42501', null, 'the BI reader cannot read sources directly');
select throws_ok($$select * from ops.daily_source_stats$$, '42501', null, 'the BI reader cannot read the rollup directly');
select throws_ok(format('select * from ops.%I', name), '42501', null, format('the BI reader cannot read ops.%s', name))
  from monitoring_views order by name;
select throws_ok($$select * from ops.job_tree(1)$$, '42501', null, 'the BI reader cannot call ops functions');
select throws_ok($$select ops_private.is_viewer()$$, '42501', null, 'the BI reader cannot call ops_private functions');
select throws_ok($$create table reporting.x (id int)$$, '42501', null, 'the BI reader cannot create tables in reporting');
select throws_ok($$create table public.x (id int)$$, '42501', null, 'the BI reader cannot create tables in public');

select * from finish();
rollback;
