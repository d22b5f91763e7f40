-- ===========================================================================
-- 22 error totals over 30 and 90 days (ops.error_category_summary_v) read the
-- daily rollup for the window's whole Berlin dates and ops.error_hourly for the
-- rest of its first date: the totals equal the sums over the hourly rows, also
-- at the window's edges (an hour exactly at the start is out, the later hours of
-- the first date are in), for every role that may read them.
-- Clock: 2026-10-26 12:00 CET = 11:00 UTC, so the current hour is 11:00 UTC.
--   30 days: hours after 2026-09-26 11:00 UTC; the first whole Berlin date is
--            Sep 27 (from Sep 26 22:00 UTC, CEST).
--   90 days: hours after 2026-07-28 11:00 UTC; the first whole date is Jul 29
--            (from Jul 28 22:00 UTC).
-- ===========================================================================
begin;
set search_path = extensions, public;
select plan(9);

set local ops.now = '2026-10-26 12:00:00+01';

insert into ops.sources (key, display_name, adapter) values ('w1', 'W1', 'lever'), ('w2', 'W2', 'lever');

insert into ops.error_hourly (hour, source_id, category, count)
select x.hour::timestamptz, s.id, x.category, x.count
from (values
  ('2026-07-28 10:00+00', 'w1', 'parsing', 1000),     -- Jul 28, before the 90-day window
  ('2026-07-28 11:00+00', 'w1', 'parsing', 2000),     -- the 90-day window's start itself: out
  ('2026-07-28 12:00+00', 'w2', 'parsing', 20),       -- Jul 28 14:00 CEST: in 90 days (first date's hours)
  ('2026-07-28 21:00+00', 'w1', 'parsing', 40),       -- Jul 28 23:00 CEST: in 90 days
  ('2026-07-28 22:00+00', 'w1', 'parsing', 60),       -- Jul 29 00:00 CEST: a whole date of the 90 days
  ('2026-08-01 10:00+00', 'w2', 'parsing', 7),
  ('2026-09-26 11:00+00', 'w1', 'block_429', 300),    -- the 30-day window's start: out of 30, in 90 days
  ('2026-09-26 12:00+00', 'w1', 'block_429', 30),     -- Sep 26 14:00 CEST: in 30 days (first date's hours)
  ('2026-09-26 22:00+00', 'w2', 'block_429', 50),     -- Sep 27 00:00 CEST: a whole date of the 30 days
  ('2026-10-26 10:00+00', 'w1', 'block_429', 5)       -- the last hour: 24 h, 7 days
) as x(hour, key, category, count)
join ops.sources s on s.key = x.key;

-- the same totals straight from the hourly rows (the definition), read as the test's owner
create temp view by_hours as
select c.category,
       coalesce(sum(h.count) filter (where h.hour > '2026-10-26 11:00+00'::timestamptz - interval '30 days'), 0)::bigint as last_30d,
       coalesce(sum(h.count) filter (where h.hour > '2026-10-26 11:00+00'::timestamptz - interval '90 days'), 0)::bigint as last_90d
  from ops.error_categories c
  left join ops.error_hourly h on h.category = c.category
 group by c.category;
grant select on by_hours to public;

-- block_429: 30 d = 30 + 50 + 5 = 85; 90 d = 300 + 30 + 50 + 5 = 385; 24 h = 7 d = 5
-- parsing:   30 d = 0;                 90 d = 20 + 40 + 60 + 7 = 127
select tests.as_viewer();
select results_eq(
  $$select category, last_24h, last_7d, last_30d, last_90d, sources_7d from ops.error_category_summary_v
     where category in ('block_429', 'parsing') order by category$$,
  $$values ('block_429', 5::bigint, 5::bigint, 85::bigint, 385::bigint, 1), ('parsing', 0, 0, 0, 127, 0)$$,
  'viewer: 30/90-day totals count the first date''s later hours and not the window''s start');
select results_eq(
  $$select category, last_30d, last_90d from ops.error_category_summary_v order by category$$,
  $$select category, last_30d, last_90d from by_hours order by category$$,
  'viewer: every category''s 30/90-day totals equal the sums over the hourly rows');

select tests.as_operator();
select results_eq(
  $$select category, last_30d, last_90d from ops.error_category_summary_v order by category$$,
  $$select category, last_30d, last_90d from by_hours order by category$$,
  'operator: the same totals');

select tests.as_service();
select results_eq(
  $$select category, last_30d, last_90d from ops.error_category_summary_v order by category$$,
  $$select category, last_30d, last_90d from by_hours order by category$$,
  'service_role: the same totals');

select tests.as_user();
select is((select coalesce(sum(last_90d), 0)::int from ops.error_category_summary_v), 0,
  'a signed-in user without an ops role sees no errors in the totals');

select tests.as_anon();
select throws_ok($$select * from ops.error_category_summary_v$$, '42501', null, 'anon cannot read the totals');

-- an hourly count raised later (the scraper's upsert) moves both parts alike
select tests.as_superuser();
update ops.error_hourly set count = count + 4 where hour = '2026-07-28 21:00+00';
insert into ops.error_hourly (hour, source_id, category, count)
select '2026-07-29 10:00+00', id, 'parsing', 3 from ops.sources where key = 'w2';
select tests.as_viewer();
select is((select last_90d from ops.error_category_summary_v where category = 'parsing'), 134::bigint,
  'parsing after the upsert: 127 + 4 (Jul 28 23:00 CEST) + 3 (Jul 29) = 134');
select results_eq(
  $$select category, last_30d, last_90d from ops.error_category_summary_v order by category$$,
  $$select category, last_30d, last_90d from by_hours order by category$$,
  'after the upsert the totals still equal the sums over the hourly rows');

-- the window moves with the clock: an hour later, Jul 28 12:00 UTC is the 90-day start (out)
set local ops.now = '2026-10-26 13:00:00+01';
select is((select last_90d from ops.error_category_summary_v where category = 'parsing'), 114::bigint,
  'an hour later the 90 days start after Jul 28 12:00 UTC: 134 - 20 = 114');

select * from finish();
rollback;
