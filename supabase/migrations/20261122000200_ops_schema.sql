-- ===========================================================================
-- Schemas and the role model.
--
--   ops          tables and views of the product; not exposed by PostgREST
--                (config.toml [api] schemas), reached through edge functions
--                and Studio; every table under RLS.
--   ops_private  helper functions that policies and write functions use;
--                no API role may call into it directly unless granted.
--
-- Who is who:
--   service_role                      workers (edge functions running jobs)
--   authenticated + ops_role=viewer   reads everything operational
--   authenticated + ops_role=operator reads, and takes control actions
--   anon                              nothing
-- The ops role is a claim in the JWT's app_metadata (set by an admin through
-- Supabase Auth, never by the user): {"app_metadata": {"ops_role": "operator"}}.
-- ===========================================================================

create schema if not exists ops;
create schema if not exists ops_private;

-- ---------------------------------------------------------------------------
-- Privileges: nothing by default, granted explicitly per object
-- ---------------------------------------------------------------------------
revoke all on schema ops, ops_private from public;
grant usage on schema ops to authenticated, service_role;
grant usage on schema ops_private to authenticated, service_role;

alter default privileges in schema ops revoke all on tables from public;
alter default privileges in schema ops revoke execute on functions from public;
alter default privileges in schema ops_private revoke execute on functions from public;

-- ---------------------------------------------------------------------------
-- The one clock: every function, view and column default of the project reads
-- the time from ops_private.now(), which is now() unless the GUC `ops.now`
-- holds a timestamp. Tests freeze the whole system with
-- `set local ops.now = '2026-11-22 02:00+00'`; production never sets it. (The
-- transaction start time, exactly like now(): all rows of one call share one
-- timestamp.) supabase/tests/02-one-clock.sql fails when a function or view
-- calls now() itself.
-- ---------------------------------------------------------------------------
create or replace function ops_private.now()
returns timestamptz language sql stable set search_path = '' as $$
  select coalesce(nullif(pg_catalog.current_setting('ops.now', true), '')::timestamptz, pg_catalog.now())
$$;

comment on function ops_private.now() is
  'now(), unless the GUC ops.now holds a timestamp: the one clock (tests freeze it with set local ops.now = ...).';

revoke all on function ops_private.now() from public;
grant execute on function ops_private.now() to authenticated, service_role;

-- ---------------------------------------------------------------------------
-- ops_private.ops_role(): the caller's ops role, or null
-- ---------------------------------------------------------------------------
create or replace function ops_private.ops_role()
returns text language sql stable set search_path = '' as $$
  select case
    when auth.role() = 'service_role' then 'service'
    when auth.role() = 'authenticated'
      and auth.jwt() -> 'app_metadata' ->> 'ops_role' in ('viewer', 'operator')
      then auth.jwt() -> 'app_metadata' ->> 'ops_role'
    else null
  end
$$;

comment on function ops_private.ops_role() is
  'The caller''s ops role: service (service_role key), operator or viewer (app_metadata.ops_role claim), else null.';

create or replace function ops_private.is_viewer()
returns boolean language sql stable set search_path = '' as $$
  select coalesce(ops_private.ops_role() in ('viewer', 'operator', 'service'), false)
$$;

create or replace function ops_private.is_operator()
returns boolean language sql stable set search_path = '' as $$
  select coalesce(ops_private.ops_role() in ('operator', 'service'), false)
$$;

revoke all on function ops_private.ops_role(), ops_private.is_viewer(), ops_private.is_operator() from public;
grant execute on function ops_private.ops_role(), ops_private.is_viewer(), ops_private.is_operator()
  to authenticated, service_role;

-- ---------------------------------------------------------------------------
-- The access rule of most ops tables, in one place: row level security on; no
-- API role writes them (writes go through SECURITY DEFINER functions); the
-- service role and signed-in viewers (operators included) read, through a
-- policy named <table>_read. Each table's migration calls it right after the
-- table; a table with other rules (ops.sources, ops.settings, ...) states them
-- there instead.
-- ---------------------------------------------------------------------------
create or replace procedure ops_private.viewers_read(variadic p_tables regclass[])
language plpgsql set search_path = '' as $$
declare
  t regclass;
begin
  foreach t in array p_tables loop
    execute format('alter table %s enable row level security', t);
    execute format('revoke all on %s from public, anon, authenticated, service_role', t);
    execute format('grant select on %s to authenticated, service_role', t);
    execute format('create policy %I on %s for select to authenticated using ((select ops_private.is_viewer()))',
      (select c.relname from pg_catalog.pg_class c where c.oid = t) || '_read', t);
  end loop;
end
$$;

revoke all on procedure ops_private.viewers_read(regclass[]) from public;

-- The rule of the tables operators edit row by row in Studio (playbook, notification
-- channels), on top of viewers_read: signed-in operators insert, update and delete,
-- through policies named <table>_insert/_update/_delete. Each such table keeps its
-- audit trigger next to this call.
create or replace procedure ops_private.operators_edit(variadic p_tables regclass[])
language plpgsql set search_path = '' as $$
declare
  t regclass;
  name text;
begin
  foreach t in array p_tables loop
    name := (select c.relname from pg_catalog.pg_class c where c.oid = t);
    execute format('grant insert, update, delete on %s to authenticated', t);
    execute format('create policy %I on %s for insert to authenticated with check ((select ops_private.is_operator()))',
      name || '_insert', t);
    execute format('create policy %I on %s for update to authenticated using ((select ops_private.is_operator()))'
      ' with check ((select ops_private.is_operator()))', name || '_update', t);
    execute format('create policy %I on %s for delete to authenticated using ((select ops_private.is_operator()))',
      name || '_delete', t);
  end loop;
end
$$;

revoke all on procedure ops_private.operators_edit(regclass[]) from public;
