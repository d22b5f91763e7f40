-- ===========================================================================
-- Job write API, part 2: ops.enqueue and ops.start_job.
--
-- enqueue applies the job type's policy (max_attempts, lease, exclusive):
--   * exclusive types: at most one pending or running job; a second enqueue
--     raises P0409 with DETAIL {"code": "job_type_busy", "job_id", "type",
--     "status", "started_at", "created_at"} of the job that holds the type;
--   * idempotency_key: a repeated key returns the existing job unchanged;
--   * lineage: root_id = the parent's root (or the parent itself).
-- start_job creates a job that is already running under the given worker:
-- for scrapers that run elsewhere and report through the `report` function.
-- ===========================================================================

-- ---------------------------------------------------------------------------
-- ops.enqueue
-- ---------------------------------------------------------------------------
create or replace function ops.enqueue(
  p_type text,
  p_params jsonb default '{}'::jsonb,
  p_source_id bigint default null,
  p_parent_id bigint default null,
  p_run_date date default null,
  p_priority integer default 0,
  p_run_after timestamptz default null,
  p_idempotency_key text default null,
  p_created_by text default null,
  p_max_attempts integer default null
)
returns ops.jobs language plpgsql volatile security definer set search_path = '' as $$
declare
  v_now timestamptz := ops_private.now();
  v_type ops.job_types;
  v_parent ops.jobs;
  v_job ops.jobs;
  v_busy ops.jobs;
  v_constraint text;
begin
  if p_idempotency_key is not null then
    select * into v_job from ops.jobs where idempotency_key = p_idempotency_key;
    if found then
      return v_job;
    end if;
  end if;

  select * into v_type from ops.job_types where type = p_type;
  if not found then
    perform ops_private.api_error('P0404', format('unknown job type %L', p_type),
      jsonb_build_object('code', 'not_found', 'entity', 'job_type', 'type', p_type));
  end if;
  if p_params is null or jsonb_typeof(p_params) <> 'object' then
    perform ops_private.api_error('P0400', 'params must be a JSON object',
      jsonb_build_object('code', 'invalid_argument', 'field', 'params'));
  end if;
  if p_max_attempts is not null and p_max_attempts not between 1 and 20 then
    perform ops_private.api_error('P0400', 'max_attempts must be between 1 and 20',
      jsonb_build_object('code', 'invalid_argument', 'field', 'max_attempts'));
  end if;
  if p_source_id is not null and not exists (select 1 from ops.sources where id = p_source_id) then
    perform ops_private.api_error('P0404', format('unknown source %s', p_source_id),
      jsonb_build_object('code', 'not_found', 'entity', 'source', 'source_id', p_source_id));
  end if;
  if p_parent_id is not null then
    select * into v_parent from ops.jobs where id = p_parent_id;
    if not found then
      perform ops_private.api_error('P0404', format('unknown parent job %s', p_parent_id),
        jsonb_build_object('code', 'not_found', 'entity', 'job', 'job_id', p_parent_id));
    end if;
  end if;

  if v_type.exclusive then
    select * into v_busy from ops.jobs
      where singleton_key = v_type.type and status in ('pending', 'running');
    if found then
      perform ops_private.api_error('P0409',
        format('a %s job (%s) is already %s', v_busy.type, v_busy.id, v_busy.status),
        jsonb_build_object('code', 'job_type_busy', 'job_id', v_busy.id, 'type', v_busy.type,
          'status', v_busy.status, 'started_at', v_busy.started_at, 'created_at', v_busy.created_at));
    end if;
  end if;

  begin
    insert into ops.jobs (
      type, params, status, priority, run_after, max_attempts, lease_seconds,
      parent_id, root_id, source_id, run_date, singleton_key, idempotency_key,
      created_by, created_at, updated_at)
    values (
      v_type.type, p_params, 'pending', coalesce(p_priority, 0), coalesce(p_run_after, v_now),
      coalesce(p_max_attempts, v_type.max_attempts), v_type.lease_seconds,
      p_parent_id, coalesce(v_parent.root_id, v_parent.id), coalesce(p_source_id, v_parent.source_id),
      coalesce(p_run_date, v_parent.run_date,
        case when coalesce(p_source_id, v_parent.source_id) is not null then ops_private.berlin_date(v_now) end),
      case when v_type.exclusive then v_type.type end, p_idempotency_key,
      coalesce(p_created_by, ops_private.actor()), v_now, v_now)
    returning * into v_job;
  exception when unique_violation then
    -- a concurrent enqueue won the race: same idempotency key, or the exclusive slot
    get stacked diagnostics v_constraint = constraint_name;
    if p_idempotency_key is not null then
      select * into v_job from ops.jobs where idempotency_key = p_idempotency_key;
      if found then
        return v_job;
      end if;
    end if;
    select * into v_busy from ops.jobs
      where singleton_key = v_type.type and status in ('pending', 'running');
    perform ops_private.api_error('P0409',
      format('a %s job (%s) is already %s', v_type.type, v_busy.id, coalesce(v_busy.status, 'active')),
      jsonb_build_object('code', 'job_type_busy', 'job_id', v_busy.id, 'type', v_type.type,
        'status', v_busy.status, 'started_at', v_busy.started_at, 'created_at', v_busy.created_at,
        'constraint', v_constraint));
  end;
  return v_job;
end
$$;

comment on function ops.enqueue(text, jsonb, bigint, bigint, date, integer, timestamptz, text, text, integer) is
  'Adds a pending job under its type''s policy. P0404 unknown type/source/parent; P0409 exclusive type busy (DETAIL has the holder); a repeated idempotency key returns the existing job.';

-- ---------------------------------------------------------------------------
-- ops.start_scrape_run: the metrics row of a scrape job (idempotent)
-- ---------------------------------------------------------------------------
create or replace function ops.start_scrape_run(p_job_id bigint)
returns ops.scrape_runs language plpgsql volatile security definer set search_path = '' as $$
declare
  v_now timestamptz := ops_private.now();
  v_job ops.jobs;
  v_run ops.scrape_runs;
begin
  v_job := ops_private.job_or_404(p_job_id);
  if v_job.source_id is null then
    perform ops_private.api_error('P0400', format('job %s has no source: scrape runs belong to a source', p_job_id),
      jsonb_build_object('code', 'invalid_argument', 'field', 'source_id', 'job_id', p_job_id));
  end if;
  insert into ops.scrape_runs (job_id, source_id, run_date, status, started_at)
  values (v_job.id, v_job.source_id, coalesce(v_job.run_date, ops_private.berlin_date(v_now)),
    case when v_job.status in ('pending', 'running') then 'running' else v_job.status end,
    coalesce(v_job.claimed_at, v_now))
  on conflict (job_id) do nothing;
  select * into v_run from ops.scrape_runs where job_id = p_job_id;
  return v_run;
end
$$;

comment on function ops.start_scrape_run(bigint) is
  'Creates the scrape_runs row of a job (source and run_date from the job; run_date defaults to today in Berlin). Idempotent.';

-- ---------------------------------------------------------------------------
-- ops.start_job: a job that starts running at once (external reporters)
-- ---------------------------------------------------------------------------
create or replace function ops.start_job(
  p_type text,
  p_worker text,
  p_params jsonb default '{}'::jsonb,
  p_source_id bigint default null,
  p_parent_id bigint default null,
  p_run_date date default null,
  p_idempotency_key text default null,
  p_created_by text default null
)
returns ops.jobs language plpgsql volatile security definer set search_path = '' as $$
declare
  v_now timestamptz := ops_private.now();
  v_job ops.jobs;
begin
  if p_worker is null or length(p_worker) not between 1 and 200 then
    perform ops_private.api_error('P0400', 'worker must be 1 to 200 characters',
      jsonb_build_object('code', 'invalid_argument', 'field', 'worker'));
  end if;
  v_job := ops.enqueue(p_type, p_params, p_source_id, p_parent_id, p_run_date, 0, v_now,
    p_idempotency_key, p_created_by, null);
  if v_job.status = 'pending' and v_job.attempt = 0 then
    update ops.jobs j
      set status = 'running', attempt = 1, locked_by = p_worker, heartbeat_at = v_now, claimed_at = v_now,
          started_at = v_now, updated_at = v_now,
          run_date = coalesce(j.run_date, case when j.source_id is not null then ops_private.berlin_date(v_now) end),
          timeout_at = v_now + make_interval(secs => t.timeout_seconds)
      from ops.job_types t
      where j.id = v_job.id and t.type = j.type
      returning j.* into v_job;
  end if;
  if v_job.type = 'scrape' and v_job.source_id is not null then
    perform ops.start_scrape_run(v_job.id);
  end if;
  return v_job;
end
$$;

comment on function ops.start_job(text, text, jsonb, bigint, bigint, date, text, text) is
  'Creates a job that is running at once under p_worker (external scrapers); scrape jobs get their scrape_runs row. Same errors as ops.enqueue.';

-- ---------------------------------------------------------------------------
-- Privileges: workers only
-- ---------------------------------------------------------------------------
revoke all on function ops.enqueue(text, jsonb, bigint, bigint, date, integer, timestamptz, text, text, integer),
  ops.start_scrape_run(bigint),
  ops.start_job(text, text, jsonb, bigint, bigint, date, text, text)
  from public, anon, authenticated;
grant execute on function ops.enqueue(text, jsonb, bigint, bigint, date, integer, timestamptz, text, text, integer),
  ops.start_scrape_run(bigint),
  ops.start_job(text, text, jsonb, bigint, bigint, date, text, text)
  to service_role;
