-- ===========================================================================
-- Portal status: per source, what a scraper will do right now (active, rate
-- limit, circuit breaker) and how it has been doing (error counters from
-- ops.error_hourly, the latest day from the rollup).
-- ===========================================================================

create or replace view ops.portal_status_v
with (security_invoker = true)
as
with clock as materialized (
  select ops_private.now() as now,
         ops_private.setting_numeric('global_rate_limit_seconds', 0) as global_rate_limit
)
select
  s.id as source_id,
  s.key as source_key,
  s.display_name,
  s.adapter,
  s.active,
  s.rate_limit_seconds,
  greatest(s.rate_limit_seconds, k.global_rate_limit) as effective_rate_limit_seconds,
  s.max_concurrency,
  s.breaker_enabled,
  s.breaker_state,
  s.breaker_opened_at,
  case when s.breaker_state = 'open'
    then s.breaker_opened_at + make_interval(secs => s.breaker_cooldown_seconds) end as breaker_retry_at,
  s.breaker_threshold,
  s.breaker_cooldown_seconds,
  s.breaker_trip_count,
  s.consecutive_errors,
  s.last_error_at,
  s.last_success_at,
  coalesce(e.errors_24h, 0)::bigint as errors_24h,
  coalesce(e.errors_7d, 0)::bigint as errors_7d,
  coalesce(e.blocks_24h, 0)::bigint as blocks_24h,
  coalesce(e.blocks_7d, 0)::bigint as blocks_7d,
  e.top_category_7d,
  coalesce(f.open_fingerprints, 0)::integer as distinct_errors_7d,
  l.run_date as last_run_date,
  l.final_status as last_final_status,
  l.jobs_processed_best as last_jobs_processed,
  case
    when not s.active then 'paused'
    when s.breaker_state = 'open' then 'breaker_open'
    when s.breaker_state = 'half_open' then 'breaker_half_open'
    when s.consecutive_errors > 0 then 'erroring'
    else 'ok'
  end as portal_state
from ops.sources s
cross join clock k
left join lateral (
  select
    sum(h.count) filter (where h.hour > k.now - interval '24 hours') as errors_24h,
    sum(h.count) as errors_7d,
    sum(h.count) filter (where ec.is_block and h.hour > k.now - interval '24 hours') as blocks_24h,
    sum(h.count) filter (where ec.is_block) as blocks_7d,
    (array_agg(h.category order by h.count desc))[1] as top_category_7d
  from ops.error_hourly h
  join ops.error_categories ec on ec.category = h.category
  where h.source_id = s.id and h.hour > k.now - interval '7 days'
) e on true
left join lateral (
  select count(*) as open_fingerprints
  from ops.errors x
  where x.source_id = s.id and x.last_occurrence > k.now - interval '7 days'
) f on true
left join lateral (
  select d.run_date, d.final_status, d.jobs_processed_best
  from ops.daily_source_stats d
  where d.source_id = s.id
  order by d.run_date desc
  limit 1
) l on true;

comment on view ops.portal_status_v is
$$Per source: active flag, rate limit (effective = the larger of the source's and the global one), concurrency, circuit breaker settings and state (breaker_retry_at = opened_at + cooldown while open), consecutive errors, last error/success.
errors_24h/7d = occurrences in ops.error_hourly over the last 24 h / 7 days; blocks_* = of categories with is_block; top_category_7d = the category of the biggest hourly count; distinct_errors_7d = fingerprints seen in 7 days.
last_run_date/last_final_status/last_jobs_processed = the latest day of the rollup.
portal_state: paused (inactive) > breaker_open > breaker_half_open > erroring (consecutive_errors > 0) > ok.$$;

revoke all on ops.portal_status_v from public, anon, authenticated, service_role;
grant select on ops.portal_status_v to authenticated, service_role;

-- ---------------------------------------------------------------------------
-- ops.scrape_last_24h_v: the control API's "last 24 hours" (one row)
-- ---------------------------------------------------------------------------
create or replace view ops.scrape_last_24h_v
with (security_invoker = true)
as
select
  count(*)::integer as runs,
  count(*) filter (where r.status = 'completed')::integer as completed,
  count(*) filter (where r.status = 'partial')::integer as partial,
  count(*) filter (where r.status = 'failed')::integer as failed,
  coalesce(sum(r.requests), 0)::integer as requests,
  coalesce(sum(r.items_found), 0)::integer as items_found,
  round(coalesce(sum(r.http_failures)::numeric / nullif(sum(r.requests), 0), 0), 4)::double precision as fail_rate,
  round(coalesce(sum(r.blocked_403 + r.blocked_429)::numeric / nullif(sum(r.requests), 0), 0), 4)::double precision
    as block_rate,
  round(coalesce(sum(r.timeouts)::numeric / nullif(sum(r.requests), 0), 0), 4)::double precision as timeout_rate,
  round(avg(r.avg_request_ms), 1)::double precision as avg_request_ms
from ops.scrape_runs r
where r.started_at > (select ops_private.now() - interval '24 hours');

comment on view ops.scrape_last_24h_v is
  'Scrape runs started in the last 24 hours: counts by status, requests, items, and the rates over all of them (failed, 403 + 429, timeouts per request).';

revoke all on ops.scrape_last_24h_v from public, anon, authenticated, service_role;
grant select on ops.scrape_last_24h_v to authenticated, service_role;
