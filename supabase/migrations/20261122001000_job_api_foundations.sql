-- ===========================================================================
-- Job write API, part 1: foundations shared by every write function.
--
-- Conventions of the write API (ops.enqueue, ops.claim, ops.heartbeat,
-- ops.append_logs, ops.record_errors, ops.finish, ops.request_cancel,
-- ops.sweep, ops.purge_retention, ...):
--
--   * Every write goes through a SECURITY DEFINER function in `ops` with
--     `set search_path = ''`; the tables grant writes to nobody. EXECUTE is
--     revoked from public and granted explicitly (service_role = workers;
--     authenticated only where the function checks the ops role itself).
--
--   * Distinct errors carry custom SQLSTATEs that the HTTP layer maps 1:1:
--       P0400  invalid_argument     bad status, level, metric, category ... -> 400
--       P0404  not_found            unknown job, job type, source           -> 404
--       P0409  job_type_busy        an exclusive type already has a pending
--                                   or running job                          -> 409
--       P0413  payload_too_large    a batch over the SQL limit              -> 413
--       P0419  job_finished         finish/cancel of a job that is already
--                                   terminal (not an idempotent replay)     -> 409
--       P0423  job_not_owned        a worker finishes a job that the sweeper
--                                   took from it and another worker holds   -> 409
--       42501  insufficient_privilege (role checks inside functions)        -> 403
--     MESSAGE is a human sentence; DETAIL is a JSON object with at least
--     {"code": "<name above>"} plus the facts (e.g. the running job's id,
--     type and started_at for P0409), so callers never parse the message.
--
--   * Clock: every function reads the time from ops_private.now() (defined
--     with the schemas in 20261122000200_ops_schema.sql).
-- ===========================================================================

-- ---------------------------------------------------------------------------
-- Raising API errors: SQLSTATE + human message + JSON detail
-- ---------------------------------------------------------------------------
create or replace function ops_private.api_error(p_sqlstate text, p_message text, p_detail jsonb)
returns void language plpgsql set search_path = '' as $$
begin
  raise exception using
    errcode = p_sqlstate,
    message = p_message,
    detail = coalesce(p_detail, '{}'::jsonb)::text;
end
$$;

comment on function ops_private.api_error(text, text, jsonb) is
  'Raises a write-API error: SQLSTATE P0400/P0404/P0409/P0413/P0419/P0423, a human message, a JSON detail with a code.';

-- ---------------------------------------------------------------------------
-- ops_private.job_or_404: a job by id (optionally locked), or a P0404
-- ---------------------------------------------------------------------------
create or replace function ops_private.job_or_404(p_job_id bigint, p_lock boolean default false)
returns ops.jobs language plpgsql volatile set search_path = '' as $$
declare
  v_job ops.jobs;
begin
  if p_lock then
    select * into v_job from ops.jobs where id = p_job_id for update;
  else
    select * into v_job from ops.jobs where id = p_job_id;
  end if;
  if not found then
    perform ops_private.api_error('P0404', format('job %s not found', p_job_id),
      jsonb_build_object('code', 'not_found', 'entity', 'job', 'job_id', p_job_id));
  end if;
  return v_job;
end
$$;

revoke all on function ops_private.job_or_404(bigint, boolean) from public, anon, authenticated;

-- ---------------------------------------------------------------------------
-- Who acted: the one definition for audit rows of every kind and created_by.
-- actor: the JWT's email, else its subject, else its role (service_role), else
-- the database role (pg_cron, migrations, psql). actor_role: the ops role
-- (operator, viewer, service), 'database:<role>' without JWT claims, else none.
-- ---------------------------------------------------------------------------
create or replace function ops_private.actor()
returns text language sql stable set search_path = '' as $$
  select coalesce(
    nullif(auth.jwt() ->> 'email', ''),
    nullif(auth.jwt() ->> 'sub', ''),
    nullif(auth.role(), ''),
    session_user::text)
$$;

create or replace function ops_private.actor_role()
returns text language sql stable set search_path = '' as $$
  select coalesce(ops_private.ops_role(),
    case when coalesce(auth.role(), '') = '' then 'database:' || session_user else 'none' end)
$$;

-- ops_private.audit: one row of ops.audit_log by the current actor
create or replace function ops_private.audit(
  p_action text, p_target text, p_before jsonb, p_after jsonb, p_at timestamptz default null)
returns void language sql volatile set search_path = '' as $$
  insert into ops.audit_log (at, actor, actor_role, action, target, before, after)
  values (coalesce(p_at, ops_private.now()), ops_private.actor(), ops_private.actor_role(), p_action, p_target,
          p_before, p_after)
$$;

-- Rejects signed-in callers without the operator role (and anon). Callers with
-- no JWT claims at all are database roles (pg_cron, migrations, tests as
-- postgres): EXECUTE grants already decide for them.
create or replace function ops_private.require_operator()
returns void language plpgsql stable set search_path = '' as $$
begin
  if coalesce(auth.role(), '') <> '' and not coalesce(ops_private.is_operator(), false) then
    raise exception using errcode = '42501',
      message = 'this action needs the operator role',
      detail = '{"code": "forbidden"}';
  end if;
end
$$;

-- ---------------------------------------------------------------------------
-- jsonb_add: deep sum of two JSON objects (numbers add, objects merge)
-- ---------------------------------------------------------------------------
create or replace function ops_private.jsonb_add(a jsonb, b jsonb)
returns jsonb language sql immutable set search_path = '' as $$
  select coalesce(pg_catalog.jsonb_object_agg(k,
    case
      when pg_catalog.jsonb_typeof(a -> k) = 'number' and pg_catalog.jsonb_typeof(b -> k) = 'number'
        then pg_catalog.to_jsonb((a ->> k)::numeric + (b ->> k)::numeric)
      when pg_catalog.jsonb_typeof(a -> k) = 'object' and pg_catalog.jsonb_typeof(b -> k) = 'object'
        then ops_private.jsonb_add(a -> k, b -> k)
      else coalesce(b -> k, a -> k)
    end), '{}'::jsonb)
  from (
    select pg_catalog.jsonb_object_keys(coalesce(a, '{}'::jsonb))
    union
    select pg_catalog.jsonb_object_keys(coalesce(b, '{}'::jsonb))
  ) as keys (k)
$$;

comment on function ops_private.jsonb_add(jsonb, jsonb) is
  'Deep sum of two JSON objects: numbers add up, nested objects merge, other values: the right one wins.';

-- ---------------------------------------------------------------------------
-- Berlin date of a moment: the run_date of the nightly run
-- ---------------------------------------------------------------------------
create or replace function ops_private.berlin_date(p_at timestamptz)
returns date language sql immutable set search_path = '' as $$
  select (p_at at time zone 'Europe/Berlin')::date
$$;

-- ---------------------------------------------------------------------------
-- Columns the write API needs
-- ---------------------------------------------------------------------------
alter table ops.jobs
  add column claimed_at timestamptz,
  add column finish_digest text;

comment on column ops.jobs.claimed_at is 'Start of the current invocation (claim); execution time adds up across invocations.';
comment on column ops.jobs.finish_digest is 'md5 of the finish request: a repeated identical finish is an idempotent replay, not a 409.';

-- rates of a scrape run, generated so that every view reads the same numbers
alter table ops.scrape_runs
  add column block_rate numeric(8, 4) generated always as
    (case when requests > 0 then round((blocked_403 + blocked_429)::numeric / requests, 4) end) stored,
  add column timeout_rate numeric(8, 4) generated always as
    (case when requests > 0 then round(timeouts::numeric / requests, 4) end) stored,
  add column failure_rate numeric(8, 4) generated always as
    (case when requests > 0 then round(http_failures::numeric / requests, 4) end) stored,
  add column link_success_rate numeric(8, 4) generated always as
    (case when links_checked > 0 then round(links_ok::numeric / links_checked, 4) end) stored,
  add column reject_rate numeric(8, 4) generated always as
    (case when items_found > 0 then round(items_rejected::numeric / items_found, 4) end) stored;

comment on column ops.scrape_runs.block_rate is '(blocked_403 + blocked_429) / requests';
comment on column ops.scrape_runs.timeout_rate is 'timeouts / requests';
comment on column ops.scrape_runs.failure_rate is 'http_failures / requests';
comment on column ops.scrape_runs.link_success_rate is 'links_ok / links_checked';
comment on column ops.scrape_runs.reject_rate is 'items_rejected / items_found';

-- sweeper: stale-heartbeat and timeout scans stay on the partial running index
create index jobs_running_timeout_idx on ops.jobs (timeout_at) where status = 'running';

-- ---------------------------------------------------------------------------
-- Privileges of the helpers
-- ---------------------------------------------------------------------------
revoke all on function
  ops_private.api_error(text, text, jsonb), ops_private.actor(), ops_private.actor_role(),
  ops_private.audit(text, text, jsonb, jsonb, timestamptz),
  ops_private.require_operator(), ops_private.jsonb_add(jsonb, jsonb), ops_private.berlin_date(timestamptz)
  from public;
grant execute on function ops_private.berlin_date(timestamptz) to authenticated, service_role;
