-- ===========================================================================
-- Error analysis: trends by category (per hour over 7 days, per day over 90
-- days, totals over 24 h / 7 / 30 / 90 days) and the top errors by
-- fingerprint. Trends read ops.error_hourly (occurrences per hour, source and
-- category, maintained by ops.record_errors) and its daily rollup
-- ops.error_daily_category, never ops.logs.
-- "Now" is ops_private.now(); days are Europe/Berlin dates.
-- ===========================================================================

-- ---------------------------------------------------------------------------
-- ops.error_trend_hourly_v: per hour and category, the last 7 days
-- ---------------------------------------------------------------------------
create or replace view ops.error_trend_hourly_v
with (security_invoker = true)
as
with per_source as (
  select h.hour, h.category, h.source_id, sum(h.count) as occurrences
  from ops.error_hourly h
  where h.hour >= (select date_trunc('hour', ops_private.now()) - interval '7 days')
  group by h.hour, h.category, h.source_id
)
select
  p.hour,
  p.category,
  ec.is_block,
  sum(p.occurrences)::bigint as occurrences,
  count(p.source_id)::integer as sources_affected
from per_source p
join ops.error_categories ec on ec.category = p.category
group by p.hour, p.category, ec.is_block;

comment on view ops.error_trend_hourly_v is
  'Error occurrences per hour (UTC hour start) and category over the last 7 days (168 hours up to the current hour): occurrences = sum of ops.error_hourly.count over sources; sources_affected = distinct sources with at least one. Hours without errors have no row.';

-- ---------------------------------------------------------------------------
-- ops.error_trend_daily_v: per Berlin day and category, the last 90 days
-- ---------------------------------------------------------------------------
create or replace view ops.error_trend_daily_v
with (security_invoker = true)
as
select
  d.day,
  d.category,
  ec.is_block,
  d.occurrences,
  d.sources_affected
from ops.error_daily_category d
join ops.error_categories ec on ec.category = d.category
where d.day >= (select ops_private.berlin_today() - 89)
  and d.occurrences > 0;

comment on view ops.error_trend_daily_v is
  'Error occurrences per Europe/Berlin date and category over the last 90 dates (today and the 89 before; filter day >= today - 6 or - 29 for 7 and 30 days), from the daily rollup ops.error_daily_category: occurrences = sum of ops.error_hourly.count, sources_affected = distinct sources with at least one. An hour belongs to the Berlin date of its start, so a DST day has 23 or 25 hours. Days without errors have no row.';

-- ---------------------------------------------------------------------------
-- ops.error_category_summary_v: totals per category and window
-- ---------------------------------------------------------------------------
create or replace view ops.error_category_summary_v
with (security_invoker = true)
as
with clock as materialized (
  select date_trunc('hour', ops_private.now()) as hour_now
),
-- the last 14 days hour by hour (24 h, 7 days, the 7 before, sources in 7 days): an index range
-- of ops.error_hourly, bounded by a value the planner sees (an init plan), not by a join
recent as (
  select
    h.category,
    sum(h.count) filter (where h.hour > k.hour_now - interval '24 hours') as last_24h,
    sum(h.count) filter (where h.hour > k.hour_now - interval '7 days') as last_7d,
    sum(h.count) filter (where h.hour <= k.hour_now - interval '7 days') as previous_7d,
    count(distinct h.source_id) filter (where h.hour > k.hour_now - interval '7 days') as sources_7d
  from ops.error_hourly h
  cross join clock k
  where h.hour > (select date_trunc('hour', ops_private.now()) - interval '14 days')
  group by h.category
),
-- 30 and 90 days: the whole Berlin dates of the window from the daily rollup
-- (ops.error_daily_category), the rest of the window's first date hour by hour
windows as materialized (
  select x.days, x.after, x.first_day,
         -- computed here, so that the hourly range below compares plain values (an index range under RLS)
         x.first_day::timestamp at time zone 'Europe/Berlin' as first_day_start
  from (
    select w.days, k.hour_now - make_interval(days => w.days) as after,
           ((k.hour_now - make_interval(days => w.days)) at time zone 'Europe/Berlin')::date + 1 as first_day
    from clock k
    cross join (values (30), (90)) as w(days)
  ) x
),
long as (
  select x.category, sum(x.n) filter (where x.days = 30) as last_30d, sum(x.n) filter (where x.days = 90) as last_90d
  from (
    select w.days, d.category, d.occurrences as n
    from windows w
    join ops.error_daily_category d on d.day >= w.first_day
    union all
    select w.days, h.category, h.count
    from windows w
    join ops.error_hourly h on h.hour > w.after and h.hour < w.first_day_start
  ) x
  group by x.category
)
select
  ec.category,
  ec.description,
  ec.is_block,
  ec.default_severity,
  coalesce(s.last_24h, 0)::bigint as last_24h,
  coalesce(s.last_7d, 0)::bigint as last_7d,
  coalesce(s.previous_7d, 0)::bigint as previous_7d,
  case when coalesce(s.previous_7d, 0) > 0
    then round((coalesce(s.last_7d, 0) - s.previous_7d)::numeric / s.previous_7d, 4) end as change_7d,
  coalesce(l.last_30d, 0)::bigint as last_30d,
  coalesce(l.last_90d, 0)::bigint as last_90d,
  coalesce(s.sources_7d, 0)::integer as sources_7d,
  case when sum(coalesce(s.last_7d, 0)) over () > 0
    then round(coalesce(s.last_7d, 0)::numeric / sum(coalesce(s.last_7d, 0)) over (), 4) else 0 end as share_7d
from ops.error_categories ec
left join recent s on s.category = ec.category
left join long l on l.category = ec.category;

comment on view ops.error_category_summary_v is
  'One row per error category: occurrences in the last 24 h, 7, 30 and 90 days (windows of hours ending at the current hour), the 7 days before (previous_7d), change_7d = (last_7d - previous_7d) / previous_7d (NULL when previous_7d = 0), sources affected in 7 days, share of all errors in 7 days.';

-- ---------------------------------------------------------------------------
-- ops.top_errors_v: errors by fingerprint across sources
-- ---------------------------------------------------------------------------
create or replace view ops.top_errors_v
with (security_invoker = true)
as
select
  rank() over (order by sum(e.count) desc, max(e.last_occurrence) desc) as rank,
  e.fingerprint,
  e.category,
  (array_agg(e.severity order by case e.severity when 'critical' then 1 when 'high' then 2 when 'medium' then 3 else 4 end))[1] as severity,
  sum(e.count)::bigint as occurrences,
  count(*)::integer as sources_affected,
  array_agg(distinct s.key) filter (where s.key is not null) as source_keys,
  (array_agg(e.message order by e.last_occurrence desc))[1] as sample_message,
  (array_agg(e.url order by e.last_occurrence desc) filter (where e.url is not null))[1] as sample_url,
  (array_agg(e.http_status order by e.last_occurrence desc) filter (where e.http_status is not null))[1] as http_status,
  min(e.first_seen) as first_seen,
  max(e.last_occurrence) as last_occurrence
from ops.errors e
left join ops.sources s on s.id = e.source_id
group by e.fingerprint, e.category;

comment on view ops.top_errors_v is
  'Deduplicated errors grouped by fingerprint (category + normalized message) across sources, ranked by occurrences (sum of ops.errors.count), then most recent. severity = the highest seen; sample_message/url/http_status = of the latest occurrence. Filter last_occurrence for a time window.';

-- ---------------------------------------------------------------------------
-- Privileges
-- ---------------------------------------------------------------------------
revoke all on ops.error_trend_hourly_v, ops.error_trend_daily_v, ops.error_category_summary_v, ops.top_errors_v
  from public, anon, authenticated, service_role;
grant select on ops.error_trend_hourly_v, ops.error_trend_daily_v, ops.error_category_summary_v, ops.top_errors_v
  to authenticated, service_role;
