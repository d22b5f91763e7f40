-- ===========================================================================
-- BI mirror exports: the write API of ops.mirror_runs.
--
-- The mirror function (supabase/functions/mirror) exports
-- reporting.daily_summary_looker_v for the last N Europe/Berlin days to
-- monitoring.daily_summary (BigQuery, or the local Postgres target) and
-- records every export here:
--
--   ops.mirror_date_range(days)            the dates an export of N days covers:
--                                          today (Berlin) - (N - 1) .. today
--   ops.mirror_export_start(target, days, trigger, job_id)
--                                          a 'running' record for that range;
--                                          first ends exports abandoned by a
--                                          dead worker (running > 15 minutes)
--   ops.mirror_export_finish(id, status, rows_read, rows_upserted,
--                            watermark, error)
--                                          completed | failed, duration_ms
--
-- Dry runs write nothing, so they are never recorded. A failed export is
-- repaired by running the export again (the MERGE is idempotent); the
-- freshness view (ops.mirror_freshness_v) only counts completed exports.
--
-- Writes go through these functions only: direct INSERT/UPDATE on
-- ops.mirror_runs is revoked from service_role (it keeps SELECT). Errors follow
-- the job API's SQLSTATE conventions (20261122001000_job_api_foundations.sql):
-- P0400 invalid argument, P0404 unknown export, P0419 export already finished.
-- The clock is ops_private.now() (tests freeze it with `set local ops.now`);
-- the dates follow ops_private.berlin_today(), the clock of the Looker view.
-- ===========================================================================

-- ---------------------------------------------------------------------------
-- ops.mirror_runs: what started the export
-- ---------------------------------------------------------------------------
alter table ops.mirror_runs
  add column if not exists trigger text not null default 'api' check (trigger ~ '^[a-z][a-z0-9_:-]{0,39}$'),
  add column if not exists job_id bigint references ops.jobs (id) on delete set null;

comment on column ops.mirror_runs.trigger is
  'What started the export: schedule (pg_cron at 07:45 Berlin), api (POST by an operator or the service role), job (a mirror job).';
comment on column ops.mirror_runs.job_id is 'The mirror job that ran the export, when it ran as a job.';
comment on column ops.mirror_runs.watermark is
  'max(ops.daily_source_stats.updated_at) over the rollup rows the export read (active sources, its date range): later corrections are not mirrored yet.';

create index if not exists mirror_runs_job_idx on ops.mirror_runs (job_id) where job_id is not null;
create index if not exists mirror_runs_started_idx on ops.mirror_runs (started_at desc, id desc);

revoke insert, update, delete on ops.mirror_runs from service_role;

-- ---------------------------------------------------------------------------
-- ops.mirror_date_range(days)
-- ---------------------------------------------------------------------------
create or replace function ops.mirror_date_range(p_days integer default 3, out date_from date, out date_to date)
returns record language plpgsql stable security definer set search_path = '' as $$
begin
  if p_days is null or p_days not between 1 and 400 then
    perform ops_private.api_error('P0400', format('days must be between 1 and 400, not %s', coalesce(p_days::text, 'null')),
      jsonb_build_object('code', 'invalid_argument', 'field', 'days'));
  end if;
  date_to := ops_private.berlin_today();
  date_from := date_to - (p_days - 1);
end
$$;

comment on function ops.mirror_date_range(integer) is
  'The Europe/Berlin dates an export of p_days (1..400) covers: today - (p_days - 1) .. today, by ops_private.berlin_today() (the Looker view''s clock). P0400 for days out of range.';

-- ---------------------------------------------------------------------------
-- ops.mirror_export_start(target, days, trigger, job_id)
-- ---------------------------------------------------------------------------
create or replace function ops.mirror_export_start(
  p_target text,
  p_days integer default 3,
  p_trigger text default 'api',
  p_job_id bigint default null
)
returns ops.mirror_runs language plpgsql volatile security definer set search_path = '' as $$
declare
  v_now timestamptz := ops_private.now();
  v_range record;
  v_run ops.mirror_runs;
begin
  if p_target is null or p_target !~ '^[a-z][a-z0-9_:.-]{0,59}$' then
    perform ops_private.api_error('P0400', 'target must be 1 to 60 characters: a-z, 0-9, _ : . -, starting with a letter',
      jsonb_build_object('code', 'invalid_argument', 'field', 'target'));
  end if;
  if p_trigger is null or p_trigger !~ '^[a-z][a-z0-9_:-]{0,39}$' then
    perform ops_private.api_error('P0400', 'trigger must be 1 to 40 characters: a-z, 0-9, _ : -, starting with a letter',
      jsonb_build_object('code', 'invalid_argument', 'field', 'trigger'));
  end if;
  if p_job_id is not null then
    perform ops_private.job_or_404(p_job_id);
  end if;
  v_range := ops.mirror_date_range(p_days);

  -- Nothing is lost: an export whose worker died never finishes by itself.
  -- 15 minutes is far beyond any export (edge wall clock 400 s at most).
  update ops.mirror_runs m
     set status = 'failed',
         finished_at = v_now,
         duration_ms = greatest(0, round(extract(epoch from v_now - m.started_at) * 1000))::integer,
         error = 'abandoned: the export did not finish within 15 minutes (its worker stopped); re-running the export repairs it'
   where m.status = 'running' and m.started_at < v_now - interval '15 minutes';

  insert into ops.mirror_runs (target, date_from, date_to, status, started_at, trigger, job_id)
  values (p_target, v_range.date_from, v_range.date_to, 'running', v_now, p_trigger, p_job_id)
  returning * into v_run;
  return v_run;
end
$$;

comment on function ops.mirror_export_start(text, integer, text, bigint) is
  'Records the start of an export of the last p_days Berlin days (ops.mirror_date_range) to p_target (bigquery, local): a running ops.mirror_runs row, returned. First marks exports running for more than 15 minutes as failed (abandoned). P0400 bad target/trigger/days, P0404 unknown job.';

-- ---------------------------------------------------------------------------
-- ops.mirror_export_finish(id, status, rows_read, rows_upserted, watermark, error)
-- ---------------------------------------------------------------------------
create or replace function ops.mirror_export_finish(
  p_run_id bigint,
  p_status text,
  p_rows_read integer,
  p_rows_upserted integer,
  p_watermark timestamptz default null,
  p_error text default null
)
returns ops.mirror_runs language plpgsql volatile security definer set search_path = '' as $$
declare
  v_now timestamptz := ops_private.now();
  v_run ops.mirror_runs;
begin
  if p_status is null or p_status not in ('completed', 'failed') then
    perform ops_private.api_error('P0400', format('status must be completed or failed, not %s', coalesce(p_status, 'null')),
      jsonb_build_object('code', 'invalid_argument', 'field', 'status'));
  end if;
  if p_rows_read is null or p_rows_read < 0 then
    perform ops_private.api_error('P0400', 'rows_read must be a count (>= 0)',
      jsonb_build_object('code', 'invalid_argument', 'field', 'rows_read'));
  end if;
  if p_rows_upserted is null or p_rows_upserted < 0 then
    perform ops_private.api_error('P0400', 'rows_upserted must be a count (>= 0)',
      jsonb_build_object('code', 'invalid_argument', 'field', 'rows_upserted'));
  end if;
  if p_status = 'failed' and nullif(btrim(p_error), '') is null then
    perform ops_private.api_error('P0400', 'a failed export needs an error message',
      jsonb_build_object('code', 'invalid_argument', 'field', 'error'));
  end if;
  if p_status = 'completed' and p_error is not null then
    perform ops_private.api_error('P0400', 'a completed export has no error',
      jsonb_build_object('code', 'invalid_argument', 'field', 'error'));
  end if;

  select * into v_run from ops.mirror_runs m where m.id = p_run_id for update;
  if not found then
    perform ops_private.api_error('P0404', format('mirror export %s not found', p_run_id),
      jsonb_build_object('code', 'not_found', 'entity', 'mirror_run', 'mirror_run_id', p_run_id));
  end if;
  if v_run.status <> 'running' then
    perform ops_private.api_error('P0419', format('mirror export %s is already %s', v_run.id, v_run.status),
      jsonb_build_object('code', 'job_finished', 'mirror_run_id', v_run.id, 'status', v_run.status,
        'finished_at', v_run.finished_at, 'error', v_run.error));
  end if;

  update ops.mirror_runs m
     set status = p_status,
         rows_read = p_rows_read,
         rows_upserted = p_rows_upserted,
         watermark = p_watermark,
         error = left(p_error, 4000),
         finished_at = greatest(v_now, m.started_at),
         duration_ms = greatest(0, round(extract(epoch from v_now - m.started_at) * 1000))::integer
   where m.id = v_run.id
  returning * into v_run;
  return v_run;
end
$$;

comment on function ops.mirror_export_finish(bigint, text, integer, integer, timestamptz, text) is
  'Ends a running export: completed (no error) or failed (error required, e.g. the BigQuery API''s message; kept up to 4000 characters), rows read and upserted, watermark, finished_at and duration_ms. P0400 bad arguments, P0404 unknown export, P0419 already finished (e.g. marked abandoned).';

-- ---------------------------------------------------------------------------
-- Privileges: workers only
-- ---------------------------------------------------------------------------
revoke all on function ops.mirror_date_range(integer),
  ops.mirror_export_start(text, integer, text, bigint),
  ops.mirror_export_finish(bigint, text, integer, integer, timestamptz, text)
  from public, anon, authenticated;
grant execute on function ops.mirror_date_range(integer),
  ops.mirror_export_start(text, integer, text, bigint),
  ops.mirror_export_finish(bigint, text, integer, integer, timestamptz, text)
  to service_role;
