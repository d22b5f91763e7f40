-- ===========================================================================
-- The report API's rules (the `report` function is their HTTP door): scrapers
-- that run elsewhere start, heartbeat, finish and read back runs here.
--
--   * Start: a source key names the source (404 unknown, 409 source_paused
--     when it is inactive); the run date is a Europe/Berlin day in the run-date
--     window, 365 days back to tomorrow (400 otherwise). A reported run is never handed to
--     another worker: when its heartbeats stop, the sweeper ends it
--     (lost_worker) instead of re-queueing it, and the reporter's next start is
--     a new run.
--   * Counters are RUNNING TOTALS, never increments: ops_private.totals_to_increments
--     turns them into the increments that ops_private.add_scrape_metrics (the
--     one merge of run counters) adds, under the job's row lock. Sending the
--     same totals again adds nothing; a total below the stored one raises
--     P0400 counters_decreased naming each counter.
--   * Heartbeat and finish identify the run by its id: the worker named at
--     start is a label, so the same client can never conflict with itself.
--   * ops.report_run: what a reporter (or an operator) reads back: the job,
--     its counters, its errors and its log count.
-- ===========================================================================

-- ---------------------------------------------------------------------------
-- ops.report_run: one run as the report API shows it
-- ---------------------------------------------------------------------------
create or replace function ops.report_run(p_job_id bigint)
returns jsonb language plpgsql stable set search_path = '' as $$
declare
  v_job ops.jobs;
begin
  v_job := ops_private.job_or_404(p_job_id);
  return jsonb_build_object(
    'job', jsonb_build_object(
      'id', v_job.id, 'type', v_job.type, 'status', v_job.status,
      'source_key', (select s.key from ops.sources s where s.id = v_job.source_id),
      'run_date', v_job.run_date, 'worker', v_job.locked_by, 'attempt', v_job.attempt,
      'params', v_job.params, 'created_by', v_job.created_by,
      'started_at', v_job.started_at, 'heartbeat_at', v_job.heartbeat_at, 'finished_at', v_job.finished_at,
      'lease_seconds', v_job.lease_seconds, 'cancel_requested', v_job.cancel_requested,
      'progress', jsonb_build_object('done', v_job.progress_done, 'total', v_job.progress_total),
      'result', v_job.result, 'error', v_job.error, 'error_category', v_job.error_category),
    'counters', (
      select jsonb_build_object(
        'links_checked', r.links_checked, 'links_ok', r.links_ok, 'links_failed', r.links_failed,
        'items_found', r.items_found, 'items_new', r.items_new, 'items_updated', r.items_updated,
        'items_rejected', r.items_rejected, 'requests', r.requests, 'http_failures', r.http_failures,
        'blocked_403', r.blocked_403, 'blocked_429', r.blocked_429, 'timeouts', r.timeouts,
        'captchas', r.captchas, 'breaker_trips', r.breaker_trips,
        'request_time_ms_total', r.request_time_ms_total, 'breaker_triggered', r.breaker_triggered)
      from ops.scrape_runs r where r.job_id = v_job.id),
    'errors', coalesce((
      select jsonb_agg(jsonb_build_object(
          'category', e.category, 'severity', e.severity, 'http_status', e.http_status,
          'message', e.message, 'count', e.count, 'last_occurrence', e.last_occurrence)
        order by e.last_occurrence desc, e.id)
      from ops.errors e where e.job_id = v_job.id), '[]'::jsonb),
    'log_count', (select count(*) from ops.logs l where l.job_id = v_job.id));
end
$$;

comment on function ops.report_run(bigint) is
  'A run as the report API shows it: job (status, worker, progress, outcome), counters (totals), errors of the run (latest occurrence in it), log count. P0404 unknown job.';

-- ---------------------------------------------------------------------------
-- ops_private.totals_to_increments: running totals -> increments
-- Keys that are not numeric counters pass through unchanged, so that
-- ops_private.add_scrape_metrics validates them in its one place.
-- ---------------------------------------------------------------------------
create or replace function ops_private.totals_to_increments(p_job ops.jobs, p_totals jsonb)
returns jsonb language plpgsql stable set search_path = '' as $$
declare
  v_stored jsonb;
  v_key text;
  v_value jsonb;
  v_out jsonb := '{}'::jsonb;
  v_decreased jsonb := '{}'::jsonb;
  v_sent numeric;
  v_had numeric;
begin
  if p_totals is null or jsonb_typeof(p_totals) <> 'object' then
    return p_totals;
  end if;
  select to_jsonb(r) into v_stored from ops.scrape_runs r where r.job_id = p_job.id;
  for v_key, v_value in select * from jsonb_each(p_totals) loop
    if jsonb_typeof(v_value) = 'number' and jsonb_typeof(v_stored -> v_key) = 'number'
       and v_key not in ('job_id', 'source_id', 'avg_request_ms', 'execution_time_sec') then
      v_sent := v_value::text::numeric;
      v_had := (v_stored ->> v_key)::numeric;
      if v_sent < v_had then
        v_decreased := v_decreased || jsonb_build_object('totals.' || v_key, jsonb_build_array(
          format('%s is below the stored total %s: counters are running totals, not increments', v_sent, v_had)));
      end if;
      v_out := v_out || jsonb_build_object(v_key, greatest(v_sent - v_had, 0));
    else
      v_out := v_out || jsonb_build_object(v_key, v_value);
    end if;
  end loop;
  if v_decreased <> '{}'::jsonb then
    perform ops_private.api_error('P0400', 'a counter total went down: send running totals, never increments',
      jsonb_build_object('code', 'counters_decreased', 'fields', v_decreased));
  end if;
  return v_out;
end
$$;

-- ---------------------------------------------------------------------------
-- ops.report_start
-- ---------------------------------------------------------------------------
create or replace function ops.report_start(
  p_worker text,
  p_source_key text default null,
  p_type text default null,
  p_params jsonb default '{}'::jsonb,
  p_run_date date default null,
  p_parent_id bigint default null,
  p_created_by text default null
)
returns jsonb language plpgsql volatile security definer set search_path = '' as $$
declare
  v_source ops.sources;
  v_job ops.jobs;
begin
  if p_source_key is not null then
    v_source := ops_private.startable_source(p_source_key);
  end if;
  -- the run-date window, one rule for every job (20261126300000_run_date_window.sql)
  perform ops_private.check_run_date(p_run_date, 'run_date');
  v_job := ops.start_job(coalesce(p_type, case when v_source.id is null then 'external' else 'scrape' end),
    p_worker, coalesce(p_params, '{}'::jsonb), v_source.id, p_parent_id, p_run_date, null, p_created_by);
  -- a reported run is never handed to another worker (the scrape worker would take it over)
  update ops.jobs set max_attempts = 1 where id = v_job.id;
  return ops.report_run(v_job.id);
end
$$;

comment on function ops.report_start(text, text, text, jsonb, date, bigint, text) is
  'Starts a reported run (scrape run of a source, or an external job) running under p_worker. P0404 unknown source, P0409 source_paused, P0400 run_date outside [today - 365, tomorrow] Berlin.';

-- ---------------------------------------------------------------------------
-- ops.report_heartbeat: lease, progress, cursor, running totals
-- ---------------------------------------------------------------------------
create or replace function ops.report_heartbeat(
  p_job_id bigint,
  p_progress_done integer default null,
  p_progress_total integer default null,
  p_cursor jsonb default null,
  p_totals jsonb default null
)
returns table (cancel_requested boolean, status text, owned boolean) language plpgsql volatile security definer set search_path = '' as $$
declare
  v_job ops.jobs;
  v_increments jsonb;
begin
  v_job := ops_private.job_or_404(p_job_id, true);
  -- a heartbeat to an ended run changes nothing; its answer says so
  v_increments := case when v_job.status = 'running' then ops_private.totals_to_increments(v_job, p_totals) end;
  return query select * from ops.heartbeat(p_job_id, null, p_progress_done, p_progress_total, p_cursor, v_increments);
end
$$;

comment on function ops.report_heartbeat(bigint, integer, integer, jsonb, jsonb) is
  'ops.heartbeat with counters as running totals (P0400 counters_decreased when one goes down).';

-- ---------------------------------------------------------------------------
-- ops.report_finish
-- Totals first, then ops.finish without metrics: its replay digest then covers
-- status, result, error and category, and the totals of a replay must equal
-- the stored ones (else P0419, like any other different finish).
-- ---------------------------------------------------------------------------
create or replace function ops.report_finish(
  p_job_id bigint,
  p_status text,
  p_result jsonb default null,
  p_error text default null,
  p_error_category text default null,
  p_totals jsonb default null
)
returns jsonb language plpgsql volatile security definer set search_path = '' as $$
declare
  v_job ops.jobs;
  v_increments jsonb;
begin
  v_job := ops_private.job_or_404(p_job_id, true);
  if v_job.finished_at is null then
    v_increments := ops_private.totals_to_increments(v_job, p_totals);
    perform ops_private.add_scrape_metrics(v_job, v_increments, ops_private.now());
  elsif p_totals is not null and exists (
    select 1 from jsonb_each(p_totals) t
    join jsonb_each(coalesce((select to_jsonb(r) from ops.scrape_runs r where r.job_id = v_job.id), '{}'::jsonb)) s
      on s.key = t.key
    where t.value is distinct from s.value and not (
      jsonb_typeof(t.value) = 'number' and jsonb_typeof(s.value) = 'number'
      and t.value::text::numeric = s.value::text::numeric)
  ) then
    perform ops_private.api_error('P0419', format('job %s is already %s with other totals', v_job.id, v_job.status),
      jsonb_build_object('code', 'job_finished', 'job_id', v_job.id, 'status', v_job.status,
        'finished_at', v_job.finished_at));
  end if;
  perform ops.finish(p_job_id, p_status, p_result, p_error, p_error_category, null, null);
  return ops.report_run(p_job_id);
end
$$;

comment on function ops.report_finish(bigint, text, jsonb, text, text, jsonb) is
  'ops.finish with counters as running totals. An identical repeat answers like the first; a different one is P0419.';

-- ---------------------------------------------------------------------------
-- Privileges: the report function calls these as the service role's peer
-- ---------------------------------------------------------------------------
revoke all on function ops_private.totals_to_increments(ops.jobs, jsonb) from public, anon, authenticated;
revoke all on function ops.report_run(bigint),
  ops.report_start(text, text, text, jsonb, date, bigint, text),
  ops.report_heartbeat(bigint, integer, integer, jsonb, jsonb),
  ops.report_finish(bigint, text, jsonb, text, text, jsonb)
  from public, anon, authenticated;
grant execute on function ops.report_run(bigint),
  ops.report_start(text, text, text, jsonb, date, bigint, text),
  ops.report_heartbeat(bigint, integer, integer, jsonb, jsonb),
  ops.report_finish(bigint, text, jsonb, text, text, jsonb)
  to service_role;
