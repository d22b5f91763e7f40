-- ===========================================================================
-- 09 the hosted role model: migrations and tests run as `postgres`, which is
-- not a superuser (as on hosted Supabase: NOSUPERUSER CREATEDB CREATEROLE
-- BYPASSRLS, member of anon, authenticated and service_role) and owns the
-- project's schemas; the platform's bootstrap superuser made the extensions.
-- ===========================================================================
begin;
set search_path = extensions, public;
select plan(8);

select is(current_user::text, 'postgres', 'the tests run as postgres');
select is((select rolsuper from pg_roles where rolname = 'postgres'), false, 'postgres is not a superuser');
select ok((select rolcreaterole and rolcreatedb and rolbypassrls and rolcanlogin from pg_roles where rolname = 'postgres'),
  'postgres has CREATEROLE, CREATEDB, BYPASSRLS and LOGIN');
select ok(pg_has_role('postgres', 'anon', 'member') and pg_has_role('postgres', 'authenticated', 'member')
  and pg_has_role('postgres', 'service_role', 'member'), 'postgres is a member of anon, authenticated and service_role');
select is(
  (select array_agg(nspname::text order by nspname) from pg_namespace
    where nspname in ('ops', 'ops_private', 'reporting') and nspowner = 'postgres'::regrole),
  array['ops', 'ops_private', 'reporting'], 'postgres owns the project''s schemas');
select is((select pg_get_userbyid(datdba)::text from pg_database where datname = current_database()), 'postgres',
  'postgres owns the database');
select is((select extnamespace::regnamespace::text from pg_extension where extname = 'pg_cron'), 'pg_catalog',
  'pg_cron lives in pg_catalog, as on hosted Supabase');
select throws_ok($$create extension file_fdw$$, '42501', null,
  'what needs a superuser (an untrusted extension the platform did not install) fails here first');

select * from finish();
rollback;
