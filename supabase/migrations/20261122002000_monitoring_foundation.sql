-- ===========================================================================
-- Monitoring foundation: the Berlin calendar, settings readers and the
-- settings that the monitoring rules use.
--
-- Every monitoring rule is evaluated against the one clock, ops_private.now()
-- (20261122000200_ops_schema.sql): the real now() unless a session
-- sets `ops.now` (tests freeze the clock with `set local ops.now = ...`).
-- Setting it only changes what the caller's own session sees.
--
-- Dates are Europe/Berlin dates everywhere ("run_date", "today"), as in
-- ops.scrape_runs.run_date.
-- ===========================================================================

-- ---------------------------------------------------------------------------
-- Settings used by the monitoring rules (see the COMMENTs of each view)
-- ---------------------------------------------------------------------------
insert into ops.settings (key, value, description) values
  ('drop_min_baseline_days', '3',
   'A volume drop is only detected when the 14-day baseline has at least this many eligible days (completed or partial best runs).'),
  ('silent_fast_ratio', '0.25',
   'A completed run is "abnormally fast" when its execution time is below this fraction of its 14-day baseline execution time.'),
  ('alert_data_expected_by', '"07:00"',
   'Europe/Berlin local time by which the night''s runs are expected to be finished: before it, alerts evaluate yesterday; from it on, today.'),
  ('mirror_fresh_by', '"08:00"',
   'Europe/Berlin local time by which the BI mirror must hold yesterday''s data exported after last night''s pipeline.')
on conflict (key) do nothing;

-- ---------------------------------------------------------------------------
-- ops_private.berlin_today(): the current Europe/Berlin date
-- ---------------------------------------------------------------------------
-- SECURITY DEFINER so that the BI role, which may execute it but has no USAGE
-- on ops_private, can run the Looker view: the body's own lookup of
-- ops_private.now() happens as the owner. It reads nothing but the clock.
create or replace function ops_private.berlin_today()
returns date language sql stable security definer set search_path = '' as $$
  select (ops_private.now() at time zone 'Europe/Berlin')::date
$$;

comment on function ops_private.berlin_today() is
  'Today''s date in Europe/Berlin by ops_private.now(); the last date of every daily range.';

-- ---------------------------------------------------------------------------
-- ops_private.berlin_local_time(): the current Europe/Berlin wall-clock time
-- ---------------------------------------------------------------------------
create or replace function ops_private.berlin_local_time()
returns time language sql stable set search_path = '' as $$
  select (ops_private.now() at time zone 'Europe/Berlin')::time
$$;

-- ---------------------------------------------------------------------------
-- Settings readers: ops.settings.value is jsonb ('0.10', '"07:00"')
-- ---------------------------------------------------------------------------
create or replace function ops_private.setting_numeric(p_key text, p_default numeric)
returns numeric language sql stable set search_path = '' as $$
  select coalesce((select (s.value #>> '{}')::numeric from ops.settings s where s.key = p_key), p_default)
$$;

create or replace function ops_private.setting_time(p_key text, p_default time)
returns time language sql stable set search_path = '' as $$
  select coalesce((select (s.value #>> '{}')::time from ops.settings s where s.key = p_key), p_default)
$$;

comment on function ops_private.setting_numeric(text, numeric) is
  'The numeric value of an ops.settings key, or the default when the key is missing (or unreadable for the caller).';

-- ---------------------------------------------------------------------------
-- ops_private.count_noun(n, noun): "1 day", "3 days" (alert texts)
-- ---------------------------------------------------------------------------
create or replace function ops_private.count_noun(p_count numeric, p_noun text)
returns text language sql immutable set search_path = '' as $$
  select p_count::text || ' ' || p_noun || case when p_count = 1 then '' else 's' end
$$;

comment on function ops_private.count_noun(numeric, text) is
  'A count with its noun in singular or plural: count_noun(1, ''day'') = ''1 day'', count_noun(3, ''day'') = ''3 days''.';

-- ---------------------------------------------------------------------------
-- ops.calendar_days: one row per date, so that daily views can produce a row
-- for every (source, date) including days without any run, AND let a filter
-- on the date reach an index (a generate_series per source cannot).
-- ---------------------------------------------------------------------------
create table ops.calendar_days (
  day date primary key
);

comment on table ops.calendar_days is
  'Every date from 2000-01-01 to 2099-12-31: the spine of the daily views (no_data days have no run row to join).';

insert into ops.calendar_days (day)
select d::date from generate_series(date '2000-01-01', date '2099-12-31', interval '1 day') as d;

call ops_private.viewers_read('ops.calendar_days');

-- ---------------------------------------------------------------------------
-- ops.error_hourly: the trend views filter by time over all sources
-- ---------------------------------------------------------------------------
-- covering, so that a trend over all sources is an index-only range scan
create index if not exists error_hourly_hour_idx on ops.error_hourly (hour) include (category, source_id, count);

-- ---------------------------------------------------------------------------
-- Privileges
-- ---------------------------------------------------------------------------
revoke all on function
  ops_private.berlin_today(), ops_private.berlin_local_time(),
  ops_private.setting_numeric(text, numeric), ops_private.setting_time(text, time),
  ops_private.count_noun(numeric, text)
  from public, anon;
grant execute on function
  ops_private.berlin_today(), ops_private.berlin_local_time(),
  ops_private.setting_numeric(text, numeric), ops_private.setting_time(text, time),
  ops_private.count_noun(numeric, text)
  to authenticated, service_role;
