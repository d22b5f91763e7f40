-- ===========================================================================
-- Wake-ups from SQL, and manual job starts.
--
-- A job that becomes runnable wakes its type's worker function from SQL, as
-- graphile-worker's after-insert trigger on its jobs table does (a NOTIFY
-- "jobs:insert" that wakes its workers), so no caller has to remember to
-- dispatch. Deferred constraint triggers run at commit (PostgreSQL docs,
-- CREATE TRIGGER: "CONSTRAINT ... INITIALLY DEFERRED"), after the statements
-- that may still change the job:
--   * jobs_wake_worker: a deferred row trigger on insert, and on a change of
--     status to pending (a job continued after a checkpoint). At commit it
--     reads the job through ops_private.runnable_jobs (the one definition of
--     runnable, 20261122001200_claim.sql): a job that ops.start_job set running
--     in the same transaction, a cancelled one or one re-queued with a backoff
--     wakes nobody. It dispatches {"job_id", "type"} to the type's
--     worker_function, at most job_types.wake_fanout times per worker function
--     and transaction: a pipeline's 200 scrape jobs wake 4 scrape workers,
--     each of which claims until none is left.
--   * ops.wake(worker, trigger): one wake-up per worker function that has
--     runnable jobs now. The sweeper uses it for lost wake-ups and jobs whose
--     backoff ran out; a worker that stops on its time budget uses it for
--     a follow-up.
-- A session that drives workers itself (tests claiming jobs by hand) turns the
-- trigger off with `set ops.wake_workers = off`.
--
-- ops.start_manual_job(type, params): an operator's start of a job (the jobs
-- and pipeline functions, Studio's SQL editor): validates the source (404
-- unknown, 409 source_paused), records who started it (ops_private.actor) and
-- writes an audit row.
-- ===========================================================================

-- ---------------------------------------------------------------------------
-- The wake-on-enqueue trigger
-- ---------------------------------------------------------------------------
create or replace function ops_private.wake_worker_of_job()
returns trigger language plpgsql security definer set search_path = '' as $$
declare
  v_worker text;
  v_fanout integer;
  v_woken jsonb;
  v_count integer;
begin
  if coalesce(current_setting('ops.wake_workers', true), '') = 'off' then
    return null;
  end if;
  select t.worker_function, t.wake_fanout into v_worker, v_fanout
    from ops_private.runnable_jobs r join ops.job_types t on t.type = r.type
   where r.id = new.id and t.worker_function is not null;
  if v_worker is null then
    return null;
  end if;
  -- wake-ups already sent by this transaction, per worker function
  v_woken := coalesce(nullif(current_setting('ops.woken', true), ''), '{}')::jsonb;
  v_count := coalesce((v_woken ->> v_worker)::integer, 0);
  if v_count >= v_fanout then
    return null;
  end if;
  perform set_config('ops.woken', jsonb_set(v_woken, array[v_worker], to_jsonb(v_count + 1))::text, true);
  perform ops.dispatch(v_worker, jsonb_build_object('job_id', new.id, 'type', new.type));
  return null;
end
$$;

create constraint trigger jobs_wake_worker
  after insert or update of status on ops.jobs
  deferrable initially deferred
  for each row
  when (new.status = 'pending')
  execute function ops_private.wake_worker_of_job();

-- ---------------------------------------------------------------------------
-- ops.wake: wake every worker function (or one) that has runnable jobs
-- ---------------------------------------------------------------------------
create or replace function ops.wake(p_worker text default null, p_trigger text default 'wake')
returns integer language plpgsql security definer set search_path = '' as $$
declare
  v_worker text;
  v_woken integer := 0;
begin
  for v_worker in
    select distinct t.worker_function
      from ops_private.runnable_jobs r join ops.job_types t on t.type = r.type
     where t.worker_function is not null and (p_worker is null or t.worker_function = p_worker)
  loop
    perform ops.dispatch(v_worker, jsonb_build_object('action', 'work', 'trigger', p_trigger));
    v_woken := v_woken + 1;
  end loop;
  return v_woken;
end
$$;

comment on function ops.wake(text, text) is
  'Dispatches {"action": "work", "trigger"} to each worker function (or only p_worker) that has runnable jobs; returns how many were woken.';

-- ---------------------------------------------------------------------------
-- ops_private.startable_source: the source a new job may be started for, by key
-- (P0404 unknown, P0409 source_paused); manual starts and reported runs
-- ---------------------------------------------------------------------------
create or replace function ops_private.startable_source(p_source_key text)
returns ops.sources language plpgsql stable set search_path = '' as $$
declare
  v_source ops.sources;
begin
  select * into v_source from ops.sources s where s.key = p_source_key;
  if not found then
    perform ops_private.api_error('P0404', format('unknown source %s', p_source_key),
      jsonb_build_object('code', 'not_found', 'entity', 'source', 'source_key', p_source_key));
  end if;
  if not v_source.active then
    perform ops_private.api_error('P0409', format('source %s is paused', p_source_key),
      jsonb_build_object('code', 'source_paused', 'source_key', p_source_key));
  end if;
  return v_source;
end
$$;

-- ---------------------------------------------------------------------------
-- ops.start_manual_job
-- ---------------------------------------------------------------------------
create or replace function ops.start_manual_job(p_type text, p_params jsonb default '{}'::jsonb)
returns ops.jobs language plpgsql volatile security definer set search_path = '' as $$
declare
  v_params jsonb := coalesce(p_params, '{}'::jsonb);
  v_source ops.sources;
  v_run jsonb;
  v_job ops.jobs;
begin
  perform ops_private.require_operator();
  if p_type = 'pipeline' then
    -- a pipeline is a run with its phase jobs (exclusive: P0409 with the running one)
    v_run := ops.start_pipeline((v_params ->> 'run_date')::date, 'manual', ops_private.actor(),
      (select array_agg(k) from jsonb_array_elements_text(v_params -> 'sources') k));
    v_job := ops_private.job_or_404((v_run ->> 'pipeline_id')::bigint);
  else
    if v_params ? 'source' then
      v_source := ops_private.startable_source(v_params ->> 'source');
    end if;
    v_job := ops.enqueue(p_type => p_type, p_params => v_params, p_source_id => v_source.id,
      p_created_by => ops_private.actor());
  end if;
  perform ops_private.audit('job.start', 'job:' || v_job.id, null,
    jsonb_build_object('type', v_job.type, 'params', v_job.params, 'status', v_job.status));
  return v_job;
end
$$;

comment on function ops.start_manual_job(text, jsonb) is
  'An operator starts a job: pipeline (params run_date, sources) through ops.start_pipeline, other types through ops.enqueue; params.source must name an active source (P0404 unknown, P0409 source_paused). Audited as job.start.';

-- ---------------------------------------------------------------------------
-- Privileges
-- ---------------------------------------------------------------------------
revoke all on function ops_private.wake_worker_of_job(), ops_private.startable_source(text)
  from public, anon, authenticated, service_role;
revoke all on function ops.wake(text, text), ops.start_manual_job(text, jsonb) from public, anon, authenticated;
grant execute on function ops.wake(text, text) to service_role;
-- authenticated may call it; the function itself lets only operators through
grant execute on function ops.start_manual_job(text, jsonb) to authenticated, service_role;
