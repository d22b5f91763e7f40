-- ===========================================================================
-- The scrape worker's seams in the database.
--
-- Circuit breaker state lives in ops.sources, so every worker sees the same
-- breaker and an operator's reset (ops.reset_breaker or an edit in Studio)
-- takes effect on the next request of a running scrape:
--   breaker_state / breaker_opened_at   (existing) the state machine
--   breaker_failures                    consecutive failed requests (the
--                                       breaker's own counter; consecutive_errors
--                                       stays the count of failed runs that
--                                       ops.finish keeps)
--   breaker_probe_at                    when the half-open probe was let through
--   breaker_trip_count                  (existing) +1 whenever the state becomes open
-- The worker writes the state through ops.save_breaker_state only.
--
-- Per-source HTTP knobs the worker reads at the start of each invocation:
--   request_timeout_seconds  per-attempt timeout (connect, headers, body)
--   max_retries              retries for 5xx, 429, timeouts, connection errors
-- The minimum interval between requests is read live (about every second):
-- greatest(sources.rate_limit_seconds, settings.global_rate_limit_seconds),
-- see ops_private.effective_rate_limit.
-- ===========================================================================

-- ---------------------------------------------------------------------------
-- Columns
-- ---------------------------------------------------------------------------
alter table ops.sources
  add column breaker_failures integer not null default 0 check (breaker_failures >= 0),
  add column breaker_probe_at timestamptz,
  add column request_timeout_seconds numeric(6, 2) not null default 15
    check (request_timeout_seconds between 0.1 and 120),
  add column max_retries integer not null default 3 check (max_retries between 0 and 10);

comment on column ops.sources.breaker_failures is
  'Consecutive failed requests (blocks, timeouts, connection errors, 5xx after retries) counted by the circuit breaker; breaker_threshold of them open it.';
comment on column ops.sources.breaker_probe_at is
  'When the half-open probe request was let through; a probe whose outcome never arrived is retried after the cooldown.';
comment on column ops.sources.request_timeout_seconds is
  'Per-attempt HTTP timeout of the scraper for this portal.';
comment on column ops.sources.max_retries is
  'Retries after the first attempt for 5xx, 429, timeouts and connection errors (never for 401/403).';

-- Demos and replays of past nights: the breaker of a scrape job runs on its
-- run_date's night clock (02:00 Berlin of that date, at the real pace), so that
-- breakers cool down between backfilled nights as between real nights.
insert into ops.settings (key, value, description) values
  ('simulated_night_clock', 'false',
   'Demos and replays only: scrape jobs run their circuit breaker on the clock of their run_date''s night (02:00 Europe/Berlin plus the time elapsed), so that breakers cool down between backfilled nights. Keep false in production.')
on conflict (key) do nothing;

-- Operators may tune the HTTP knobs like the rate limit (audited by the sources trigger).
grant update (request_timeout_seconds, max_retries) on ops.sources to authenticated;

-- ---------------------------------------------------------------------------
-- A breaker closed by hand starts counting from zero
-- ---------------------------------------------------------------------------
create or replace function ops_private.sources_breaker_closed()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.breaker_state = 'closed' and old.breaker_state is distinct from 'closed' then
    new.breaker_failures := 0;
    new.breaker_probe_at := null;
  end if;
  return new;
end
$$;

comment on function ops_private.sources_breaker_closed() is
  'Before update of ops.sources: closing the breaker (ops.reset_breaker, Studio, the worker) resets its failure counter and probe.';

revoke all on function ops_private.sources_breaker_closed() from public, anon, authenticated, service_role;

create trigger sources_breaker_closed before update of breaker_state on ops.sources
  for each row execute function ops_private.sources_breaker_closed();

-- ---------------------------------------------------------------------------
-- ops_private.effective_rate_limit: the interval a running scrape applies
-- ---------------------------------------------------------------------------
create or replace function ops_private.effective_rate_limit(p_source_id bigint)
returns numeric
language sql
stable
set search_path = ''
as $$
  select greatest(
    s.rate_limit_seconds,
    coalesce((select case when jsonb_typeof(g.value) = 'number' then (g.value #>> '{}')::numeric end
                from ops.settings g where g.key = 'global_rate_limit_seconds'), 0))
  from ops.sources s
  where s.id = p_source_id
$$;

comment on function ops_private.effective_rate_limit(bigint) is
  'Seconds between two requests to a source: the larger of its rate_limit_seconds and the global_rate_limit_seconds setting; null for an unknown source.';

revoke all on function ops_private.effective_rate_limit(bigint) from public, anon, authenticated;
grant execute on function ops_private.effective_rate_limit(bigint) to service_role;

-- ---------------------------------------------------------------------------
-- ops.scrape_source_state: what a running scrape re-reads while it runs
-- ---------------------------------------------------------------------------
create or replace function ops.scrape_source_state(
  p_source_id bigint,
  out rate_limit_seconds numeric,
  out active boolean,
  out breaker_enabled boolean,
  out breaker_threshold integer,
  out breaker_cooldown_seconds integer,
  out breaker_state text,
  out breaker_failures integer,
  out breaker_opened_at timestamptz,
  out breaker_probe_at timestamptz,
  out breaker_trip_count integer
)
returns record
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  select ops_private.effective_rate_limit(s.id), s.active, s.breaker_enabled, s.breaker_threshold,
         s.breaker_cooldown_seconds, s.breaker_state, s.breaker_failures, s.breaker_opened_at, s.breaker_probe_at,
         s.breaker_trip_count
    into rate_limit_seconds, active, breaker_enabled, breaker_threshold, breaker_cooldown_seconds, breaker_state,
         breaker_failures, breaker_opened_at, breaker_probe_at, breaker_trip_count
    from ops.sources s
   where s.id = p_source_id;
  if not found then
    perform ops_private.api_error('P0404', format('source %s not found', p_source_id),
      jsonb_build_object('code', 'not_found', 'entity', 'source', 'source_id', p_source_id));
  end if;
end
$$;

comment on function ops.scrape_source_state(bigint) is
  'The live settings and breaker state of a source as a running scrape sees them: effective rate limit, active, breaker settings and state. P0404 for an unknown source.';

-- ---------------------------------------------------------------------------
-- ops.save_breaker_state: the worker's breaker transitions
-- ---------------------------------------------------------------------------
create or replace function ops.save_breaker_state(
  p_source_id bigint,
  p_state text,
  p_failures integer,
  p_opened_at timestamptz default null,
  p_probe_at timestamptz default null,
  out breaker_state text,
  out breaker_failures integer,
  out breaker_trip_count integer,
  out tripped boolean
)
returns record
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_old text;
begin
  if p_state is null or p_state not in ('closed', 'open', 'half_open') then
    perform ops_private.api_error('P0400', format('breaker state must be closed, open or half_open, not %s', coalesce(p_state, 'null')),
      jsonb_build_object('code', 'invalid_argument', 'field', 'state'));
  end if;
  if p_failures is null or p_failures < 0 then
    perform ops_private.api_error('P0400', 'failures must be a non-negative integer',
      jsonb_build_object('code', 'invalid_argument', 'field', 'failures'));
  end if;
  if p_state = 'open' and p_opened_at is null then
    perform ops_private.api_error('P0400', 'an open breaker needs opened_at',
      jsonb_build_object('code', 'invalid_argument', 'field', 'opened_at'));
  end if;

  select s.breaker_state into v_old from ops.sources s where s.id = p_source_id for update;
  if not found then
    perform ops_private.api_error('P0404', format('source %s not found', p_source_id),
      jsonb_build_object('code', 'not_found', 'entity', 'source', 'source_id', p_source_id));
  end if;
  tripped := p_state = 'open' and v_old <> 'open';

  update ops.sources s
     set breaker_state = p_state,
         breaker_failures = least(p_failures, 2147483647),
         breaker_opened_at = case when p_state = 'closed' then null else p_opened_at end,
         breaker_probe_at = case when p_state = 'half_open' then p_probe_at end,
         breaker_trip_count = s.breaker_trip_count + case when tripped then 1 else 0 end,
         updated_at = case when p_state is distinct from v_old then ops_private.now() else s.updated_at end
   where s.id = p_source_id
  returning s.breaker_state, s.breaker_failures, s.breaker_trip_count
    into breaker_state, breaker_failures, breaker_trip_count;
end
$$;

comment on function ops.save_breaker_state(bigint, text, integer, timestamptz, timestamptz) is
  'Stores a source''s circuit breaker state as the scrape worker computed it; becoming open counts a trip (breaker_trip_count + 1, tripped = true). P0400 bad state/failures, P0404 unknown source.';

-- ---------------------------------------------------------------------------
-- Privileges: workers only
-- ---------------------------------------------------------------------------
revoke all on function ops.scrape_source_state(bigint),
  ops.save_breaker_state(bigint, text, integer, timestamptz, timestamptz)
  from public, anon, authenticated;
grant execute on function ops.scrape_source_state(bigint),
  ops.save_breaker_state(bigint, text, integer, timestamptz, timestamptz)
  to service_role;
