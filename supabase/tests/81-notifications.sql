-- ===========================================================================
-- 81 notification planning: routing by owner and tags, severity thresholds,
-- one delivery per alert and channel, re-notification only on escalation or
-- after notify_renotify_hours (24), none while acknowledged, the digest once
-- per Berlin date, delivery retries with backoff, roles.
--
-- Sources (created Nov 20 2026): alpha81 (owner team-a, tags {dach}) and
-- beta81 (owner team-b, tags {uk}), both failing every night Nov 22..25.
--   consecutive_failed_days: Nov 23 2 days high, Nov 24 3 days high,
--   Nov 25 4 days = twice the threshold: critical.
-- Channels: all81 (no routing, alerts from high), a81 (owners {team-a}, from
-- high), ukcrit81 (tags {uk}, critical only), digest81 (digest only).
-- ===========================================================================
begin;
set search_path = extensions, public;
select plan(17);

update ops.notification_channels set active = false;

insert into ops.sources (key, display_name, adapter, created_at, owner, tags) values
  ('alpha81', 'Alpha', 'greenhouse', '2026-11-20 09:00+01', 'team-a', '{dach}'),
  ('beta81', 'Beta', 'greenhouse', '2026-11-20 09:00+01', 'team-b', '{uk}');

with j as (
  insert into ops.jobs (type, status, source_id, run_date, started_at, finished_at, error, error_category)
  select 'scrape', 'failed', s.id, d::date, (d::date + time '02:00') at time zone 'Europe/Berlin',
         (d::date + time '02:01') at time zone 'Europe/Berlin', 'HTTP 403', 'block_403'
  from ops.sources s, generate_series('2026-11-22'::date, '2026-11-25', '1 day') d
  where s.key in ('alpha81', 'beta81')
  returning id, source_id, run_date, started_at, finished_at
)
insert into ops.scrape_runs (job_id, source_id, run_date, status, requests, started_at, finished_at)
select id, source_id, run_date, 'failed', 5, started_at, finished_at from j;

insert into ops.notification_channels (name, kind, secret_name, owners, tags, sends_digest, min_alert_severity) values
  ('all81', 'webhook', 'ALL81', null, null, false, 'high'),
  ('a81', 'webhook', 'A81', '{team-a}', null, false, 'high'),
  ('ukcrit81', 'slack', 'UK81', null, '{uk}', false, 'critical'),
  ('digest81', 'webhook', 'DIGEST81', null, null, true, null);

create function pg_temp.sent(p_channel text, p_key text)
returns text
language sql
as $$
  select string_agg(d.notify_seq || ':' || (d.payload ->> 'reason'), ',' order by d.notify_seq)
  from ops.notification_deliveries d join ops.notification_channels c on c.id = d.channel_id
  where c.name = p_channel and d.alert_id like 'consecutive_failed_days:' || p_key || ':%'
$$;

-- Nov 23 07:55: past 07:50, but the mirror export is not done and 08:00 has not passed
set local ops.now = '2026-11-23 07:55+01';
select ops.plan_notifications();
select is((select count(*)::int from ops.notification_deliveries d join ops.notification_channels c on c.id = d.channel_id
            where c.name = 'digest81'), 0, '07:55 without a fresh mirror: the digest waits for the export (or 08:00)');

-- Nov 23 09:00 ------------------------------------------------------------
set local ops.now = '2026-11-23 09:00+01';
select ops.plan_notifications();
select is(pg_temp.sent('all81', 'beta81'), '1:new', 'Nov 23: an unrouted channel gets beta''s high alert once');
select is(pg_temp.sent('a81', 'alpha81') || ' / ' || coalesce(pg_temp.sent('a81', 'beta81'), 'none'), '1:new / none',
  'a channel routed to team-a gets alpha''s alert and not beta''s');
select is(pg_temp.sent('ukcrit81', 'beta81'), null, 'a critical-only channel gets nothing for a high alert');
select is((select count(*)::int from ops.notification_deliveries d join ops.notification_channels c on c.id = d.channel_id
            where c.name = 'digest81'), 1, 'the digest channel gets today''s digest (after 07:50)');
select is((select payload -> 'health' ->> 'failed' from ops.notification_deliveries d join ops.notification_channels c on c.id = d.channel_id
            where c.name = 'digest81'), '2', 'the digest delivery carries the SQL digest');

-- Nov 23 09:30: alpha's alert acknowledged; nothing new to send ------------
set local ops.now = '2026-11-23 09:30+01';
select tests.as_operator();
select ops.acknowledge_alert((select alert_id from ops.alerts_v where rule = 'consecutive_failed_days' and source_key = 'alpha81'));
select tests.as_superuser();
select is((ops.plan_notifications() ->> 'alerts_planned')::int + (ops.plan_notifications() ->> 'digests_planned')::int, 0,
  'planning again the same morning sends nothing');

-- Nov 24 10:00: 25 hours later -> reminders, but not for the acknowledged alert
set local ops.now = '2026-11-24 10:00+01';
select ops.plan_notifications();
select is(pg_temp.sent('all81', 'beta81'), '1:new,2:reminder', 'Nov 24: beta''s open alert is sent again after 24 hours');
select is(pg_temp.sent('all81', 'alpha81'), '1:new', 'the acknowledged alert (3 days, still high) is not re-sent');

-- Nov 25 09:00: 4 failed nights: critical (an escalation) ------------------
set local ops.now = '2026-11-25 09:00+01';
select ops.plan_notifications();
select is(pg_temp.sent('all81', 'beta81'), '1:new,2:reminder,3:escalated', 'Nov 25: the escalation is sent at once');
select is(pg_temp.sent('all81', 'alpha81'), '1:new,2:escalated', 'the escalation ends the acknowledgement and is sent');
select is(pg_temp.sent('ukcrit81', 'beta81'), '1:new', 'the critical-only channel routed to tag uk now gets beta''s alert');
select is(pg_temp.sent('ukcrit81', 'alpha81'), null, '... and not alpha''s (tag dach)');
select is((select string_agg(d.digest_date::text, ',' order by d.digest_date) from ops.notification_deliveries d
             join ops.notification_channels c on c.id = d.channel_id where c.name = 'digest81'),
  '2026-11-23,2026-11-24,2026-11-25', 'one digest per Berlin date');

-- delivery retries: 30 s, then 60 s; failed after max_attempts ------------
update ops.notification_deliveries set max_attempts = 3
 where channel_id = (select id from ops.notification_channels where name = 'digest81') and digest_date = '2026-11-25';
select results_eq(
  $$with c as (select * from ops.claim_notifications(100) where idempotency_key like 'digest:%:2026-11-25')
    select (ops.record_notification(c.id, 500, null) ->> 'next_attempt_at')::timestamptz - '2026-11-25 09:00+01'::timestamptz
    from c$$,
  $$values ('30 seconds'::interval)$$,
  'the first failure is retried after 30 s');
set local ops.now = '2026-11-25 09:00:30+01';
select results_eq(
  $$with c as (select * from ops.claim_notifications(100) where idempotency_key like 'digest:%:2026-11-25')
    select (ops.record_notification(c.id, null, 'TimeoutError: timed out') ->> 'next_attempt_at')::timestamptz
           - '2026-11-25 09:00:30+01'::timestamptz
    from c$$,
  $$values ('60 seconds'::interval)$$,
  'the second after 60 s');
set local ops.now = '2026-11-25 09:01:30+01';
select results_eq(
  $$with c as (select * from ops.claim_notifications(100) where idempotency_key like 'digest:%:2026-11-25')
    select ops.record_notification(c.id, 502, null) ->> 'status' from c$$,
  $$values ('failed')$$,
  'after max_attempts the delivery is given up');

select * from finish();
rollback;
