-- ===========================================================================
-- Job write API, part 9: ops.sweep, so that no job stays running forever.
-- Run by pg_cron every minute (and callable by workers). Lease = the job's
-- lease_seconds since its last heartbeat. In this order:
--   1. running, cancel requested, lease expired   -> cancelled
--   2. running, past timeout_at                   -> failed, category timeout
--   3. running, lease expired, attempts remain    -> pending again with
--        run_after = now + exp(least(10, attempt)) seconds (2.7 s, 7.4 s,
--        20 s, ... at most 6.1 h), the lock released
--   4. running, lease expired, no attempts left   -> failed, category lost_worker
--   5. pending children whose parent or root failed, was cancelled or
--      skipped (or ended after a cancel request)  -> skipped, with the reason
-- Timeouts and lost workers are also recorded as classified errors, and every
-- action leaves a log line on the job (so its live log shows what happened).
-- Rows locked by a working worker are skipped, not waited for.
-- Returns counts: {"cancelled", "timed_out", "requeued", "lost", "skipped"}.
-- ===========================================================================

-- ---------------------------------------------------------------------------
-- ops_private.system_log: one log line written by the system itself
-- ---------------------------------------------------------------------------
create or replace function ops_private.system_log(p_job ops.jobs, p_level text, p_message text, p_now timestamptz)
returns void
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_id bigint;
begin
  perform ops_private.lock_job_log(p_job.id);
  insert into ops.logs (job_id, source_id, ts, level, message, context)
  values (p_job.id, p_job.source_id, p_now, p_level, p_message, '{"origin": "system"}'::jsonb)
  returning id into v_id;
  perform pg_notify('ops_logs', json_build_object('job_id', p_job.id, 'last_id', v_id, 'count', 1)::text);
end
$$;

-- ---------------------------------------------------------------------------
-- ops.sweep
-- ---------------------------------------------------------------------------
create or replace function ops.sweep(p_limit integer default 500)
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_now timestamptz := ops_private.now();
  v_job ops.jobs;
  v_message text;
  v_backoff double precision;
  v_parent ops.jobs;
  n_cancelled integer := 0;
  n_timed_out integer := 0;
  n_requeued integer := 0;
  n_lost integer := 0;
  n_skipped integer := 0;
begin
  -- 1. a cancel was requested and the worker is gone
  for v_job in
    select * from ops.jobs
    where status = 'running' and cancel_requested
      and coalesce(heartbeat_at, claimed_at, started_at) < v_now - make_interval(secs => lease_seconds)
    order by id limit p_limit
    for update skip locked
  loop
    v_message := 'cancelled: the worker stopped heartbeating after the cancel request';
    perform ops_private.finalize_job(v_job, 'cancelled', null, v_message, 'cancelled', v_now);
    perform ops_private.system_log(v_job, 'WARNING', v_message, v_now);
    n_cancelled := n_cancelled + 1;
  end loop;

  -- 2. past the timeout
  for v_job in
    select * from ops.jobs
    where status = 'running' and timeout_at < v_now
    order by id limit p_limit
    for update skip locked
  loop
    v_message := format('job timed out after %s s', round(extract(epoch from v_job.timeout_at - v_job.claimed_at)));
    perform ops_private.finalize_job(v_job, 'failed', null, v_message, 'timeout', v_now);
    perform ops_private.record_errors(v_job.id, v_job.source_id,
      jsonb_build_array(jsonb_build_object('message', v_message, 'category', 'timeout')), v_now);
    perform ops_private.system_log(v_job, 'ERROR', v_message, v_now);
    n_timed_out := n_timed_out + 1;
  end loop;

  -- 3 and 4. the heartbeat went stale: retry with backoff, or give up
  for v_job in
    select * from ops.jobs
    where status = 'running'
      and coalesce(heartbeat_at, claimed_at, started_at) < v_now - make_interval(secs => lease_seconds)
    order by id limit p_limit
    for update skip locked
  loop
    if v_job.attempt < v_job.max_attempts then
      v_backoff := exp(least(10, v_job.attempt));
      v_message := format('worker %s stopped heartbeating (attempt %s of %s); retrying in %s s',
        coalesce(v_job.locked_by, '?'), v_job.attempt, v_job.max_attempts, round(v_backoff::numeric, 1));
      update ops.scrape_runs
        set execution_time_sec = execution_time_sec
          + greatest(0, extract(epoch from coalesce(v_job.heartbeat_at, v_now) - coalesce(v_job.claimed_at, v_now)))::numeric(10, 3)
        where job_id = v_job.id;
      update ops.jobs
        set status = 'pending', locked_by = null, heartbeat_at = null, claimed_at = null, timeout_at = null,
            run_after = v_now + make_interval(secs => v_backoff), error = v_message,
            error_category = 'lost_worker', updated_at = v_now
        where id = v_job.id;
      perform ops_private.system_log(v_job, 'WARNING', v_message, v_now);
      n_requeued := n_requeued + 1;
    else
      v_message := format('worker %s stopped heartbeating (attempt %s of %s); no attempts left',
        coalesce(v_job.locked_by, '?'), v_job.attempt, v_job.max_attempts);
      perform ops_private.finalize_job(v_job, 'failed', null, v_message, 'lost_worker', v_now);
      perform ops_private.record_errors(v_job.id, v_job.source_id,
        jsonb_build_array(jsonb_build_object('message', 'worker stopped heartbeating; no attempts left',
          'category', 'lost_worker')), v_now);
      perform ops_private.system_log(v_job, 'ERROR', v_message, v_now);
      n_lost := n_lost + 1;
    end if;
  end loop;

  -- 5. children that never ran under a parent that will not run them
  for v_job in
    select c.* from ops.jobs c
    where c.status = 'pending'
      and exists (
        select 1 from ops.jobs p
        where p.id in (c.parent_id, c.root_id)
          and (p.status in ('failed', 'cancelled', 'skipped') or (p.cancel_requested and p.finished_at is not null)))
    order by c.id limit p_limit
    for update of c skip locked
  loop
    select * into v_parent from ops.jobs p
      where p.id in (v_job.parent_id, v_job.root_id)
        and (p.status in ('failed', 'cancelled', 'skipped') or (p.cancel_requested and p.finished_at is not null))
      order by (p.id = v_job.parent_id) desc
      limit 1;
    v_message := format('skipped: parent job %s %s', v_parent.id,
      case when v_parent.status in ('failed', 'cancelled', 'skipped') then v_parent.status else 'was cancelled' end);
    perform ops_private.finalize_job(v_job, 'skipped', jsonb_build_object('skipped_reason', v_message),
      v_message, null, v_now);
    perform ops_private.system_log(v_job, 'INFO', v_message, v_now);
    n_skipped := n_skipped + 1;
  end loop;

  return jsonb_build_object('cancelled', n_cancelled, 'timed_out', n_timed_out, 'requeued', n_requeued,
    'lost', n_lost, 'skipped', n_skipped);
end
$$;

comment on function ops.sweep(integer) is
  'Ends or re-queues jobs whose worker died or that timed out, and skips children of failed/cancelled parents. Returns counts.';

revoke all on function ops_private.system_log(ops.jobs, text, text, timestamptz) from public;
revoke all on function ops.sweep(integer) from public, anon, authenticated;
grant execute on function ops.sweep(integer) to service_role;
