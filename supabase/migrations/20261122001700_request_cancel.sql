-- ===========================================================================
-- Job write API, part 8: ops.request_cancel (operators and workers).
--
--   pending  -> cancelled at once (category cancelled)
--   running  -> cancel_requested; the worker sees it at its next heartbeat
--               and finishes as cancelled (the sweeper cancels it if the
--               worker died). Running children are asked to cancel too;
--               pending children never start (claim skips them) and the
--               sweeper marks them skipped.
--   terminal -> P0419 (DETAIL: job_id, status, finished_at)
-- Every call is written to ops.audit_log.
-- ===========================================================================

create or replace function ops.request_cancel(p_job_id bigint, p_reason text default null)
returns ops.jobs language plpgsql volatile security definer set search_path = '' as $$
declare
  v_now timestamptz := ops_private.now();
  v_job ops.jobs;
  v_before text;
begin
  perform ops_private.require_operator();
  if length(p_reason) > 1000 then
    perform ops_private.api_error('P0400', 'reason is longer than 1000 characters',
      jsonb_build_object('code', 'invalid_argument', 'field', 'reason'));
  end if;

  v_job := ops_private.job_or_404(p_job_id, true);
  if v_job.finished_at is not null then
    perform ops_private.api_error('P0419', format('job %s is already %s', v_job.id, v_job.status),
      jsonb_build_object('code', 'job_finished', 'job_id', v_job.id, 'status', v_job.status,
        'finished_at', v_job.finished_at));
  end if;
  v_before := v_job.status;

  update ops.jobs set cancel_requested = true, updated_at = v_now where id = v_job.id returning * into v_job;
  if v_job.status = 'pending' then
    v_job := ops_private.finalize_job(v_job, 'cancelled', null,
      coalesce(p_reason, format('cancelled by %s', ops_private.actor())), 'cancelled', v_now);
  else
    update ops.jobs
      set cancel_requested = true, updated_at = v_now
      where (parent_id = v_job.id or root_id = v_job.id) and status = 'running' and not cancel_requested;
  end if;

  perform ops_private.audit('job.cancel', 'job:' || v_job.id, jsonb_build_object('status', v_before),
    jsonb_build_object('status', v_job.status, 'cancel_requested', true, 'reason', p_reason), v_now);
  return v_job;
end
$$;

comment on function ops.request_cancel(bigint, text) is
  'Cancels a pending job at once, asks a running job (and its running children) to stop; P0419 for finished jobs. Operators and workers; audited.';

revoke all on function ops.request_cancel(bigint, text) from public, anon, authenticated;
-- authenticated may call it; the function itself lets only operators through
grant execute on function ops.request_cancel(bigint, text) to authenticated, service_role;
