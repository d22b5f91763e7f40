-- ===========================================================================
-- Local platform bootstrap. Applied before migrations, ONLY on the local
-- cluster, as the bootstrap superuser (supabase_admin): on hosted Supabase (or
-- a Docker `supabase start`) all of this exists. Migrations then run as the
-- project's `postgres` role, which, as on hosted Supabase, is not a superuser:
-- a migration that would need one fails here first.
-- It recreates the parts of Supabase's platform that migrations rely on:
-- the API roles, auth.uid()/auth.role()/auth.jwt(), and the extensions schema.
-- Idempotent: safe to run before every reset.
-- ===========================================================================

-- ---------------------------------------------------------------------------
-- Roles
-- ---------------------------------------------------------------------------
do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'anon') then
    create role anon nologin noinherit;
  end if;
  if not exists (select 1 from pg_roles where rolname = 'authenticated') then
    create role authenticated nologin noinherit;
  end if;
  if not exists (select 1 from pg_roles where rolname = 'service_role') then
    create role service_role nologin noinherit bypassrls;
  end if;
  if not exists (select 1 from pg_roles where rolname = 'authenticator') then
    create role authenticator login noinherit password 'postgres';
  end if;
  if not exists (select 1 from pg_roles where rolname = 'supabase_admin') then
    create role supabase_admin login superuser createdb createrole replication bypassrls password 'postgres';
  end if;
  if not exists (select 1 from pg_roles where rolname = 'dashboard_user') then
    create role dashboard_user nologin createdb createrole replication;
  end if;
end
$$;

grant anon, authenticated, service_role to authenticator;
grant anon, authenticated, service_role to postgres;

-- ---------------------------------------------------------------------------
-- Schemas
-- ---------------------------------------------------------------------------
create schema if not exists extensions;
grant usage on schema extensions to anon, authenticated, service_role;

create schema if not exists auth;
grant usage on schema auth to anon, authenticated, service_role;

-- Hosted Supabase keeps public open to the API roles; so do we.
grant usage on schema public to anon, authenticated, service_role;

-- ---------------------------------------------------------------------------
-- auth helpers: the same contract as Supabase's (claims from request.jwt.claims)
-- ---------------------------------------------------------------------------
create or replace function auth.jwt() returns jsonb language sql stable set search_path = '' as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim', true), ''),
    nullif(current_setting('request.jwt.claims', true), '')
  )::jsonb
$$;

create or replace function auth.uid() returns uuid language sql stable set search_path = '' as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.sub', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
  )::uuid
$$;

create or replace function auth.role() returns text language sql stable set search_path = '' as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.role', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
  )::text
$$;

grant execute on function auth.jwt(), auth.uid(), auth.role() to anon, authenticated, service_role;

-- ---------------------------------------------------------------------------
-- Extensions Supabase pre-installs into the extensions schema
-- ---------------------------------------------------------------------------
create extension if not exists pgcrypto with schema extensions;
create extension if not exists "uuid-ossp" with schema extensions;

-- ---------------------------------------------------------------------------
-- What the platform installs for the project (hosted: through supautils'
-- allow-list, supabase/postgres ansible/files/postgresql_config/conf.d/
-- supautils.conf). pg_cron lives in pg_catalog as on hosted Supabase, and
-- `postgres` may schedule and manage its own jobs. pgtap and dblink serve the
-- local pgTAP tests only.
-- ---------------------------------------------------------------------------
create extension if not exists pg_cron with schema pg_catalog;
-- No pg_net locally: ops.dispatch sends pg_notify, which the functions server turns into HTTP calls.
alter database postgres set ops.dispatch_via = 'notify';
grant usage on schema cron to postgres;
grant all privileges on all tables in schema cron to postgres;
grant all privileges on all sequences in schema cron to postgres;
grant execute on all functions in schema cron to postgres;
grant usage, create on schema extensions to postgres with grant option;
create extension if not exists pg_trgm with schema extensions;
create extension if not exists pgtap with schema extensions;
create extension if not exists dblink with schema extensions;
create extension if not exists plpgsql_check with schema extensions;
