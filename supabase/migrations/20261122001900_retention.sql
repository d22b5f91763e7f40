-- ===========================================================================
-- Job write API, part 10: ops.purge_retention, bounded batches.
--   logs:  ts older than settings.log_retention_days (default 90)
--   jobs:  finished before settings.job_retention_days (default 180), with
--          their scrape runs (cascade); a lineage goes only when every job in
--          it is that old
--   idempotency keys of the report API: older than
--          settings.idempotency_retention_hours (default 48)
-- Each kind is deleted in batches of p_batch_size rows, at most p_max_batches
-- batches per call; `more` tells the scheduler to call again.
-- ===========================================================================

insert into ops.settings (key, value, description) values
  ('idempotency_retention_hours', '48', 'Idempotency keys of the report API are kept this long.')
on conflict (key) do nothing;

create or replace function ops.purge_retention(p_batch_size integer default 5000, p_max_batches integer default 20)
returns jsonb language plpgsql volatile security definer set search_path = '' as $$
declare
  v_now timestamptz := ops_private.now();
  v_log_cutoff timestamptz;
  v_job_cutoff timestamptz;
  v_key_cutoff timestamptz;
  v_n integer;
  v_batches integer;
  n_logs bigint := 0;
  n_jobs bigint := 0;
  n_keys bigint := 0;
  v_more boolean := false;
begin
  if p_batch_size is null or p_batch_size not between 1 and 100000
     or p_max_batches is null or p_max_batches not between 1 and 1000 then
    perform ops_private.api_error('P0400', 'batch size must be 1..100000 and max batches 1..1000',
      jsonb_build_object('code', 'invalid_argument', 'field', 'batch_size'));
  end if;
  select v_now - make_interval(days => coalesce((select (value #>> '{}')::integer from ops.settings
    where key = 'log_retention_days'), 90)) into v_log_cutoff;
  select v_now - make_interval(days => coalesce((select (value #>> '{}')::integer from ops.settings
    where key = 'job_retention_days'), 180)) into v_job_cutoff;
  select v_now - make_interval(hours => coalesce((select (value #>> '{}')::integer from ops.settings
    where key = 'idempotency_retention_hours'), 48)) into v_key_cutoff;

  -- logs: oldest first
  v_batches := 0;
  loop
    delete from ops.logs where id in (
      select id from ops.logs where ts < v_log_cutoff order by id limit p_batch_size);
    get diagnostics v_n = row_count;
    n_logs := n_logs + v_n;
    v_batches := v_batches + 1;
    -- a full batch at the batch limit: more is left for the next run
    v_more := v_more or (v_n = p_batch_size and v_batches >= p_max_batches);
    exit when v_n < p_batch_size or v_batches >= p_max_batches;
  end loop;

  -- jobs: whole lineages only (a child goes with its root by cascade)
  v_batches := 0;
  loop
    with doomed as (
      select j.id from ops.jobs j
      where j.finished_at < v_job_cutoff
        and j.parent_id is null
        and not exists (
          select 1 from ops.jobs c
          where c.root_id = j.id and (c.finished_at is null or c.finished_at >= v_job_cutoff))
      order by j.id
      limit p_batch_size
    ),
    deleted as (
      delete from ops.jobs j using doomed d where j.id = d.id returning j.id
    )
    select count(*)::integer into v_n from deleted;
    n_jobs := n_jobs + v_n;
    v_batches := v_batches + 1;
    -- a full batch at the batch limit: more is left for the next run
    v_more := v_more or (v_n = p_batch_size and v_batches >= p_max_batches);
    exit when v_n < p_batch_size or v_batches >= p_max_batches;
  end loop;

  delete from ops.api_idempotency_keys where created_at < v_key_cutoff;
  get diagnostics v_n = row_count;
  n_keys := v_n;

  return jsonb_build_object('logs', n_logs, 'jobs', n_jobs, 'idempotency_keys', n_keys, 'more', v_more,
    'log_cutoff', v_log_cutoff, 'job_cutoff', v_job_cutoff);
end
$$;

comment on function ops.purge_retention(integer, integer) is
  'Deletes old logs, old finished job lineages and old idempotency keys in bounded batches; returns counts and whether more remain.';

revoke all on function ops.purge_retention(integer, integer) from public, anon, authenticated;
grant execute on function ops.purge_retention(integer, integer) to service_role;
