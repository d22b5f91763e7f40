-- ===========================================================================
-- The run-date window: which Europe/Berlin dates a pipeline run, a backfill
-- or a run reported from elsewhere may be for. One rule, checked where the jobs are inserted (so the API, the
-- schedule, backfills and Studio all meet it):
--   - not after tomorrow (a run for a date that has not begun is a mistake;
--     tomorrow is allowed for a run started just before midnight elsewhere);
--   - not more than 365 days back (the backfill window: a year of nights;
--     the monitoring views compare days within it).
-- A date outside the window is P0400 naming the field (400 at the API); a
-- backfill checks both ends of its range.
-- ===========================================================================

create or replace function ops_private.run_date_window()
returns table (earliest date, latest date)
language sql
stable
set search_path = ''
as $$
  select ops_private.berlin_date(ops_private.now()) - 365, ops_private.berlin_date(ops_private.now()) + 1
$$;

comment on function ops_private.run_date_window() is
  'Dates a job (pipeline run, backfill, reported run) may be for: 365 days back (the backfill window) to tomorrow, Europe/Berlin.';

create or replace function ops_private.check_run_date(p_date date, p_field text)
returns void
language plpgsql
stable
set search_path = ''
as $$
declare
  w record;
begin
  select * into w from ops_private.run_date_window();
  if p_date is not null and (p_date < w.earliest or p_date > w.latest) then
    perform ops_private.api_error('P0400',
      format('%s %s is outside the run-date window %s .. %s (365 days back to tomorrow, Europe/Berlin)',
             p_field, p_date, w.earliest, w.latest),
      jsonb_build_object('code', 'invalid_argument', 'field', p_field, 'earliest', w.earliest, 'latest', w.latest));
  end if;
end
$$;

-- A trigger for the jobs a caller names a date for: pipelines are started by start_pipeline (API,
-- schedule, backfill) and backfills by enqueue, so both pass here. Their phase and scrape jobs take
-- the pipeline's date; a reported run is checked by ops.report_start.
create or replace function ops_private.jobs_check_run_dates()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.type = 'pipeline' then
    perform ops_private.check_run_date(new.run_date, 'run_date');
  elsif new.type = 'backfill' then
    perform ops_private.check_run_date((new.params ->> 'from')::date, 'params.from');
    perform ops_private.check_run_date((new.params ->> 'to')::date, 'params.to');
  end if;
  return new;
end
$$;

create trigger jobs_check_run_dates
  before insert on ops.jobs
  for each row when (new.type in ('pipeline', 'backfill'))
  execute function ops_private.jobs_check_run_dates();

revoke all on function ops_private.run_date_window(), ops_private.check_run_date(date, text),
  ops_private.jobs_check_run_dates() from public;
