-- ===========================================================================
-- Job write API, part 4: heartbeat, scrape metric increments, checkpoints.
--
-- Scrape metrics are a JSON object of increments, e.g.
--   {"requests": 12, "blocked_429": 1, "request_time_ms_total": 5321.5,
--    "items_found": 40, "breaker_triggered": true, "breaker_trips": 1,
--    "portal_stats": {"greenhouse": {"requests": 12}}}
-- Counters add up (portal_stats deep-sums), breaker_triggered ORs. Unknown
-- keys, negative or non-numeric values raise P0400 and change nothing.
-- ===========================================================================

-- ---------------------------------------------------------------------------
-- ops_private.add_scrape_metrics: one upsert of increments into scrape_runs
-- ---------------------------------------------------------------------------
create or replace function ops_private.add_scrape_metrics(p_job ops.jobs, p_metrics jsonb, p_now timestamptz)
returns void language plpgsql volatile set search_path = '' as $$
declare
  v_key text;
  v_value jsonb;
  v_counters constant text[] := array[
    'links_checked', 'links_ok', 'links_failed', 'items_found', 'items_new', 'items_updated',
    'items_rejected', 'requests', 'http_failures', 'blocked_403', 'blocked_429', 'timeouts',
    'captchas', 'breaker_trips'];
  m jsonb := p_metrics;
begin
  if m is null or m = '{}'::jsonb then
    return;
  end if;
  if jsonb_typeof(m) <> 'object' then
    perform ops_private.api_error('P0400', 'metrics must be a JSON object',
      jsonb_build_object('code', 'invalid_argument', 'field', 'metrics'));
  end if;
  for v_key, v_value in select * from jsonb_each(m) loop
    if v_key = any (v_counters) then
      if jsonb_typeof(v_value) <> 'number' or not (
           case when jsonb_typeof(v_value) = 'number'
             then v_value::text::numeric between 0 and 2147483647
                  and v_value::text::numeric = trunc(v_value::text::numeric)
           end) then
        perform ops_private.api_error('P0400', format('metric %s must be a non-negative integer', v_key),
          jsonb_build_object('code', 'invalid_argument', 'field', 'metrics.' || v_key));
      end if;
    elsif v_key = 'request_time_ms_total' then
      if jsonb_typeof(v_value) <> 'number'
         or (case when jsonb_typeof(v_value) = 'number' then v_value::text::numeric < 0 end) then
        perform ops_private.api_error('P0400', 'metric request_time_ms_total must be a non-negative number',
          jsonb_build_object('code', 'invalid_argument', 'field', 'metrics.' || v_key));
      end if;
    elsif v_key = 'breaker_triggered' then
      if jsonb_typeof(v_value) <> 'boolean' then
        perform ops_private.api_error('P0400', 'metric breaker_triggered must be a boolean',
          jsonb_build_object('code', 'invalid_argument', 'field', 'metrics.' || v_key));
      end if;
    elsif v_key = 'portal_stats' then
      if jsonb_typeof(v_value) <> 'object' then
        perform ops_private.api_error('P0400', 'metric portal_stats must be a JSON object',
          jsonb_build_object('code', 'invalid_argument', 'field', 'metrics.' || v_key));
      end if;
    else
      perform ops_private.api_error('P0400', format('unknown metric %s', v_key),
        jsonb_build_object('code', 'invalid_argument', 'field', 'metrics.' || v_key));
    end if;
  end loop;
  if p_job.source_id is null then
    perform ops_private.api_error('P0400', format('job %s has no source: scrape metrics belong to a source', p_job.id),
      jsonb_build_object('code', 'invalid_argument', 'field', 'metrics', 'job_id', p_job.id));
  end if;

  insert into ops.scrape_runs as r (
    job_id, source_id, run_date, started_at,
    links_checked, links_ok, links_failed, items_found, items_new, items_updated, items_rejected,
    requests, http_failures, blocked_403, blocked_429, timeouts, captchas, breaker_trips,
    request_time_ms_total, breaker_triggered, portal_stats)
  values (
    p_job.id, p_job.source_id, coalesce(p_job.run_date, ops_private.berlin_date(p_now)),
    coalesce(p_job.claimed_at, p_now),
    coalesce((m ->> 'links_checked')::integer, 0), coalesce((m ->> 'links_ok')::integer, 0),
    coalesce((m ->> 'links_failed')::integer, 0), coalesce((m ->> 'items_found')::integer, 0),
    coalesce((m ->> 'items_new')::integer, 0), coalesce((m ->> 'items_updated')::integer, 0),
    coalesce((m ->> 'items_rejected')::integer, 0), coalesce((m ->> 'requests')::integer, 0),
    coalesce((m ->> 'http_failures')::integer, 0), coalesce((m ->> 'blocked_403')::integer, 0),
    coalesce((m ->> 'blocked_429')::integer, 0), coalesce((m ->> 'timeouts')::integer, 0),
    coalesce((m ->> 'captchas')::integer, 0), coalesce((m ->> 'breaker_trips')::integer, 0),
    coalesce((m ->> 'request_time_ms_total')::numeric, 0), coalesce((m ->> 'breaker_triggered')::boolean, false),
    coalesce(m -> 'portal_stats', '{}'::jsonb))
  on conflict (job_id) do update set
    links_checked = r.links_checked + excluded.links_checked,
    links_ok = r.links_ok + excluded.links_ok,
    links_failed = r.links_failed + excluded.links_failed,
    items_found = r.items_found + excluded.items_found,
    items_new = r.items_new + excluded.items_new,
    items_updated = r.items_updated + excluded.items_updated,
    items_rejected = r.items_rejected + excluded.items_rejected,
    requests = r.requests + excluded.requests,
    http_failures = r.http_failures + excluded.http_failures,
    blocked_403 = r.blocked_403 + excluded.blocked_403,
    blocked_429 = r.blocked_429 + excluded.blocked_429,
    timeouts = r.timeouts + excluded.timeouts,
    captchas = r.captchas + excluded.captchas,
    breaker_trips = r.breaker_trips + excluded.breaker_trips,
    request_time_ms_total = r.request_time_ms_total + excluded.request_time_ms_total,
    breaker_triggered = r.breaker_triggered or excluded.breaker_triggered,
    portal_stats = ops_private.jsonb_add(r.portal_stats, excluded.portal_stats);
end
$$;

-- ---------------------------------------------------------------------------
-- ops.add_scrape_metrics: increments outside a heartbeat
-- ---------------------------------------------------------------------------
create or replace function ops.add_scrape_metrics(p_job_id bigint, p_metrics jsonb)
returns ops.scrape_runs language plpgsql volatile security definer set search_path = '' as $$
declare
  v_job ops.jobs;
  v_run ops.scrape_runs;
begin
  v_job := ops_private.job_or_404(p_job_id);
  if v_job.status not in ('pending', 'running') then
    perform ops_private.api_error('P0419', format('job %s is already %s', v_job.id, v_job.status),
      jsonb_build_object('code', 'job_finished', 'job_id', v_job.id, 'status', v_job.status,
        'finished_at', v_job.finished_at));
  end if;
  perform ops_private.add_scrape_metrics(v_job, p_metrics, ops_private.now());
  select * into v_run from ops.scrape_runs where job_id = p_job_id;
  return v_run;
end
$$;

-- ---------------------------------------------------------------------------
-- ops.heartbeat
--   cancel_requested: an operator asked to stop; finish as cancelled.
--   status:           the job's status; anything but running means stop
--                     (the sweeper ended or re-queued it).
--   owned:            false when p_worker is given and another worker holds
--                     the job now: stop without finishing.
-- Progress, cursor and metrics are applied only while the caller owns the
-- running job.
-- ---------------------------------------------------------------------------
create or replace function ops.heartbeat(
  p_job_id bigint,
  p_worker text default null,
  p_progress_done integer default null,
  p_progress_total integer default null,
  p_cursor jsonb default null,
  p_metrics jsonb default null
)
returns table (cancel_requested boolean, status text, owned boolean) language plpgsql volatile security definer set search_path = '' as $$
declare
  v_now timestamptz := ops_private.now();
  v_job ops.jobs;
begin
  if p_progress_done < 0 or p_progress_total < 0 then
    perform ops_private.api_error('P0400', 'progress must not be negative',
      jsonb_build_object('code', 'invalid_argument', 'field', 'progress'));
  end if;
  v_job := ops_private.job_or_404(p_job_id, true);
  owned := v_job.status = 'running' and (p_worker is null or v_job.locked_by is not distinct from p_worker);
  if owned then
    update ops.jobs j
      set heartbeat_at = v_now,
          progress_done = coalesce(p_progress_done, j.progress_done),
          progress_total = coalesce(p_progress_total, j.progress_total),
          cursor = coalesce(p_cursor, j.cursor),
          updated_at = v_now
      where j.id = p_job_id;
    perform ops_private.add_scrape_metrics(v_job, p_metrics, v_now);
  end if;
  cancel_requested := v_job.cancel_requested;
  status := v_job.status;
  return next;
end
$$;

comment on function ops.heartbeat(bigint, text, integer, integer, jsonb, jsonb) is
  'Keeps a running job''s lease; optionally progress, cursor (checkpoint) and scrape metric increments. Returns cancel_requested, status and owned: stop unless status = running and owned; finish as cancelled when cancel_requested.';

-- ---------------------------------------------------------------------------
-- ops.continue_later: checkpoint and hand the job back to the queue
-- A long job that hits the wall clock yields: it becomes pending again with
-- its cursor, run_after = now + delay, and the attempt is given back (a
-- continuation is not a failure). Execution time is rolled up.
-- ---------------------------------------------------------------------------
create or replace function ops.continue_later(
  p_job_id bigint,
  p_cursor jsonb,
  p_delay_seconds numeric default 0,
  p_worker text default null,
  p_metrics jsonb default null
)
returns ops.jobs language plpgsql volatile security definer set search_path = '' as $$
declare
  v_now timestamptz := ops_private.now();
  v_job ops.jobs;
begin
  if p_delay_seconds is null or p_delay_seconds < 0 or p_delay_seconds > 86400 then
    perform ops_private.api_error('P0400', 'delay must be between 0 and 86400 seconds',
      jsonb_build_object('code', 'invalid_argument', 'field', 'delay_seconds'));
  end if;
  v_job := ops_private.job_or_404(p_job_id, true);
  if v_job.status <> 'running' then
    perform ops_private.api_error('P0419', format('job %s is %s, not running', v_job.id, v_job.status),
      jsonb_build_object('code', 'job_finished', 'job_id', v_job.id, 'status', v_job.status,
        'finished_at', v_job.finished_at));
  end if;
  if p_worker is not null and v_job.locked_by is distinct from p_worker then
    perform ops_private.api_error('P0423', format('job %s is held by another worker', v_job.id),
      jsonb_build_object('code', 'job_not_owned', 'job_id', v_job.id, 'locked_by', v_job.locked_by));
  end if;
  perform ops_private.add_scrape_metrics(v_job, p_metrics, v_now);
  update ops.scrape_runs
    set execution_time_sec = execution_time_sec
      + greatest(0, extract(epoch from v_now - coalesce(v_job.claimed_at, v_now)))::numeric(10, 3)
    where job_id = v_job.id;
  update ops.jobs
    set status = 'pending', attempt = greatest(0, attempt - 1), locked_by = null, heartbeat_at = null,
        claimed_at = null, timeout_at = null, cursor = p_cursor,
        run_after = v_now + make_interval(secs => p_delay_seconds::double precision), updated_at = v_now
    where id = v_job.id
    returning * into v_job;
  return v_job;
end
$$;

comment on function ops.continue_later(bigint, jsonb, numeric, text, jsonb) is
  'Checkpoints a running job (cursor) and re-queues it after p_delay_seconds without using up an attempt.';

-- ---------------------------------------------------------------------------
-- Privileges: workers only
-- ---------------------------------------------------------------------------
revoke all on function ops_private.add_scrape_metrics(ops.jobs, jsonb, timestamptz) from public;
revoke all on function ops.add_scrape_metrics(bigint, jsonb),
  ops.heartbeat(bigint, text, integer, integer, jsonb, jsonb),
  ops.continue_later(bigint, jsonb, numeric, text, jsonb)
  from public, anon, authenticated;
grant execute on function ops.add_scrape_metrics(bigint, jsonb),
  ops.heartbeat(bigint, text, integer, integer, jsonb, jsonb),
  ops.continue_later(bigint, jsonb, numeric, text, jsonb)
  to service_role;
