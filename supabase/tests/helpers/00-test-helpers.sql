-- ===========================================================================
-- pgTAP helpers, installed by the test runner before pg_prove (never by a
-- migration: they must not exist in a deployed database).
--
--   select tests.as_anon();       -- the anon key
--   select tests.as_viewer();     -- signed in, app_metadata.ops_role = viewer
--   select tests.as_operator();   -- signed in, app_metadata.ops_role = operator
--   select tests.as_user();       -- signed in without an ops role
--   select tests.as_service();    -- the service_role key (workers)
--   select tests.as_bi_reader();  -- the BI export login role
--   select tests.as_superuser();  -- back to the test's own role
-- Each switches role and JWT claims for the rest of the transaction.
-- ===========================================================================
create extension if not exists pgtap with schema extensions;

create schema if not exists tests;
grant usage on schema tests to public;

create or replace function tests.switch_to(role_name text, claims jsonb)
returns void language plpgsql set search_path = '' as $$
begin
  perform set_config('request.jwt.claims', coalesce(claims, '{}'::jsonb)::text, true);
  perform set_config('role', role_name, true);
end
$$;

create or replace function tests.as_anon() returns void language sql set search_path = '' as $$
  select tests.switch_to('anon', '{"role": "anon"}')
$$;

create or replace function tests.as_user(ops_role text default null, sub uuid default '00000000-0000-4000-8000-000000000001')
returns void language sql set search_path = '' as $$
  select tests.switch_to('authenticated', jsonb_build_object(
    'role', 'authenticated', 'sub', sub, 'email', 'tester@example.com',
    'app_metadata', case when ops_role is null then '{}'::jsonb else jsonb_build_object('ops_role', ops_role) end))
$$;

create or replace function tests.as_viewer() returns void language sql set search_path = '' as $$
  select tests.as_user('viewer', '00000000-0000-4000-8000-00000000000a')
$$;

create or replace function tests.as_operator() returns void language sql set search_path = '' as $$
  select tests.as_user('operator', '00000000-0000-4000-8000-00000000000b')
$$;

create or replace function tests.as_service() returns void language sql set search_path = '' as $$
  select tests.switch_to('service_role', '{"role": "service_role"}')
$$;

-- The tester (postgres, no superuser) may switch only to roles it is a member of.
grant looker_export_ro to current_user;

create or replace function tests.as_bi_reader() returns void language sql set search_path = '' as $$
  select tests.switch_to('looker_export_ro', '{}')
$$;

create or replace function tests.as_superuser() returns void language sql set search_path = '' as $$
  select tests.switch_to('postgres', '{}')
$$;

grant execute on all functions in schema tests to public;

-- ---------------------------------------------------------------------------
-- Errors as values: runs a statement and returns null, or the error as
-- {"sqlstate", "message", ...DETAIL} (the write API puts a JSON object in
-- DETAIL), so tests can check the facts an error carries.
-- ---------------------------------------------------------------------------
create or replace function tests.error_of(statement text)
returns jsonb language plpgsql set search_path = '' as $$
declare
  v_state text;
  v_message text;
  v_detail text;
begin
  execute statement;
  return null;
exception when others then
  get stacked diagnostics v_state = returned_sqlstate, v_message = message_text, v_detail = pg_exception_detail;
  return jsonb_build_object('sqlstate', v_state, 'message', v_message)
    || coalesce(case when v_detail like '{%' then v_detail::jsonb end, '{}'::jsonb);
end
$$;

-- A finished (or running) scrape job of a source with its run, as the write
-- functions leave them: started at 02:00 Berlin on p_date (or p_started),
-- finished p_exec seconds later unless running. The monitoring tests' fixture.
create or replace function tests.add_run(
  p_key text, p_date date, p_status text, p_items integer, p_exec numeric,
  p_requests integer default 100, p_failures integer default 0, p_403 integer default 0,
  p_429 integer default 0, p_timeouts integer default 0, p_started timestamptz default null,
  p_error text default null, p_error_category text default null)
returns bigint language plpgsql set search_path = '' as $$
declare
  v_source bigint := (select id from ops.sources where key = p_key);
  v_job bigint;
  v_start timestamptz := coalesce(p_started, (p_date + time '02:00') at time zone 'Europe/Berlin');
  v_finish timestamptz := case when p_status <> 'running' then v_start + make_interval(secs => p_exec) end;
begin
  insert into ops.jobs (type, status, source_id, run_date, created_at, started_at, finished_at, error, error_category)
  values ('scrape', p_status, v_source, p_date, v_start, v_start, v_finish, p_error, p_error_category)
  returning id into v_job;
  insert into ops.scrape_runs (job_id, source_id, run_date, status, items_found, requests, http_failures,
    blocked_403, blocked_429, timeouts, execution_time_sec, started_at, finished_at)
  values (v_job, v_source, p_date, p_status, p_items, p_requests, p_failures, p_403, p_429, p_timeouts, p_exec,
    v_start, v_finish);
  return v_job;
end
$$;

-- A libpq connection string to this database as the tester (postgres), for
-- tests that need a second session (dblink). Override with the GUC
-- tests.dblink_connstr when the database is not the local stack.
create or replace function tests.dblink_connstr()
returns text language sql stable set search_path = '' as $$
  select coalesce(nullif(current_setting('tests.dblink_connstr', true), ''),
    format('host=127.0.0.1 port=%s dbname=%s user=postgres password=postgres application_name=pgtap-second-session',
      current_setting('port'), current_database()))
$$;

grant execute on all functions in schema tests to public;
