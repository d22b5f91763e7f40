-- ===========================================================================
-- Job events: a NOTIFY whenever a job's status or progress changes, so that
-- live streams (jobs function, SSE) wake up instead of polling. Log lines
-- notify on their own channel from ops.append_logs ('ops_logs').
--   channel ops_jobs, payload {"job_id", "status", "progress_done", "progress_total"}
-- ===========================================================================

create or replace function ops_private.notify_job_change()
returns trigger language plpgsql set search_path = '' as $$
begin
  perform pg_notify('ops_jobs', json_build_object(
    'job_id', new.id, 'status', new.status,
    'progress_done', new.progress_done, 'progress_total', new.progress_total)::text);
  return new;
end
$$;

revoke all on function ops_private.notify_job_change() from public, anon, authenticated, service_role;

create trigger jobs_notify_change
  after update of status, progress_done, progress_total on ops.jobs
  for each row
  when (old.status is distinct from new.status
     or old.progress_done is distinct from new.progress_done
     or old.progress_total is distinct from new.progress_total)
  execute function ops_private.notify_job_change();
