-- ===========================================================================
-- 40 local-time schedules: once per Berlin date across both DST changes,
-- with a frozen clock (every pg_cron tick replayed with an explicit time).
-- 2026: summer time starts Sun 29 March (01:00 UTC), ends Sun 25 October (01:00 UTC).
-- ===========================================================================
begin;
set search_path = extensions, public;
select plan(16);

create temp table fired (schedule text, tick timestamptz, fired boolean) on commit drop;

-- Replay the registered crons: nightly at 00:00 and 01:00 UTC, mirror at 05:45 and 06:45 UTC,
-- for the weeks around both changes, in tick order.
do $$
declare
  day date;
  t timestamptz;
begin
  for day in select d::date from generate_series('2026-03-26'::date, '2026-04-01', '1 day') d
             union all select d::date from generate_series('2026-10-22'::date, '2026-10-28', '1 day') d
             order by 1
  loop
    foreach t in array array[day + time '00:00', day + time '01:00']::timestamp[] loop
      insert into fired values ('nightly', t at time zone 'UTC',
        ops.fire_schedule('test_nightly', '02:00', 'pipeline', '{"action": "run"}', t at time zone 'UTC'));
    end loop;
    foreach t in array array[day + time '05:45', day + time '06:45']::timestamp[] loop
      insert into fired values ('mirror', t at time zone 'UTC',
        ops.fire_schedule('test_mirror', '07:45', 'mirror', '{}', t at time zone 'UTC'));
    end loop;
    -- a duplicated tick (a retried cron run) never fires again
    insert into fired values ('nightly-retry', (day + time '01:00') at time zone 'UTC',
      ops.fire_schedule('test_nightly', '02:00', 'pipeline', '{}', (day + time '01:00') at time zone 'UTC'));
  end loop;
end
$$;

-- ---------------------------------------------------------------------------
-- exactly once per Berlin date
-- ---------------------------------------------------------------------------
select is((select count(*)::int from ops.schedule_runs where schedule = 'test_nightly'), 14,
  'nightly fired on each of the 14 Berlin dates');
select is((select count(distinct local_date)::int from ops.schedule_runs where schedule = 'test_nightly'), 14,
  'nightly: one row per Berlin date');
select is((select count(*)::int from fired where schedule = 'nightly' and fired), 14,
  'nightly: 14 of 28 ticks fired');
select is((select count(*)::int from fired where schedule = 'mirror' and fired), 14,
  'mirror: 14 of 28 ticks fired');
select is((select count(*)::int from fired where schedule = 'nightly-retry' and fired), 0,
  'a repeated tick never fires twice');

-- ---------------------------------------------------------------------------
-- the tick that fires, by hand: winter UTC+1, summer UTC+2
-- ---------------------------------------------------------------------------
select is((select fired_at from ops.schedule_runs where schedule = 'test_nightly' and local_date = '2026-03-28'),
  '2026-03-28 01:00+00'::timestamptz, 'Sat 28 Mar (winter): nightly at 01:00 UTC = 02:00 CET');
select is((select fired_at from ops.schedule_runs where schedule = 'test_nightly' and local_date = '2026-03-29'),
  '2026-03-29 01:00+00'::timestamptz, 'Sun 29 Mar (02:00 does not exist): nightly at 03:00 CEST, the first tick in the window');
select is((select fired_at from ops.schedule_runs where schedule = 'test_nightly' and local_date = '2026-03-30'),
  '2026-03-30 00:00+00'::timestamptz, 'Mon 30 Mar (summer): nightly at 00:00 UTC = 02:00 CEST');
select is((select fired_at from ops.schedule_runs where schedule = 'test_nightly' and local_date = '2026-10-25'),
  '2026-10-25 00:00+00'::timestamptz, 'Sun 25 Oct (02:00 happens twice): nightly at the first 02:00 (CEST)');
select is((select fired_at from ops.schedule_runs where schedule = 'test_nightly' and local_date = '2026-10-26'),
  '2026-10-26 01:00+00'::timestamptz, 'Mon 26 Oct (winter): nightly at 01:00 UTC');
select is((select fired_at from ops.schedule_runs where schedule = 'test_mirror' and local_date = '2026-03-29'),
  '2026-03-29 05:45+00'::timestamptz, 'Sun 29 Mar: mirror at 05:45 UTC = 07:45 CEST');
select is((select fired_at from ops.schedule_runs where schedule = 'test_mirror' and local_date = '2026-10-25'),
  '2026-10-25 06:45+00'::timestamptz, 'Sun 25 Oct: mirror at 06:45 UTC = 07:45 CET');
select is((select dispatched_via from ops.schedule_runs where schedule = 'test_mirror' and local_date = '2026-10-25'),
  'notify', 'without pg_net the wake-up goes through pg_notify');

-- ---------------------------------------------------------------------------
-- dispatch input and privileges
-- ---------------------------------------------------------------------------
select throws_ok($$select ops.dispatch('../etc', '{}')$$, '22023', null, 'dispatch rejects an invalid function name');

select tests.as_viewer();
select throws_ok($$select ops.fire_schedule('x', '02:00', 'pipeline')$$, '42501', null,
  'a viewer cannot fire schedules');
select tests.as_anon();
select throws_ok($$select ops.dispatch('pipeline')$$, '42501', null, 'anon cannot dispatch');

select * from finish();
rollback;
