-- ===========================================================================
-- Sources and settings: what is scraped, how politely, and the global knobs.
-- Rate limits and circuit breaker state are read live by running scrapers,
-- so a change in Studio or through the control API takes effect at once.
--
-- Every rule on ops.sources, and where it lives (the concern that needs it
-- defines it; supabase/tests/01-sources.sql fails when this list is
-- incomplete):
--   columns      here; breaker_failures, breaker_probe_at, request_timeout_seconds,
--                max_retries: 20261122006500_scrape_worker.sql
--   grants       here: viewers read, the service role reads and writes
--                (registration, the scraper's breaker bookkeeping);
--                20261122005000_control.sql: operators UPDATE rate_limit_seconds,
--                active, breaker_state, breaker_opened_at, consecutive_errors,
--                updated_at (the control levers, and Studio);
--                20261122006500_scrape_worker.sql: operators UPDATE
--                request_timeout_seconds, max_retries;
--                20261122002300_daily_summary.sql: the BI role reads id, key,
--                active, created_at
--   policies     sources_read (here), sources_operator_update (control),
--                sources_read_bi (daily_summary)
--   triggers     sources_audit (control: every change by a person is audited),
--                sources_skip_pending_when_paused (pipeline),
--                sources_drop_thresholds_changed (daily_source_stats),
--                sources_breaker_closed (scrape_worker)
-- ===========================================================================

-- ---------------------------------------------------------------------------
-- ops.sources
-- ---------------------------------------------------------------------------
create table ops.sources (
  id bigint generated always as identity primary key,
  key text not null unique check (key ~ '^[a-z0-9][a-z0-9_.-]{0,62}$'),
  display_name text not null check (length(display_name) between 1 and 200),
  adapter text not null check (adapter ~ '^[a-z0-9_-]{1,40}$'),
  adapter_config jsonb not null default '{}'::jsonb check (jsonb_typeof(adapter_config) = 'object'),
  active boolean not null default true,

  -- politeness
  rate_limit_seconds numeric(8, 3) not null default 1 check (rate_limit_seconds between 0 and 3600),
  max_concurrency integer not null default 2 check (max_concurrency between 1 and 64),

  -- circuit breaker: settings
  breaker_enabled boolean not null default true,
  breaker_threshold integer not null default 5 check (breaker_threshold between 1 and 1000),
  breaker_cooldown_seconds integer not null default 300 check (breaker_cooldown_seconds between 1 and 86400),
  -- circuit breaker: state (closed -> open after threshold consecutive errors ->
  -- half_open after the cooldown, one probe decides closed or open again)
  breaker_state text not null default 'closed' check (breaker_state in ('closed', 'open', 'half_open')),
  breaker_opened_at timestamptz,
  breaker_trip_count integer not null default 0 check (breaker_trip_count >= 0),
  consecutive_errors integer not null default 0 check (consecutive_errors >= 0),
  last_error_at timestamptz,
  last_success_at timestamptz,

  -- service level objectives (over the SLO window, default 7 days)
  slo_success_rate numeric(5, 4) not null default 0.95 check (slo_success_rate between 0 and 1),
  slo_alert_success_rate numeric(5, 4) not null default 0.80 check (slo_alert_success_rate between 0 and 1),
  slo_avg_duration_seconds numeric(10, 2) not null default 300 check (slo_avg_duration_seconds > 0),

  -- volume drop detection against the 14-day baseline
  drop_min_baseline integer not null default 10 check (drop_min_baseline >= 0),
  drop_relative_threshold numeric(4, 3) not null default 0.5 check (drop_relative_threshold between 0 and 1),
  drop_zscore_threshold numeric(6, 3) not null default 3 check (drop_zscore_threshold > 0),

  -- who looks after it: notifications are routed by owner and tags
  owner text check (length(owner) between 1 and 200),
  tags text[] not null default '{}',

  created_at timestamptz not null default ops_private.now(),
  updated_at timestamptz not null default ops_private.now(),
  check (slo_alert_success_rate <= slo_success_rate)
);

comment on table ops.sources is 'Companies, portals and job boards that are scraped; one adapter each.';
comment on column ops.sources.rate_limit_seconds is 'Minimum seconds between two requests to this portal; read live by running scrapes.';
comment on column ops.sources.breaker_state is 'closed: requests flow; open: no requests until breaker_opened_at + cooldown; half_open: one probe request decides.';
comment on column ops.sources.slo_alert_success_rate is 'Success rate below which the SLO is breached; between it and slo_success_rate the SLO is in warning.';
comment on column ops.sources.owner is 'The team or person who looks after this source; notification channels route by it.';
comment on column ops.sources.tags is 'Free labels (region, customer, ...); notification channels route by them.';
comment on column ops.sources.drop_min_baseline is 'Baseline volume below which no drop is reported, so that tiny sources do not alarm.';

-- ---------------------------------------------------------------------------
-- ops.settings: global knobs, one row per key
-- ---------------------------------------------------------------------------
create table ops.settings (
  key text primary key check (key ~ '^[a-z0-9_]{1,60}$'),
  value jsonb not null,
  description text not null,
  updated_at timestamptz not null default ops_private.now()
);

comment on table ops.settings is 'Global settings; edit in Studio or through the control API.';

insert into ops.settings (key, value, description) values
  ('global_rate_limit_seconds', '0', 'Minimum seconds between two requests to any portal; the larger of this and the portal''s own limit applies.'),
  ('log_retention_days', '90', 'Logs older than this are deleted by the daily retention job.'),
  ('job_retention_days', '180', 'Finished jobs older than this (with their runs) are deleted by the daily retention job.'),
  ('alert_consecutive_failed_days', '2', 'Alert when a source failed on this many consecutive days.'),
  ('alert_block_rate', '0.10', 'Alert when a day''s block rate (403+429 per request) exceeds this.'),
  ('alert_timeout_rate', '0.05', 'Alert when a day''s timeout rate (timeouts per request) exceeds this.'),
  ('slo_window_days', '7', 'Days over which SLOs are evaluated.');

-- ---------------------------------------------------------------------------
-- Row level security: viewers read; writes go through SQL functions
-- ---------------------------------------------------------------------------
alter table ops.sources enable row level security;
alter table ops.settings enable row level security;

revoke all on ops.sources, ops.settings from public, anon, authenticated, service_role;
grant select on ops.sources, ops.settings to authenticated;
grant select, insert, update, delete on ops.sources, ops.settings to service_role;

create policy sources_read on ops.sources
  for select to authenticated
  using ((select ops_private.is_viewer()));

create policy settings_read on ops.settings
  for select to authenticated
  using ((select ops_private.is_viewer()));
