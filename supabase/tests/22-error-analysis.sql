-- ===========================================================================
-- 22 error analysis: hourly and daily trends (Berlin days across the DST
-- change), category totals per window, top errors by fingerprint.
-- Clock: 2026-10-26 12:00 CET = 11:00 UTC. DST ended 2026-10-25 01:00 UTC,
-- so Berlin date Oct 25 runs from Oct 24 22:00 UTC to Oct 25 23:00 UTC (25 h).
-- ===========================================================================
begin;
set search_path = extensions, public;
select plan(11);

set local ops.now = '2026-10-26 12:00:00+01';

insert into ops.sources (key, display_name, adapter) values ('e1', 'E1', 'lever'), ('e2', 'E2', 'lever');

insert into ops.error_hourly (hour, source_id, category, count)
select x.hour::timestamptz, s.id, x.category, x.count
from (values
  ('2026-07-01 10:00+00', 'e1', 'parsing', 100),        -- older than 90 days
  ('2026-07-30 10:00+00', 'e1', 'parsing', 9),          -- within 90 days
  ('2026-10-16 10:00+00', 'e1', 'block_429', 10),       -- the 7 days before the last 7
  ('2026-10-24 21:00+00', 'e1', 'block_429', 3),        -- 23:00 CEST Oct 24
  ('2026-10-24 22:00+00', 'e1', 'block_429', 5),        -- 00:00 CEST Oct 25
  ('2026-10-25 00:00+00', 'e1', 'block_429', 2),        -- 02:00 CEST Oct 25
  ('2026-10-25 01:00+00', 'e1', 'block_429', 1),        -- 02:00 CET Oct 25 (the repeated hour)
  ('2026-10-25 22:00+00', 'e2', 'block_429', 4),        -- 23:00 CET Oct 25
  ('2026-10-25 23:00+00', 'e1', 'network_timeout', 7),  -- 00:00 CET Oct 26
  ('2026-10-26 10:00+00', 'e2', 'parsing', 6)
) as x(hour, key, category, count)
join ops.sources s on s.key = x.key;

select results_eq(
  $$select day, category, occurrences, sources_affected from ops.error_trend_daily_v order by day, category$$,
  $$values ('2026-07-30'::date, 'parsing', 9::bigint, 1),
           ('2026-10-16', 'block_429', 10, 1),
           ('2026-10-24', 'block_429', 3, 1),
           ('2026-10-25', 'block_429', 12, 2),
           ('2026-10-26', 'network_timeout', 7, 1),
           ('2026-10-26', 'parsing', 6, 1)$$,
  'daily trend by Berlin date: the 25-hour Oct 25 holds 5 + 2 + 1 + 4 = 12; July 1 is older than 90 days');

select results_eq(
  $$select count(*)::int, sum(occurrences)::int from ops.error_trend_hourly_v$$,
  $$values (7, 28)$$,
  'hourly trend: the 7 hours since Oct 19 11:00 UTC, 28 occurrences');

select is(
  (select occurrences from ops.error_trend_hourly_v where hour = '2026-10-25 01:00+00' and category = 'block_429'),
  1::bigint, 'the repeated 02:00 hour of the DST change is its own UTC hour');

-- block_429: last 24 h (after Oct 25 11:00 UTC) = 4; last 7 d = 3+5+2+1+4 = 15; previous 7 d = 10;
-- change (15 - 10) / 10 = 0.5; 30 d = 25; share of 7 d = 15 / (15 + 7 + 6) = 0.5357
select results_eq(
  $$select last_24h, last_7d, previous_7d, change_7d, last_30d, last_90d, sources_7d, share_7d
      from ops.error_category_summary_v where category = 'block_429'$$,
  $$values (4::bigint, 15::bigint, 10::bigint, 0.5000, 25::bigint, 25::bigint, 2, 0.5357)$$,
  'block_429 totals per window');

select results_eq(
  $$select last_7d, previous_7d, change_7d, last_30d, last_90d from ops.error_category_summary_v where category = 'parsing'$$,
  $$values (6::bigint, 0::bigint, null::numeric, 6::bigint, 15::bigint)$$,
  'parsing: no previous week, so no change figure; Jul 30 is in the 90 days');

select is((select count(*)::int from ops.error_category_summary_v),
  (select count(*)::int from ops.error_categories), 'every category has a summary row, with or without errors');

-- top errors: fingerprint A in both sources (5 + 3), B in one (6)
insert into ops.errors (source_id, fingerprint, category, severity, http_status, url, message, count, first_seen, last_occurrence)
select s.id, x.fp, x.category, x.severity, x.status, x.url, x.message, x.count, x.first::timestamptz, x.last::timestamptz
from (values
  ('e1', 'fp-a', 'block_429', 'high', 429, 'https://e1.test/jobs', 'HTTP 429 on /jobs', 5, '2026-10-20 01:00+00', '2026-10-25 01:00+00'),
  ('e2', 'fp-a', 'block_429', 'medium', 429, 'https://e2.test/careers', 'HTTP 429 on /careers', 3, '2026-10-21 01:00+00', '2026-10-26 09:00+00'),
  ('e1', 'fp-b', 'parsing', 'high', null, null, 'unexpected token < in JSON', 6, '2026-10-26 10:00+00', '2026-10-26 10:30+00')
) as x(key, fp, category, severity, status, url, message, count, first, last)
join ops.sources s on s.key = x.key;

select results_eq(
  $$select rank::int, fingerprint, occurrences, sources_affected, severity, source_keys from ops.top_errors_v order by rank$$,
  $$values (1, 'fp-a', 8::bigint, 2, 'high', array['e1', 'e2']), (2, 'fp-b', 6::bigint, 1, 'high', array['e1'])$$,
  'top errors by fingerprint: 5 + 3 = 8 across two sources first');

select results_eq(
  $$select sample_message, sample_url, first_seen, last_occurrence from ops.top_errors_v where fingerprint = 'fp-a'$$,
  $$values ('HTTP 429 on /careers', 'https://e2.test/careers', '2026-10-20 01:00+00'::timestamptz, '2026-10-26 09:00+00'::timestamptz)$$,
  'the sample is the latest occurrence; first_seen is the earliest');

-- the daily rollup follows upserts of hourly counts, and equals a set-based rebuild
update ops.error_hourly set count = count + 2 where hour = '2026-10-24 22:00+00';
select results_eq(
  $$select occurrences, sources_affected from ops.error_trend_daily_v where day = '2026-10-25'$$,
  $$values (14::bigint, 2)$$,
  'an hourly count raised by 2 raises its Berlin day by 2 (same source: still 2 sources)');
create temp table incremental as select * from ops.error_daily_category;
select ops_private.rebuild_error_daily();
select results_eq(
  $$select * from ops.error_daily_category order by day, category$$,
  $$select * from incremental order by day, category$$,
  'the incremental daily rollup equals the rebuild from ops.error_hourly');

select tests.as_viewer();
select is((select sum(occurrences)::int from ops.error_trend_daily_v), 49, 'a viewer reads the trend (9+10+3+14+7+6)');

select * from finish();
rollback;
