-- ===========================================================================
-- The reporting schema and the BI export login role.
--
--   reporting          what leaves the database for BI: the Looker view only.
--   looker_export_ro   reads reporting.daily_summary_looker_v and nothing else.
--
-- How the BI role can read a security_invoker view without reading anything
-- else: it has USAGE on `reporting` only, never on `ops` or `ops_private`, so
-- it cannot name any table there; PostgreSQL checks schema USAGE when a name is
-- looked up, not when a view that is already resolved runs. The view's base
-- relations are granted to it column by column (only the columns the view
-- reads), with RLS policies that show it active sources only. See the Looker
-- view migration for those grants.
--
-- Passwords: this migration never sets one. The role is created NOLOGIN; an
-- operator enables it once per project, outside version control:
--   alter role looker_export_ro with login password '<from your secret store>';
-- Re-running the migration leaves an existing role (and its password) alone.
-- ===========================================================================

-- ---------------------------------------------------------------------------
-- The BI role (cluster-wide, so created idempotently)
-- ---------------------------------------------------------------------------
do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'looker_export_ro') then
    create role looker_export_ro nologin noinherit nosuperuser nocreatedb nocreaterole noreplication;
  end if;
end
$$;

comment on role looker_export_ro is
  'BI export: reads reporting.daily_summary_looker_v only. NOLOGIN until an operator sets LOGIN and a password.';

-- read-only sessions, bounded statements, a few connections
alter role looker_export_ro set default_transaction_read_only = on;
alter role looker_export_ro set statement_timeout = '60s';
alter role looker_export_ro set search_path = reporting;
-- the export reads a few thousand rows by index; the planner's cost estimate of the
-- no_data part can cross jit_above_cost, and JIT compilation then costs more (30+ ms)
-- than the whole query (see scripts/bench/monitoring.ts)
alter role looker_export_ro set jit = off;
alter role looker_export_ro connection limit 5;

-- nothing through public: no objects of its own, nothing in public
revoke all on schema public from looker_export_ro;

-- ---------------------------------------------------------------------------
-- The reporting schema
-- ---------------------------------------------------------------------------
create schema if not exists reporting;

comment on schema reporting is 'What BI reads: reporting.daily_summary_looker_v (exported to BigQuery monitoring.daily_summary).';

revoke all on schema reporting from public;
grant usage on schema reporting to authenticated, service_role, looker_export_ro;

alter default privileges in schema reporting revoke all on tables from public;
alter default privileges in schema reporting revoke execute on functions from public;
