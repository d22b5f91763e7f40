-- ===========================================================================
-- Registering sources: ops.upsert_source, the write path for adding or
-- updating a company/portal (scripts, the demo, an admin tool). The adapter
-- config is validated by the adapter's schema in TypeScript before the call;
-- here only its shape (a JSON object) and the columns' own checks apply.
-- Options (all optional): rate_limit_seconds, max_concurrency, request_timeout_seconds,
-- max_retries, breaker_enabled,
-- breaker_threshold, breaker_cooldown_seconds, slo_success_rate,
-- slo_alert_success_rate, slo_avg_duration_seconds, drop_min_baseline,
-- drop_relative_threshold, drop_zscore_threshold, active.
-- ===========================================================================

create or replace function ops.upsert_source(
  p_key text,
  p_display_name text,
  p_adapter text,
  p_adapter_config jsonb,
  p_options jsonb default '{}'::jsonb
)
returns ops.sources language plpgsql security definer set search_path = '' as $$
declare
  unknown text[];
  source ops.sources;
begin
  select array_agg(k) into unknown
    from jsonb_object_keys(coalesce(p_options, '{}')) k
   where k not in ('rate_limit_seconds', 'max_concurrency', 'request_timeout_seconds', 'max_retries',
                   'breaker_enabled', 'breaker_threshold',
                   'breaker_cooldown_seconds', 'slo_success_rate', 'slo_alert_success_rate',
                   'slo_avg_duration_seconds', 'drop_min_baseline', 'drop_relative_threshold',
                   'drop_zscore_threshold', 'active');
  if unknown is not null then
    perform ops_private.api_error('P0400', format('unknown source options: %s', array_to_string(unknown, ', ')),
      jsonb_build_object('code', 'invalid_argument', 'field', 'options', 'unknown', unknown));
  end if;

  insert into ops.sources as s (key, display_name, adapter, adapter_config)
  values (p_key, p_display_name, p_adapter, p_adapter_config)
  on conflict (key) do update
    set display_name = excluded.display_name, adapter = excluded.adapter,
        adapter_config = excluded.adapter_config, updated_at = ops_private.now()
  returning * into source;

  update ops.sources s set
    rate_limit_seconds = coalesce((p_options ->> 'rate_limit_seconds')::numeric, s.rate_limit_seconds),
    max_concurrency = coalesce((p_options ->> 'max_concurrency')::integer, s.max_concurrency),
    request_timeout_seconds = coalesce((p_options ->> 'request_timeout_seconds')::numeric, s.request_timeout_seconds),
    max_retries = coalesce((p_options ->> 'max_retries')::integer, s.max_retries),
    breaker_enabled = coalesce((p_options ->> 'breaker_enabled')::boolean, s.breaker_enabled),
    breaker_threshold = coalesce((p_options ->> 'breaker_threshold')::integer, s.breaker_threshold),
    breaker_cooldown_seconds = coalesce((p_options ->> 'breaker_cooldown_seconds')::integer, s.breaker_cooldown_seconds),
    slo_success_rate = coalesce((p_options ->> 'slo_success_rate')::numeric, s.slo_success_rate),
    slo_alert_success_rate = coalesce((p_options ->> 'slo_alert_success_rate')::numeric, s.slo_alert_success_rate),
    slo_avg_duration_seconds = coalesce((p_options ->> 'slo_avg_duration_seconds')::numeric, s.slo_avg_duration_seconds),
    drop_min_baseline = coalesce((p_options ->> 'drop_min_baseline')::integer, s.drop_min_baseline),
    drop_relative_threshold = coalesce((p_options ->> 'drop_relative_threshold')::numeric, s.drop_relative_threshold),
    drop_zscore_threshold = coalesce((p_options ->> 'drop_zscore_threshold')::numeric, s.drop_zscore_threshold),
    active = coalesce((p_options ->> 'active')::boolean, s.active)
  where s.id = source.id
  returning * into source;
  return source;
end
$$;

comment on function ops.upsert_source(text, text, text, jsonb, jsonb) is
  'Adds or updates a source by key; options set politeness, breaker, SLO and drop thresholds (P0400 for unknown options; column checks give 23514).';

revoke all on function ops.upsert_source(text, text, text, jsonb, jsonb) from public, anon, authenticated;
grant execute on function ops.upsert_source(text, text, text, jsonb, jsonb) to service_role;
