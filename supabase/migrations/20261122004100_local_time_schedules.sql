-- ===========================================================================
-- Local-time schedules. pg_cron runs in UTC and hosted Supabase cannot change
-- cron.timezone, so a job meant for HH:MM Europe/Berlin is registered at the
-- two UTC hours that can be HH:MM Berlin (UTC+1 in winter, UTC+2 in summer)
-- and ops.fire_schedule decides whether this tick is the one:
--
--   fire  when the Berlin time of the tick is in [local_time, local_time + 90 min)
--         and this schedule has not fired yet for that Berlin date.
--
-- Why a window and not an exact minute: on the last Sunday of March 02:00 does
-- not exist in Berlin (01:00 UTC is 03:00 CEST); the 90-minute window lets the
-- 03:00 tick run that night's job. In October 02:00 happens twice; the unique
-- (schedule, local_date) row makes the second one a no-op. The same row makes
-- a retried or duplicated cron tick harmless, and a late tick (a cron outage)
-- still catches up within the window.
-- ===========================================================================

create table ops.schedule_runs (
  schedule text not null,
  local_date date not null,
  fired_at timestamptz not null default ops_private.now(),
  dispatched_via text,
  -- the wake-up's row in ops.dispatches (null on the local pg_notify path)
  dispatch_id bigint references ops.dispatches (id),
  -- done: its wake-up arrived (pg_notify: when sent); until then the sweeper retries the dispatch
  delivered_at timestamptz,
  primary key (schedule, local_date)
);

create index schedule_runs_dispatch_idx on ops.schedule_runs (dispatch_id);

comment on table ops.schedule_runs is 'One row per schedule and Europe/Berlin date on which it fired: the guard against double runs.';

call ops_private.viewers_read('ops.schedule_runs');

-- ---------------------------------------------------------------------------
-- ops_private.local_schedule_due: the pure rule (no side effects, testable)
-- ---------------------------------------------------------------------------
create or replace function ops_private.local_schedule_due(local_time time, tick timestamptz)
returns date language sql immutable set search_path = '' as $$
  -- the Berlin date this tick fires for, or null when the tick is outside the window
  select case
    when (tick at time zone 'Europe/Berlin')::time >= local_time
     and (tick at time zone 'Europe/Berlin')::time < local_time + interval '90 minutes'
    then (tick at time zone 'Europe/Berlin')::date
  end
$$;

-- ---------------------------------------------------------------------------
-- ops.fire_schedule: called by pg_cron at both candidate UTC hours
-- ---------------------------------------------------------------------------
create or replace function ops.fire_schedule(
  schedule text,
  local_time time,
  function_name text,
  body jsonb default '{}'::jsonb,
  tick timestamptz default ops_private.now()
)
returns boolean language plpgsql security definer set search_path = '' as $$
declare
  due_date date := ops_private.local_schedule_due(local_time, tick);
  claimed boolean;
  v_dispatch bigint;
begin
  if due_date is null then
    return false;
  end if;
  insert into ops.schedule_runs (schedule, local_date, fired_at)
  values (fire_schedule.schedule, due_date, tick)
  on conflict do nothing
  returning true into claimed;
  if not coalesce(claimed, false) then
    return false;
  end if;
  v_dispatch := ops_private.dispatch_record(function_name,
    body || jsonb_build_object('trigger', 'schedule', 'schedule', fire_schedule.schedule, 'local_date', due_date));
  update ops.schedule_runs
     set dispatch_id = v_dispatch,
         dispatched_via = coalesce((select case when d.status = 'undelivered' then 'undelivered' else 'pg_net' end
                                      from ops.dispatches d where d.id = v_dispatch), 'notify'),
         delivered_at = case when v_dispatch is null then tick end
   where schedule_runs.schedule = fire_schedule.schedule and local_date = due_date;
  return true;
end
$$;

comment on function ops.fire_schedule(text, time, text, jsonb, timestamptz) is
  'Dispatches function_name once per Europe/Berlin date, on the first tick in [local_time, local_time + 90 min) Berlin time. tick defaults to ops_private.now(); tests pass a frozen clock.';

revoke all on function ops_private.local_schedule_due(time, timestamptz) from public;
revoke all on function ops.fire_schedule(text, time, text, jsonb, timestamptz) from public, anon, authenticated;
grant execute on function ops_private.local_schedule_due(time, timestamptz) to service_role;
grant execute on function ops.fire_schedule(text, time, text, jsonb, timestamptz) to service_role;
