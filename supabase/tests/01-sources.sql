-- ===========================================================================
-- 01 sources and settings: shape, checks, and what each role may do
-- ===========================================================================
begin;
set search_path = extensions, public;
select plan(24);

-- ---------------------------------------------------------------------------
-- Shape
-- ---------------------------------------------------------------------------
select has_table('ops', 'sources', 'ops.sources exists');
select col_is_unique('ops', 'sources', 'key', 'a source key is unique');
select col_default_is('ops', 'sources', 'breaker_threshold', '5', 'breaker threshold defaults to 5');
select col_default_is('ops', 'sources', 'breaker_cooldown_seconds', '300', 'breaker cooldown defaults to 300 s');
select is(
  (select count(*)::int from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'ops' and c.relkind = 'r' and not c.relrowsecurity),
  0, 'every table in ops has row level security');

insert into ops.sources (key, display_name, adapter) values ('acme', 'Acme GmbH', 'greenhouse');

select throws_ok(
  $$insert into ops.sources (key, display_name, adapter) values ('Bad Key!', 'x', 'greenhouse')$$,
  '23514', null, 'a key with spaces or capitals is rejected');
select throws_ok(
  $$insert into ops.sources (key, display_name, adapter, rate_limit_seconds) values ('neg', 'x', 'lever', -1)$$,
  '23514', null, 'a negative rate limit is rejected');
select throws_ok(
  $$insert into ops.sources (key, display_name, adapter, adapter_config) values ('arr', 'x', 'lever', '[]')$$,
  '23514', null, 'adapter config must be a JSON object');
select is((select value::text from ops.settings where key = 'log_retention_days'), '90',
  'log retention defaults to 90 days');

-- ---------------------------------------------------------------------------
-- anon: nothing
-- ---------------------------------------------------------------------------
select tests.as_anon();
select throws_ok($$select * from ops.sources$$, '42501', null, 'anon cannot read sources');
select throws_ok($$select * from ops.settings$$, '42501', null, 'anon cannot read settings');

-- ---------------------------------------------------------------------------
-- signed in without an ops role: sees no rows
-- ---------------------------------------------------------------------------
select tests.as_user();
select is((select count(*)::int from ops.sources), 0, 'a user without ops role sees no sources');

-- ---------------------------------------------------------------------------
-- viewer: reads, cannot write
-- ---------------------------------------------------------------------------
select tests.as_viewer();
select is((select key from ops.sources), 'acme', 'a viewer reads sources');
select is_empty($$update ops.sources set active = false returning key$$, 'a viewer''s update of sources changes no row (RLS)');
select throws_ok($$insert into ops.sources (key, display_name, adapter) values ('v', 'v', 'lever')$$,
  '42501', null, 'a viewer cannot insert sources');

-- ---------------------------------------------------------------------------
-- operator: reads; writes only through control functions, not the table
-- ---------------------------------------------------------------------------
select tests.as_operator();
select is((select count(*)::int from ops.sources), 1, 'an operator reads sources');
select throws_ok($$delete from ops.sources$$, '42501', null, 'an operator cannot delete sources directly');

-- ---------------------------------------------------------------------------
-- service_role: workers read and write
-- ---------------------------------------------------------------------------
select tests.as_service();
select lives_ok($$update ops.sources set rate_limit_seconds = 2 where key = 'acme'$$, 'service_role updates sources');
select is((select rate_limit_seconds from ops.sources where key = 'acme'), 2.000::numeric,
  'the update is visible');
select lives_ok($$insert into ops.sources (key, display_name, adapter) values ('svc', 'Svc', 'lever')$$,
  'service_role inserts sources');
select tests.as_superuser();

-- ---------------------------------------------------------------------------
-- Every rule on ops.sources is listed in the header of its migration
-- (20261122000300_sources.sql): these lists fail when one is added elsewhere
-- ---------------------------------------------------------------------------
select is((select array_agg(tgname::text order by tgname) from pg_trigger
            where tgrelid = 'ops.sources'::regclass and not tgisinternal),
  array['sources_audit', 'sources_breaker_closed', 'sources_drop_thresholds_changed', 'sources_skip_pending_when_paused'],
  'the triggers on ops.sources are the listed ones');
select is((select array_agg(policyname::text order by policyname) from pg_policies
            where schemaname = 'ops' and tablename = 'sources'),
  array['sources_operator_update', 'sources_read', 'sources_read_bi'],
  'the policies on ops.sources are the listed ones');
select is((select array_agg(column_name::text order by column_name) from information_schema.column_privileges
            where table_schema = 'ops' and table_name = 'sources' and grantee = 'authenticated'
              and privilege_type = 'UPDATE'),
  array['active', 'breaker_opened_at', 'breaker_state', 'consecutive_errors', 'max_retries', 'owner', 'rate_limit_seconds',
        'request_timeout_seconds', 'tags', 'updated_at'],
  'operators may update exactly the listed columns (in Studio too; audited)');
select is((select array_agg(column_name::text order by column_name) from information_schema.column_privileges
            where table_schema = 'ops' and table_name = 'sources' and grantee = 'looker_export_ro'),
  array['active', 'created_at', 'id', 'key'], 'the BI role reads exactly the listed columns');

select * from finish();
rollback;
