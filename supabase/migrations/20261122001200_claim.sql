-- ===========================================================================
-- Job write API, part 3: the one definition of a runnable job, and ops.claim,
-- a batch claim with FOR UPDATE SKIP LOCKED.
--
-- Runnable (ops_private.runnable_jobs) = pending, run_after <= now (the one
-- clock), not cancel-requested, and its parent and root are neither failed,
-- cancelled, skipped nor cancel-requested (children of a cancelled parent
-- never start; the sweeper marks them skipped). claim, the wake-ups
-- (ops.wake: the sweeper and the scrape worker's "is there work left") and the
-- wake-on-enqueue trigger all read this view, so they cannot disagree.
-- claim takes runnable jobs of the requested types; order: priority desc,
-- run_after, id.
-- A claimed job is running with attempt + 1, locked_by = the worker,
-- heartbeat_at = claimed_at = now, timeout_at = now + the type's timeout.
-- Two workers claiming at once never get the same job: rows locked by the
-- other are skipped, not waited for.
-- ===========================================================================

create or replace view ops_private.runnable_jobs
with (security_invoker = true)
as
select j.*
from ops.jobs j
where j.status = 'pending'
  and j.run_after <= ops_private.now()
  and not j.cancel_requested
  and not exists (
    select 1 from ops.jobs p
    where p.id in (j.parent_id, j.root_id)
      and (p.status in ('failed', 'cancelled', 'skipped') or p.cancel_requested));

comment on view ops_private.runnable_jobs is
  'The one definition of a runnable job: pending, due by ops_private.now(), not cancel-requested, parent and root still alive. Read by ops.claim, ops.wake and the wake-on-enqueue trigger.';

revoke all on ops_private.runnable_jobs from public, anon, authenticated, service_role;

create or replace function ops.claim(
  p_worker text,
  p_types text[] default null,
  p_limit integer default 1
)
returns setof ops.jobs language plpgsql volatile security definer set search_path = '' as $$
declare
  v_now timestamptz := ops_private.now();
begin
  if p_worker is null or length(p_worker) not between 1 and 200 then
    perform ops_private.api_error('P0400', 'worker must be 1 to 200 characters',
      jsonb_build_object('code', 'invalid_argument', 'field', 'worker'));
  end if;
  if p_limit is null or p_limit not between 1 and 1000 then
    perform ops_private.api_error('P0400', 'limit must be between 1 and 1000',
      jsonb_build_object('code', 'invalid_argument', 'field', 'limit'));
  end if;

  return query
  with candidates as (
    select r.id
    from ops_private.runnable_jobs r
    where p_types is null or r.type = any (p_types)
    order by r.priority desc, r.run_after, r.id
    limit p_limit
    for update skip locked
  )
  update ops.jobs j
    set status = 'running',
        attempt = j.attempt + 1,
        locked_by = p_worker,
        heartbeat_at = v_now,
        claimed_at = v_now,
        started_at = coalesce(j.started_at, v_now),
        timeout_at = v_now + make_interval(secs => t.timeout_seconds),
        updated_at = v_now
    from candidates c, ops.job_types t
    where j.id = c.id and t.type = j.type
    returning j.*;
end
$$;

comment on function ops.claim(text, text[], integer) is
  'Claims up to p_limit runnable jobs (of p_types, or any type) for p_worker with FOR UPDATE SKIP LOCKED.';

revoke all on function ops.claim(text, text[], integer) from public, anon, authenticated;
grant execute on function ops.claim(text, text[], integer) to service_role;
