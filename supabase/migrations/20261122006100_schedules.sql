-- ===========================================================================
-- pg_cron schedules (UTC; hosted Supabase cannot change cron.timezone).
--
--   ops-nightly-pipeline  0 0,1 * * *    02:00 Europe/Berlin (guarded, see ops.fire_schedule)
--   ops-mirror-export     45 5,6 * * *   07:45 Europe/Berlin (guarded)
--   ops-sweeper           * * * * *      stale heartbeats, timeouts, skipped children;
--                                        wakes the workers when work is pending
--   ops-retention         30 3 * * *     logs, old jobs, idempotency keys (bounded batches)
--   ops-cron-history      15 3 * * *     cron.job_run_details older than 7 days
-- Every command is one short SQL call (Supabase: at most 8 concurrent cron
-- jobs, each under 10 minutes); the work itself happens in edge functions.
-- cron.schedule(name, ...) replaces a job of the same name, so re-running this
-- migration never duplicates a schedule.
-- ===========================================================================

-- ---------------------------------------------------------------------------
-- ops.sweep_and_wake: the sweeper, then a wake-up for each worker with work
-- ---------------------------------------------------------------------------
create or replace function ops.sweep_and_wake()
returns jsonb language plpgsql security definer set search_path = '' as $$
declare
  swept jsonb := ops.sweep();
begin
  -- pg_net's answers to earlier wake-ups; undelivered ones are sent again
  swept := swept || jsonb_build_object('dispatches', ops_private.reconcile_dispatches());
  -- a lost wake-up or an ended backoff only delays work: wake every worker that has runnable jobs
  perform ops.wake(null, 'sweeper');
  return swept;
end
$$;

revoke all on function ops.sweep_and_wake() from public, anon, authenticated;
grant execute on function ops.sweep_and_wake() to service_role;

-- ---------------------------------------------------------------------------
-- ops.purge_cron_history
-- ---------------------------------------------------------------------------
create or replace function ops.purge_cron_history(keep interval default interval '7 days')
returns integer language plpgsql security definer set search_path = '' as $$
declare
  deleted integer;
begin
  delete from cron.job_run_details where end_time < ops_private.now() - keep;
  get diagnostics deleted = row_count;
  return deleted;
end
$$;

revoke all on function ops.purge_cron_history(interval) from public, anon, authenticated;
grant execute on function ops.purge_cron_history(interval) to service_role;

-- ---------------------------------------------------------------------------
-- The schedules
-- ---------------------------------------------------------------------------
select cron.schedule('ops-nightly-pipeline', '0 0,1 * * *',
  $$select ops.fire_schedule('nightly_pipeline', '02:00', 'pipeline', '{"action": "run"}')$$);
select cron.schedule('ops-mirror-export', '45 5,6 * * *',
  $$select ops.fire_schedule('mirror_export', '07:45', 'mirror', '{"action": "export"}')$$);
select cron.schedule('ops-sweeper', '* * * * *', $$select ops.sweep_and_wake()$$);
select cron.schedule('ops-retention', '30 3 * * *', $$select ops.purge_retention()$$);
select cron.schedule('ops-cron-history', '15 3 * * *', $$select ops.purge_cron_history()$$);
