-- ===========================================================================
-- Job write API, part 7: ops.finish and the shared finalizer.
--
-- finish sets a terminal status (completed | partial | failed | cancelled |
-- skipped), adds the last scrape metric increments, rolls the run up into
-- ops.scrape_runs (status, finished_at, execution time; the rates are
-- generated columns) and maintains the source's consecutive_errors,
-- last_success_at and last_error_at for scrape jobs.
--
-- The answer is a JSON object {"job": {...}, "scrape_run": {...} | null}
-- built from the stored rows, so a replay answers exactly like the first
-- call. Finishing a terminal job again with the same payload (status,
-- result, error, error_category, metrics) is an idempotent replay; with a
-- different payload it raises P0419 (DETAIL: job_id, status, finished_at).
-- A worker that passes p_worker and no longer holds the job gets P0423.
-- ===========================================================================

-- ---------------------------------------------------------------------------
-- ops_private.finalize_job: terminal status + rollups (finish, cancel, sweep)
-- ---------------------------------------------------------------------------
create or replace function ops_private.finalize_job(
  p_job ops.jobs,
  p_status text,
  p_result jsonb,
  p_error text,
  p_category text,
  p_now timestamptz,
  p_digest text default null
)
returns ops.jobs language plpgsql volatile set search_path = '' as $$
declare
  v_job ops.jobs;
begin
  update ops.jobs
    set status = p_status,
        finished_at = p_now,
        result = coalesce(p_result, result),
        error = p_error,
        error_category = p_category,
        finish_digest = p_digest,
        updated_at = p_now
    where id = p_job.id
    returning * into v_job;

  update ops.scrape_runs
    set status = p_status,
        finished_at = p_now,
        execution_time_sec = execution_time_sec + case when p_job.status = 'running'
          then greatest(0, extract(epoch from p_now - coalesce(p_job.claimed_at, p_now)))::numeric(10, 3)
          else 0 end
    where job_id = p_job.id;

  if p_job.type = 'scrape' and p_job.source_id is not null then
    if p_status in ('completed', 'partial') then
      update ops.sources
        set consecutive_errors = 0, last_success_at = p_now, updated_at = p_now
        where id = p_job.source_id;
    elsif p_status = 'failed' then
      update ops.sources
        set consecutive_errors = consecutive_errors + 1, last_error_at = p_now, updated_at = p_now
        where id = p_job.source_id;
    end if;
  end if;
  return v_job;
end
$$;

-- ---------------------------------------------------------------------------
-- ops.job_answer: the stored outcome of a job, as finish returns it
-- ---------------------------------------------------------------------------
create or replace function ops.job_answer(p_job_id bigint)
returns jsonb language sql stable set search_path = '' as $$
  select jsonb_build_object(
    'job', jsonb_build_object(
      'id', j.id, 'type', j.type, 'status', j.status, 'attempt', j.attempt,
      'source_id', j.source_id, 'run_date', j.run_date, 'parent_id', j.parent_id, 'root_id', j.root_id,
      'started_at', j.started_at, 'finished_at', j.finished_at,
      'duration_sec', round(extract(epoch from j.finished_at - j.started_at)::numeric, 3),
      'result', j.result, 'error', j.error, 'error_category', j.error_category,
      'cancel_requested', j.cancel_requested),
    'scrape_run', (select to_jsonb(r) - 'job_id' from ops.scrape_runs r where r.job_id = j.id))
  from ops.jobs j
  where j.id = p_job_id
$$;

-- ---------------------------------------------------------------------------
-- ops.finish
-- ---------------------------------------------------------------------------
create or replace function ops.finish(
  p_job_id bigint,
  p_status text,
  p_result jsonb default null,
  p_error text default null,
  p_error_category text default null,
  p_metrics jsonb default null,
  p_worker text default null
)
returns jsonb language plpgsql volatile security definer set search_path = '' as $$
declare
  v_now timestamptz := ops_private.now();
  v_job ops.jobs;
  v_category text := p_error_category;
  v_digest text := md5(jsonb_build_object('status', p_status, 'result', p_result, 'error', p_error,
    'error_category', p_error_category, 'metrics', p_metrics)::text);
begin
  if p_status is null or p_status not in ('completed', 'partial', 'failed', 'cancelled', 'skipped') then
    perform ops_private.api_error('P0400',
      format('status must be completed, partial, failed, cancelled or skipped, not %s', coalesce(p_status, 'null')),
      jsonb_build_object('code', 'invalid_argument', 'field', 'status'));
  end if;
  if v_category is not null and not exists (select 1 from ops.error_categories c where c.category = v_category) then
    perform ops_private.api_error('P0400', format('unknown error category %s', v_category),
      jsonb_build_object('code', 'invalid_argument', 'field', 'error_category',
        'allowed', (select jsonb_agg(c.category order by c.category) from ops.error_categories c)));
  end if;

  v_job := ops_private.job_or_404(p_job_id, true);

  if v_job.finished_at is not null then
    if v_job.finish_digest = v_digest then
      return ops.job_answer(v_job.id);
    end if;
    perform ops_private.api_error('P0419', format('job %s is already %s', v_job.id, v_job.status),
      jsonb_build_object('code', 'job_finished', 'job_id', v_job.id, 'status', v_job.status,
        'finished_at', v_job.finished_at));
  end if;
  if p_worker is not null and (v_job.status <> 'running' or v_job.locked_by is distinct from p_worker) then
    perform ops_private.api_error('P0423', format('job %s is no longer held by %s', v_job.id, p_worker),
      jsonb_build_object('code', 'job_not_owned', 'job_id', v_job.id, 'status', v_job.status,
        'locked_by', v_job.locked_by));
  end if;

  if v_category is null then
    v_category := case
      when p_status = 'cancelled' then 'cancelled'
      when p_status in ('failed', 'partial') and p_error is not null
        then (select c.category from ops.classify_error(null, p_error) c)
    end;
  end if;

  perform ops_private.add_scrape_metrics(v_job, p_metrics, v_now);
  perform ops_private.finalize_job(v_job, p_status, p_result, p_error, v_category, v_now, v_digest);
  return ops.job_answer(v_job.id);
end
$$;

comment on function ops.finish(bigint, text, jsonb, text, text, jsonb, text) is
  'Ends a job: terminal status, last metrics, scrape run and source rollups. P0400 bad status/category/metrics, P0404 unknown job, P0419 already finished (unless an identical replay, which returns the first answer), P0423 not held by p_worker.';

-- ---------------------------------------------------------------------------
-- Privileges
-- ---------------------------------------------------------------------------
revoke all on function ops_private.finalize_job(ops.jobs, text, jsonb, text, text, timestamptz, text) from public;
revoke all on function ops.finish(bigint, text, jsonb, text, text, jsonb, text), ops.job_answer(bigint)
  from public, anon, authenticated;
grant execute on function ops.finish(bigint, text, jsonb, text, text, jsonb, text), ops.job_answer(bigint)
  to service_role;
