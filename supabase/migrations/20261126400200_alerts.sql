-- ===========================================================================
-- Alerts: what should reach a person this morning. One row per open alert,
-- with a severity and a human sentence; a condition that lasts several days is
-- ONE alert (alert_id stays the same while it lasts: rule, source and the date
-- it began), never one per day.
--
-- The evaluated date (evaluated_date): today (Europe/Berlin) from setting
-- alert_data_expected_by (07:00 local) on, yesterday before it, so that the
-- night's runs are not called missing while they are still expected.
-- Only active sources alert.
--
-- Rules (thresholds are settings or per-source columns; defaults in brackets):
--   consecutive_failed_days  final_status 'failed' on the evaluated date and on
--       each of the dates just before it, at least alert_consecutive_failed_days
--       [2] dates in a row (looks back at most 60 dates); a no_data date breaks
--       the run. Severity high; critical from twice the threshold.
--       Fatigue control: a single failed night does not alert.
--   no_data  no finished scrape run on the evaluated date, for a source that
--       existed before that date. Severity high.
--   slo_breach  ops.slo_status_v.slo_status = 'breach' (success rate over the
--       SLO window below the source's slo_alert_success_rate). Warnings do not
--       alert. Severity high.
--   volume_drop  is_drop on the evaluated date (relative drop or z-score
--       against the 14-day baseline; never below the source's minimum
--       baseline). Severity medium; high when the run found 0 items.
--   high_block_rate  http_block_rate_sum of the evaluated date >
--       alert_block_rate [0.10]. Severity high.
--   high_timeout_rate  timeout_rate of the evaluated date > alert_timeout_rate
--       [0.05]. Severity medium.
--   stale_mirror  ops.mirror_freshness_v.is_stale (past 08:00 Berlin and no
--       completed export covering yesterday after last night's pipeline).
--       Severity high; no source.
--   field_drop  a key field's share of postings dropped against the source's
--       baseline on the evaluated date (ops.data_quality_v). Severity medium;
--       high when a field came back empty.
--   undelivered_dispatch  wake-ups of edge functions (ops.dispatches) that
--       did not arrive: no pg_net, no Vault secret, an HTTP error or no
--       answer; the sweeper retries them. Severity critical; no source; one
--       alert for all functions.
--   notification_failing  a delivery to a notification channel failed at
--       least notify_alert_after_failures [3] times and is not sent (in the
--       last 24 hours). Severity high; no source; one alert for all channels.
--
-- Alert state (ops.alert_states): ops.sync_alerts() (pg_cron, every minute,
-- and before every acknowledge or snooze) stores each open condition once, so
-- its alert_id is the id it got when it opened (rule:source:since of that
-- day) for as long as the condition lasts, even when the condition's own
-- `since` moves (the SLO window slides every day). A condition that is gone
-- is resolved; one that comes back later is a new alert.
--   state  acknowledged: an operator acknowledged it and it has not escalated
--          (severity_rank below the acknowledged one) since;
--          snoozed: snoozed_until is in the future, or snoozed until the
--          condition changes and its severity is still the snoozed one;
--          open: otherwise.
-- Acknowledge and snooze are operator actions (ops.acknowledge_alert,
-- ops.snooze_alert), written to ops.audit_log.
-- ===========================================================================

-- ---------------------------------------------------------------------------
-- ops.alert_states
-- ---------------------------------------------------------------------------
create table ops.alert_states (
  alert_id text primary key,
  rule text not null,
  source_id bigint references ops.sources (id) on delete cascade,
  since date,
  severity text not null check (severity in ('low', 'medium', 'high', 'critical')),
  severity_rank integer not null,
  message text not null,
  value double precision,
  threshold double precision,
  first_seen_at timestamptz not null,
  last_seen_at timestamptz not null,
  resolved_at timestamptz,
  acknowledged_at timestamptz,
  acknowledged_by text,
  acknowledged_severity_rank integer,
  snoozed_until timestamptz,
  snooze_until_change boolean not null default false,
  snoozed_severity_rank integer,
  snoozed_by text
);

comment on table ops.alert_states is
  'One row per alert (an open condition of ops.alerts_v from when it opened until it resolved): its stable id, acknowledgement and snooze. Written by ops.sync_alerts, ops.acknowledge_alert, ops.snooze_alert.';

-- one open alert per condition (rule and source)
create unique index alert_states_open_idx on ops.alert_states (rule, coalesce(source_id, 0)) where resolved_at is null;
create index alert_states_source_idx on ops.alert_states (source_id);

alter table ops.alert_states enable row level security;
revoke all on ops.alert_states from public, anon, authenticated, service_role;
grant select on ops.alert_states to authenticated, service_role;

create policy alert_states_read on ops.alert_states
  for select to authenticated using ((select ops_private.is_viewer()));

-- ---------------------------------------------------------------------------
-- ops_private.alert_state(...): the state rule, in one place
-- ---------------------------------------------------------------------------
create or replace function ops_private.alert_state(p_state ops.alert_states, p_severity_rank integer, p_now timestamptz)
returns text language sql immutable set search_path = '' as $$
  select case
    when p_state.acknowledged_at is not null and p_severity_rank >= p_state.acknowledged_severity_rank then 'acknowledged'
    when p_state.snoozed_until > p_now then 'snoozed'
    when p_state.snooze_until_change and p_severity_rank = p_state.snoozed_severity_rank then 'snoozed'
    else 'open'
  end
$$;

comment on function ops_private.alert_state(ops.alert_states, integer, timestamptz) is
  'acknowledged (acknowledged and not escalated since), snoozed (until a time, or until the severity changes), else open.';

-- the failed streaks of the last 60 dates, read from the index alone (no visit to the wide rollup rows)
create index daily_source_stats_failed_idx on ops.daily_source_stats (run_date, source_id) include (best_job_id)
  where final_status = 'failed';

create or replace view ops.alerts_v
with (security_invoker = true)
as
with cfg as materialized (
  select
    case when ops_private.berlin_local_time() >= ops_private.setting_time('alert_data_expected_by', time '07:00')
      then ops_private.berlin_today() else ops_private.berlin_today() - 1 end as day,
    -- the look-back of the failed streak, as a column so that it can bound an index scan
    case when ops_private.berlin_local_time() >= ops_private.setting_time('alert_data_expected_by', time '07:00')
      then ops_private.berlin_today() else ops_private.berlin_today() - 1 end - 59 as streak_from,
    greatest(1, ops_private.setting_numeric('alert_consecutive_failed_days', 2))::integer as n_failed,
    ops_private.setting_numeric('alert_block_rate', 0.10)::double precision as block_rate,
    ops_private.setting_numeric('alert_timeout_rate', 0.05)::double precision as timeout_rate,
    ops_private.setting_numeric('notify_alert_after_failures', 3)::integer as notify_failures,
    ops_private.now() as now
),
day_rows as (
  select d.*, s.key as source_key, s.drop_relative_threshold, k.day as evaluated_date,
    k.block_rate as block_threshold, k.timeout_rate as timeout_threshold
  from cfg k
  join ops.daily_source_stats d on d.run_date = k.day
  join ops.sources s on s.id = d.source_id and s.active
),
failed_islands as (
  select
    d.source_id,
    d.run_date,
    d.best_job_id,
    d.run_date + (row_number() over (partition by d.source_id order by d.run_date desc))::integer as island
  from cfg k
  join ops.daily_source_stats d on d.run_date between k.streak_from and k.day and d.final_status = 'failed'
),
streaks as (
  select
    f.source_id,
    count(*)::integer as days,
    min(f.run_date) as since,
    max(f.run_date) as until,
    (array_agg(f.best_job_id order by f.run_date desc))[1] as latest_job_id
  from failed_islands f
  cross join cfg k
  where f.island = k.day + 1
  group by f.source_id
),
alerts as (
  -- consecutive_failed_days ------------------------------------------------
  select
    'consecutive_failed_days'::text as rule,
    case when st.days >= 2 * k.n_failed then 'critical' else 'high' end as severity,
    s.id as source_id, s.key as source_key, k.day as evaluated_date, st.since,
    st.days::double precision as value, k.n_failed::double precision as threshold,
    format('%s failed on %s in a row (%s to %s)%s', s.key, ops_private.count_noun(st.days, 'day'), st.since, st.until,
      case when j.error is not null or j.error_category is not null
        then format('; latest error: %s',
          -- the scraper's error text usually starts with its category already: say it once
          case when j.error like j.error_category || ':%' then j.error else concat_ws(': ', j.error_category, j.error) end)
        else '' end) as message
  from streaks st
  cross join cfg k
  join ops.sources s on s.id = st.source_id and s.active
  left join ops.jobs j on j.id = st.latest_job_id
  where st.days >= k.n_failed

  union all
  -- no_data ----------------------------------------------------------------
  select
    'no_data', 'high', s.id, s.key, k.day, coalesce(l.last_day + 1, (s.created_at at time zone 'Europe/Berlin')::date),
    (k.day - coalesce(l.last_day, (s.created_at at time zone 'Europe/Berlin')::date - 1))::double precision, null,
    format('%s delivered no data on %s: no scrape run finished%s', s.key, k.day,
      case when l.last_day is not null then format(' (last data %s, %s earlier)', l.last_day, ops_private.count_noun(k.day - l.last_day, 'day'))
           else ' (no data ever)' end)
  from cfg k
  join ops.sources s on s.active
  left join lateral (
    select max(d.run_date) as last_day
    from ops.daily_source_stats d
    where d.source_id = s.id and d.run_date < k.day
  ) l on true
  where not exists (select 1 from ops.daily_source_stats d where d.source_id = s.id and d.run_date = k.day)
    and least((s.created_at at time zone 'Europe/Berlin')::date, l.last_day) < k.day

  union all
  -- slo_breach -------------------------------------------------------------
  select
    'slo_breach', 'high', v.source_id, v.source_key, k.day, v.window_from,
    v.success_rate, v.slo_alert_success_rate,
    format('%s breaches its SLO: success rate %s%% (%s of %s) over the last %s is below %s%% (target %s%%)',
      v.source_key, round((v.success_rate * 100)::numeric, 1), v.days_success,
      ops_private.count_noun(v.days_counted, 'day'), ops_private.count_noun(v.window_days, 'day'),
      round((v.slo_alert_success_rate * 100)::numeric, 1), round((v.slo_success_rate * 100)::numeric, 1))
  from ops.slo_status_v v
  cross join cfg k
  where v.active and v.slo_status = 'breach'

  union all
  -- volume_drop ------------------------------------------------------------
  select
    'volume_drop', case when r.jobs_processed_best = 0 then 'high' else 'medium' end,
    r.source_id, r.source_key, r.evaluated_date, r.run_date,
    r.relative_drop, r.drop_relative_threshold::double precision,
    format('%s found %s on %s, %s%% below its 14-day baseline of %s%s', r.source_key, ops_private.count_noun(r.jobs_processed_best, 'job'),
      r.run_date, round((r.relative_drop * 100)::numeric, 0), round(r.baseline_jobs_processed_14d::numeric, 1),
      case when r.drop_zscore is not null then format(' (z-score %s)', round(r.drop_zscore::numeric, 1)) else '' end)
  from day_rows r
  where r.is_drop

  union all
  -- high_block_rate --------------------------------------------------------
  select
    'high_block_rate', 'high', r.source_id, r.source_key, r.evaluated_date, r.run_date,
    r.http_block_rate_sum, r.block_threshold,
    format('%s was blocked on %s: %s%% of %s (403: %s, 429: %s), threshold %s%%', r.source_key, r.run_date,
      round((r.http_block_rate_sum * 100)::numeric, 1), ops_private.count_noun(r.requests_sum, 'request'), r.blocked_403_sum, r.blocked_429_sum,
      round((r.block_threshold * 100)::numeric, 1))
  from day_rows r
  where r.http_block_rate_sum > r.block_threshold

  union all
  -- high_timeout_rate ------------------------------------------------------
  select
    'high_timeout_rate', 'medium', r.source_id, r.source_key, r.evaluated_date, r.run_date,
    r.timeout_rate, r.timeout_threshold,
    format('%s timed out on %s: %s%% of %s (%s), threshold %s%%', r.source_key, r.run_date,
      round((r.timeout_rate * 100)::numeric, 1), ops_private.count_noun(r.requests_sum, 'request'), ops_private.count_noun(r.timeouts_sum, 'timeout'),
      round((r.timeout_threshold * 100)::numeric, 1))
  from day_rows r
  where r.timeout_rate > r.timeout_threshold

  union all
  -- stale_mirror -----------------------------------------------------------
  select
    'stale_mirror', 'high', null, null, k.day, m.today,
    null, null,
    format('The BI mirror is stale at %s Berlin: %s', to_char(m.deadline at time zone 'Europe/Berlin', 'HH24:MI'), m.reason)
  from ops.mirror_freshness_v m
  cross join cfg k
  where m.is_stale

  union all
  -- field_drop -------------------------------------------------------------
  select
    'field_drop', case when min(q.share) = 0 then 'high' else 'medium' end,
    r.source_id, r.source_key, r.evaluated_date, r.run_date,
    min(q.share), ops_private.setting_numeric('dq_drop_threshold', 0.5)::double precision,
    format('%s: key fields came back %s on %s: %s', r.source_key,
      case when min(q.share) = 0 then 'empty' else 'thinner' end, r.run_date,
      string_agg(format('%s %s%% of %s (baseline %s%%)', q.field, round((q.share * 100)::numeric, 0),
        ops_private.count_noun(q.posting_count, 'posting'), round((q.baseline_share * 100)::numeric, 0)), ', ' order by q.field))
  from day_rows r
  join ops.data_quality_v q on q.source_id = r.source_id and q.run_date = r.run_date and q.is_drop
  where cardinality(r.dq_fields) > 0
  group by r.source_id, r.source_key, r.evaluated_date, r.run_date

  union all
  -- notification_failing ---------------------------------------------------
  select
    'notification_failing', 'high', null, null, k.day, min(f.since)::date,
    max(f.attempts)::double precision, k.notify_failures::double precision,
    format('Notifications are not getting through: %s',
      string_agg(format('%s (%s, last answer %s: %s)', f.channel, ops_private.count_noun(f.attempts, 'failed attempt'),
        coalesce(f.status_code::text, 'none'), coalesce(f.error, '-')), '; ' order by f.channel))
  from cfg k
  join lateral (
    select c.name as channel, min(d.created_at at time zone 'Europe/Berlin') as since, max(d.attempts) as attempts,
           (array_agg(d.last_status_code order by d.updated_at desc))[1] as status_code,
           (array_agg(d.last_error order by d.updated_at desc))[1] as error
    from ops.notification_deliveries d
    join ops.notification_channels c on c.id = d.channel_id
    where d.status <> 'sent' and d.attempts >= k.notify_failures and d.updated_at > k.now - interval '24 hours'
    group by c.name
  ) f on true
  group by k.day, k.notify_failures

  union all
  -- undelivered_dispatch (ops.dispatch, 20261122004000_dispatch.sql) -------
  select
    'undelivered_dispatch', 'critical', null, null, k.day, (min(d.created_at) at time zone 'Europe/Berlin')::date,
    count(*)::double precision, null,
    format('%s could not be woken (%s, oldest %s UTC, up to %s): %s',
      string_agg(distinct d.function_name, ', '), ops_private.count_noun(count(*)::integer, 'wake-up'),
      to_char(min(d.created_at) at time zone 'UTC', 'YYYY-MM-DD HH24:MI'),
      ops_private.count_noun(max(d.attempts), 'attempt'), (array_agg(d.last_error order by d.id desc))[1])
  from ops.dispatches d
  cross join cfg k
  where d.status = 'undelivered'
  group by k.day
)
select
  coalesce(st.alert_id, a.rule || ':' || coalesce(a.source_key, '-') || ':' || a.since) as alert_id,
  a.rule,
  a.severity,
  x.severity_rank,
  a.source_id,
  a.source_key,
  a.evaluated_date,
  a.since,
  a.value,
  a.threshold,
  a.message,
  coalesce(ops_private.alert_state(st, x.severity_rank, (select ops_private.now())), 'open') as state,
  st.first_seen_at,
  st.acknowledged_at,
  st.acknowledged_by,
  st.snoozed_until,
  st.snooze_until_change
from alerts a
cross join lateral (
  select case a.severity when 'critical' then 1 when 'high' then 2 when 'medium' then 3 else 4 end as severity_rank
) x
left join ops.alert_states st
  on st.resolved_at is null and st.rule = a.rule and coalesce(st.source_id, 0) = coalesce(a.source_id, 0)
order by severity_rank, a.rule, a.source_key;

comment on view ops.alerts_v is
$$Open alerts, one row per rule and source. alert_id: the id stored when the condition opened (ops.alert_states; rule:source_key:since of that day), stable while the condition lasts; state open|acknowledged|snoozed. evaluated_date = today (Berlin) from alert_data_expected_by (07:00) on, else yesterday; active sources only.
consecutive_failed_days: failed on the evaluated date and the dates before, >= alert_consecutive_failed_days (2) in a row (high; critical at twice as many).
no_data: no finished run on the evaluated date for a source that existed before it (high).
slo_breach: ops.slo_status_v says breach (high). volume_drop: is_drop on the evaluated date (medium; high with 0 items).
high_block_rate: http_block_rate_sum > alert_block_rate (0.10) (high). high_timeout_rate: timeout_rate > alert_timeout_rate (0.05) (medium).
stale_mirror: ops.mirror_freshness_v.is_stale (high). field_drop: ops.data_quality_v.is_drop on the evaluated date (medium; high when a field came back empty). notification_failing: a delivery failed >= notify_alert_after_failures (3) times and is not sent, last 24 hours (high).
undelivered_dispatch: wake-ups in ops.dispatches that did not arrive; the sweeper retries them (critical).
value/threshold: the measured figure and the limit it crossed (streak days, success rate, relative drop, block or timeout rate).$$;

revoke all on ops.alerts_v from public, anon, authenticated, service_role;
grant select on ops.alerts_v to authenticated, service_role;

-- ---------------------------------------------------------------------------
-- ops.sync_alerts(): store the open conditions, resolve the gone ones
-- ---------------------------------------------------------------------------
create or replace function ops.sync_alerts()
-- the planner's estimates over the daily views are high enough to start JIT, which costs seconds
returns jsonb language sql security definer set search_path = '' set jit = off as $$
  with now_open as materialized (
    select * from ops.alerts_v
  ),
  upserted as (
    insert into ops.alert_states as t (alert_id, rule, source_id, since, severity, severity_rank, message, value,
                                       threshold, first_seen_at, last_seen_at)
    select a.alert_id, a.rule, a.source_id, a.since, a.severity, a.severity_rank, a.message, a.value, a.threshold,
           ops_private.now(), ops_private.now()
    from now_open a
    on conflict (alert_id) do update set
      severity = excluded.severity,
      severity_rank = excluded.severity_rank,
      message = excluded.message,
      value = excluded.value,
      threshold = excluded.threshold,
      last_seen_at = excluded.last_seen_at,
      -- the same condition back on the same start date: it opens again, unacknowledged
      resolved_at = null,
      acknowledged_at = case when t.resolved_at is null then t.acknowledged_at end,
      acknowledged_by = case when t.resolved_at is null then t.acknowledged_by end,
      snoozed_until = case when t.resolved_at is null then t.snoozed_until end,
      snooze_until_change = t.resolved_at is null and t.snooze_until_change
    returning (xmax = 0) as inserted
  ),
  resolved as (
    update ops.alert_states t
       set resolved_at = ops_private.now()
     where t.resolved_at is null
       and not exists (select 1 from now_open a where a.alert_id = t.alert_id)
    returning 1
  )
  select jsonb_build_object(
    'open', (select count(*) from now_open),
    'opened', (select count(*) from upserted where inserted),
    'resolved', (select count(*) from resolved))
$$;

comment on function ops.sync_alerts() is
  'Stores every condition of ops.alerts_v in ops.alert_states (new ones get their id for good) and resolves the stored ones that are gone. Returns {open, opened, resolved}. pg_cron runs it every minute.';

-- ---------------------------------------------------------------------------
-- ops_private.alert_json(alert_id): one alert as the API answers it
-- ---------------------------------------------------------------------------
create or replace function ops_private.alert_json(p_alert_id text)
returns jsonb language sql stable set search_path = '' as $$
  select to_jsonb(a) - 'source_id' - 'evaluated_date'
  from ops.alerts_v a
  where a.alert_id = p_alert_id
$$;

-- ---------------------------------------------------------------------------
-- ops_private.open_alert_for_action(alert_id): sync, then the open alert row
-- (locked), or P0404; callers without the operator role get 42501
-- ---------------------------------------------------------------------------
create or replace function ops_private.open_alert_for_action(p_alert_id text)
returns ops.alert_states language plpgsql volatile set search_path = '' as $$
declare
  v_state ops.alert_states;
begin
  perform ops_private.require_operator();
  perform ops.sync_alerts();
  select * into v_state from ops.alert_states where alert_id = p_alert_id and resolved_at is null for update;
  if not found then
    perform ops_private.api_error('P0404', format('alert %s not found (or no longer open)', coalesce(p_alert_id, 'null')),
      jsonb_build_object('code', 'not_found', 'entity', 'alert', 'alert_id', p_alert_id));
  end if;
  return v_state;
end
$$;

-- ---------------------------------------------------------------------------
-- ops.acknowledge_alert(alert_id)
-- ---------------------------------------------------------------------------
create or replace function ops.acknowledge_alert(p_alert_id text)
returns jsonb language plpgsql security definer set search_path = '' as $$
declare
  v_before ops.alert_states := ops_private.open_alert_for_action(p_alert_id);
  v_now timestamptz := ops_private.now();
begin
  update ops.alert_states
     set acknowledged_at = v_now, acknowledged_by = ops_private.actor(),
         acknowledged_severity_rank = v_before.severity_rank
   where alert_id = p_alert_id;
  perform ops_private.audit('acknowledge_alert', 'alert:' || p_alert_id,
    jsonb_build_object('state', ops_private.alert_state(v_before, v_before.severity_rank, v_now)),
    jsonb_build_object('state', 'acknowledged', 'severity', v_before.severity), v_now);
  return ops_private.alert_json(p_alert_id);
end
$$;

comment on function ops.acknowledge_alert(text) is
  'Operator: acknowledges an open alert until it escalates or resolves (audited). P0404 unknown or resolved alert, 42501 without the operator role.';

-- ---------------------------------------------------------------------------
-- ops.snooze_alert(alert_id, until, until_change)
-- ---------------------------------------------------------------------------
create or replace function ops.snooze_alert(p_alert_id text, p_until timestamptz default null, p_until_change boolean default false)
returns jsonb language plpgsql security definer set search_path = '' as $$
declare
  v_before ops.alert_states;
  v_now timestamptz := ops_private.now();
begin
  if (p_until is null) = (not coalesce(p_until_change, false)) then
    perform ops_private.api_error('P0400', 'snooze needs either until (a time) or until_change = true',
      jsonb_build_object('code', 'invalid_argument', 'fields',
        jsonb_build_object('until', jsonb_build_array('give until or until_change, not both or neither'))));
  end if;
  if p_until is not null and p_until <= v_now then
    perform ops_private.api_error('P0400', 'until must be in the future',
      jsonb_build_object('code', 'invalid_argument', 'fields', jsonb_build_object('until', jsonb_build_array('must be in the future'))));
  end if;
  v_before := ops_private.open_alert_for_action(p_alert_id);
  update ops.alert_states
     set snoozed_until = p_until, snooze_until_change = coalesce(p_until_change, false),
         snoozed_severity_rank = v_before.severity_rank, snoozed_by = ops_private.actor()
   where alert_id = p_alert_id;
  perform ops_private.audit('snooze_alert', 'alert:' || p_alert_id,
    jsonb_build_object('state', ops_private.alert_state(v_before, v_before.severity_rank, v_now)),
    jsonb_build_object('state', 'snoozed', 'until', p_until, 'until_change', coalesce(p_until_change, false)), v_now);
  return ops_private.alert_json(p_alert_id);
end
$$;

comment on function ops.snooze_alert(text, timestamptz, boolean) is
  'Operator: snoozes an open alert until a time, or (until_change) until its severity changes (audited). P0400 bad arguments, P0404 unknown or resolved alert, 42501 without the operator role.';

revoke all on function ops.sync_alerts(), ops_private.alert_json(text), ops_private.open_alert_for_action(text),
  ops_private.alert_state(ops.alert_states, integer, timestamptz),
  ops.acknowledge_alert(text), ops.snooze_alert(text, timestamptz, boolean) from public, anon, authenticated;
grant execute on function ops_private.alert_state(ops.alert_states, integer, timestamptz) to authenticated, service_role;
grant execute on function ops.sync_alerts() to service_role;
grant execute on function ops.acknowledge_alert(text), ops.snooze_alert(text, timestamptz, boolean)
  to authenticated, service_role;
