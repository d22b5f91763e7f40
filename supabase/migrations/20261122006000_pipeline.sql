-- ===========================================================================
-- The nightly pipeline: one root job of type `pipeline` and its phases
--
--   scrape (one job per active source)
--     └ snapshot (one per source, child of that source's scrape job)
--   lifespan ─ repost ─ score (one job each, children of the root)
--
-- A phase starts when every job of the previous phase has ended (error
-- isolation: a failed job never blocks the others). A snapshot whose scrape
-- did not succeed is created `skipped` with the reason, so the lineage shows
-- why it never ran. The root is held by this SQL orchestration, not by a
-- worker: its heartbeat is refreshed whenever a child ends, and it ends
--   completed  every job completed (none failed, partial, cancelled or skipped)
--   failed     no scrape job succeeded (completed or partial)
--   partial    otherwise
-- with totals and the children's errors in its result.
-- Phase jobs are executed by the `pipeline` edge function through
-- ops.run_phase_job; scrape jobs by the `scrape` edge function.
-- ===========================================================================

-- The root's liveness is its children's: give it its timeout as lease.
update ops.job_types set lease_seconds = timeout_seconds where type = 'pipeline';

-- ---------------------------------------------------------------------------
-- The phases in order (one list; PIPELINE_PHASES in TypeScript is checked
-- against it by tests/integration/vocabulary.test.ts), and the one after a phase
-- ---------------------------------------------------------------------------
create or replace function ops_private.pipeline_phases()
returns text[]
language sql
immutable
set search_path = ''
as $$
  select array['scrape', 'snapshot', 'lifespan', 'repost', 'score']
$$;

create or replace function ops_private.next_phase(phase text)
returns text
language sql
immutable
set search_path = ''
as $$
  select (ops_private.pipeline_phases())[pg_catalog.array_position(ops_private.pipeline_phases(), phase) + 1]
$$;

-- ---------------------------------------------------------------------------
-- ops_private.insert_phase_job: a child job, pending or already skipped
-- ---------------------------------------------------------------------------
create or replace function ops_private.insert_phase_job(
  p_root ops.jobs, p_phase text, p_parent_id bigint, p_source_id bigint, p_skip_reason text default null)
returns bigint
language sql
set search_path = ''
as $$
  insert into ops.jobs (type, params, status, max_attempts, lease_seconds, parent_id, root_id, source_id, run_date,
                        created_by, error, error_category, finished_at)
  select t.type, jsonb_build_object('run_date', p_root.run_date), case when p_skip_reason is null then 'pending' else 'skipped' end,
         t.max_attempts, t.lease_seconds, coalesce(p_parent_id, p_root.id), p_root.id, p_source_id, p_root.run_date,
         'pipeline:' || p_root.id, p_skip_reason, null,
         case when p_skip_reason is not null then ops_private.now() end
    from ops.job_types t where t.type = p_phase
  returning id
$$;

-- ---------------------------------------------------------------------------
-- ops_private.finish_pipeline: terminal status and result of the root
-- ---------------------------------------------------------------------------
create or replace function ops_private.finish_pipeline(p_root ops.jobs)
returns void
language plpgsql
set search_path = ''
as $$
declare
  totals jsonb;
  phases jsonb;
  errors jsonb;
  final_status text;
begin
  select jsonb_build_object(
           'jobs', count(*),
           'completed', count(*) filter (where status = 'completed'),
           'partial', count(*) filter (where status = 'partial'),
           'failed', count(*) filter (where status = 'failed'),
           'cancelled', count(*) filter (where status = 'cancelled'),
           'skipped', count(*) filter (where status = 'skipped'),
           'sources', count(*) filter (where type = 'scrape'),
           'scrape_succeeded', count(*) filter (where type = 'scrape' and status in ('completed', 'partial')),
           'success_rate', round(count(*) filter (where type = 'scrape' and status = 'completed')::numeric
                                 / nullif(count(*) filter (where type = 'scrape'), 0), 4))
    into totals
    from ops.jobs where root_id = p_root.id;

  select jsonb_object_agg(type, stats) into phases from (
    select type, jsonb_build_object(
             'jobs', count(*),
             'completed', count(*) filter (where status = 'completed'),
             'failed', count(*) filter (where status in ('failed', 'partial', 'cancelled')),
             'skipped', count(*) filter (where status = 'skipped'),
             'started_at', min(started_at), 'finished_at', max(finished_at),
             'seconds', round(extract(epoch from max(finished_at) - min(coalesce(started_at, created_at)))::numeric, 3)) as stats
      from ops.jobs where root_id = p_root.id group by type) p;

  select coalesce(jsonb_agg(e order by e ->> 'job_id'), '[]'::jsonb) into errors from (
    select jsonb_build_object('job_id', j.id, 'type', j.type, 'source', s.key, 'status', j.status,
                              'error', j.error, 'category', j.error_category) as e
      from ops.jobs j left join ops.sources s on s.id = j.source_id
     where j.root_id = p_root.id and j.status in ('failed', 'partial', 'cancelled')
     order by j.id limit 100) x;

  final_status := case
    when (totals ->> 'jobs')::int = (totals ->> 'completed')::int then 'completed'
    when (totals ->> 'sources')::int > 0 and (totals ->> 'scrape_succeeded')::int = 0 then 'failed'
    else 'partial'
  end;

  perform ops_private.finalize_job(p_root, final_status,
    jsonb_build_object('run_date', p_root.run_date, 'totals', totals, 'phases', coalesce(phases, '{}'), 'errors', errors),
    case when final_status <> 'completed'
      then format('%s of %s jobs did not complete', (totals ->> 'jobs')::int - (totals ->> 'completed')::int, totals ->> 'jobs')
    end,
    null, ops_private.now());
end
$$;

-- ---------------------------------------------------------------------------
-- ops_private.advance_pipeline: start the next phase when the current one is done
-- ---------------------------------------------------------------------------
create or replace function ops_private.advance_pipeline(p_root_id bigint)
returns void
language plpgsql
set search_path = ''
as $$
declare
  root ops.jobs;
  phase text;
  created integer;
  pending integer;
  scrape record;
begin
  select * into root from ops.jobs where id = p_root_id for update;
  if not found or root.type <> 'pipeline' or root.finished_at is not null then
    return;
  end if;

  loop
    select j.type into phase from ops.jobs j
     where j.root_id = root.id
     order by array_position(ops_private.pipeline_phases(), j.type) desc
     limit 1;
    if phase is null then
      perform ops_private.finish_pipeline(root);
      return;
    end if;
    if exists (select 1 from ops.jobs j where j.root_id = root.id and j.type = phase and j.finished_at is null) then
      exit; -- the current phase is still running
    end if;
    phase := ops_private.next_phase(phase);
    if phase is null then
      perform ops_private.finish_pipeline(root);
      return;
    end if;

    created := 0;
    pending := 0;
    if phase = 'snapshot' then
      for scrape in
        select j.id, j.source_id, j.status, j.error from ops.jobs j
         where j.root_id = root.id and j.type = 'scrape' order by j.id
      loop
        perform ops_private.insert_phase_job(root, 'snapshot', scrape.id, scrape.source_id,
          case when scrape.status not in ('completed', 'partial')
            then format('not run: the scrape %s', scrape.status) || coalesce(' (' || left(scrape.error, 200) || ')', '')
          end);
        created := created + 1;
        if scrape.status in ('completed', 'partial') then
          pending := pending + 1;
        end if;
      end loop;
    else
      perform ops_private.insert_phase_job(root, phase, null, null);
      created := 1;
      pending := 1;
    end if;

    update ops.jobs
       set progress_total = coalesce(progress_total, 0) + created, heartbeat_at = ops_private.now(),
           updated_at = ops_private.now()
     where id = root.id
    returning * into root;
    if pending > 0 then
      exit; -- the new jobs wake the pipeline worker (jobs_wake_worker)
    end if;
    -- every job of this phase was skipped: go on to the next phase now
  end loop;
end
$$;

-- ---------------------------------------------------------------------------
-- Trigger: a child of a pipeline ended
-- ---------------------------------------------------------------------------
create or replace function ops_private.on_pipeline_child_finished()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  update ops.jobs
     set progress_done = progress_done + 1, heartbeat_at = ops_private.now(), updated_at = ops_private.now()
   where id = new.root_id and type = 'pipeline' and finished_at is null;
  perform ops_private.advance_pipeline(new.root_id);
  return new;
end
$$;

create trigger jobs_pipeline_child_finished
  after update of status on ops.jobs
  for each row
  when (new.root_id is not null and old.finished_at is null and new.finished_at is not null)
  execute function ops_private.on_pipeline_child_finished();

-- ---------------------------------------------------------------------------
-- Trigger: a source paused mid-run skips its pending jobs, with the reason
-- ---------------------------------------------------------------------------
create or replace function ops_private.skip_jobs_of_paused_source()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  job ops.jobs;
begin
  for job in select * from ops.jobs where source_id = new.id and status = 'pending' for update loop
    perform ops_private.finalize_job(job, 'skipped', null,
      format('source %s was deactivated', new.key), null, ops_private.now());
  end loop;
  return new;
end
$$;

create trigger sources_skip_pending_when_paused
  after update of active on ops.sources
  for each row
  when (old.active and not new.active)
  execute function ops_private.skip_jobs_of_paused_source();

-- ---------------------------------------------------------------------------
-- ops.start_pipeline
-- ---------------------------------------------------------------------------
create or replace function ops.start_pipeline(
  p_run_date date default null,
  p_trigger text default 'manual',
  p_created_by text default null,
  p_source_keys text[] default null
)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_run_date date := coalesce(p_run_date, ops_private.berlin_date(ops_private.now()));
  root ops.jobs;
  scrape_jobs integer;
  unknown text[];
begin
  -- a run for sources that do not exist is an error, not a silent run over fewer sources
  select array_agg(k order by k) into unknown
    from unnest(p_source_keys) k where not exists (select 1 from ops.sources s where s.key = k);
  if unknown is not null then
    perform ops_private.api_error('P0404', format('unknown sources: %s', array_to_string(unknown, ', ')),
      jsonb_build_object('code', 'not_found', 'field', 'sources', 'unknown', unknown));
  end if;
  -- running at once, held by this SQL orchestration (exclusive type: P0409 when one runs)
  root := ops.start_job(p_type => 'pipeline', p_worker => 'sql:pipeline',
    p_params => jsonb_build_object('run_date', v_run_date, 'trigger', p_trigger, 'sources', p_source_keys),
    p_run_date => v_run_date, p_created_by => coalesce(p_created_by, p_trigger));

  with created as (
    select ops_private.insert_phase_job(root, 'scrape', null, s.id) as id
      from ops.sources s
     where s.active and (p_source_keys is null or s.key = any (p_source_keys))
     order by s.key
  )
  select count(*) into scrape_jobs from created;

  update ops.jobs set progress_total = scrape_jobs where id = root.id;
  if scrape_jobs = 0 then
    perform ops_private.advance_pipeline(root.id);
  end if;
  return jsonb_build_object('pipeline_id', root.id, 'run_date', v_run_date, 'scrape_jobs', scrape_jobs);
end
$$;

comment on function ops.start_pipeline(date, text, text, text[]) is
  'Starts the nightly pipeline for a Berlin run date: the root job (exclusive: P0409 with the running one) and one scrape job per active source. Phases follow by trigger.';

-- ---------------------------------------------------------------------------
-- ops.run_phase_job: the SQL work of a snapshot, lifespan, repost or score job
-- ---------------------------------------------------------------------------
create or replace function ops.run_phase_job(p_job_id bigint)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  job ops.jobs;
  result jsonb;
begin
  job := ops_private.job_or_404(p_job_id);
  case job.type
    when 'snapshot' then
      select jsonb_build_object('snapshot_date', s.snapshot_date, 'postings', s.posting_count, 'new', s.new_count,
                                'active', s.active_count, 'disappeared', s.disappeared_count, 'reposts', s.repost_count)
        into result
        from ops.take_snapshot(job.source_id, job.run_date) s;
    when 'lifespan' then
      select jsonb_build_object('postings', count(*), 'avg_lifespan_days', round(avg(l.lifespan_days), 2),
                                'max_lifespan_days', max(l.lifespan_days))
        into result from ops.posting_lifespans_v l;
    when 'repost' then
      result := ops.detect_reposts();
    when 'score' then
      result := ops.compute_scores(job.run_date);
    else
      perform ops_private.api_error('P0400', format('job %s is a %s job, not a pipeline phase', job.id, job.type),
        jsonb_build_object('code', 'invalid_argument', 'field', 'job_id'));
  end case;
  return result;
end
$$;

-- ---------------------------------------------------------------------------
-- Privileges: workers only
-- ---------------------------------------------------------------------------
revoke all on function ops_private.pipeline_phases(), ops_private.next_phase(text), ops_private.insert_phase_job(ops.jobs, text, bigint, bigint, text),
  ops_private.finish_pipeline(ops.jobs), ops_private.advance_pipeline(bigint),
  ops_private.on_pipeline_child_finished(), ops_private.skip_jobs_of_paused_source() from public, anon, authenticated;
revoke all on function ops.start_pipeline(date, text, text, text[]), ops.run_phase_job(bigint)
  from public, anon, authenticated;
grant execute on function ops.start_pipeline(date, text, text, text[]), ops.run_phase_job(bigint) to service_role;
