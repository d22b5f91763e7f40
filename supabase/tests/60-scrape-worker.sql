-- ===========================================================================
-- 60 scrape worker seams: breaker state in ops.sources, effective rate limit
-- ===========================================================================
begin;
set search_path = extensions, public;
select plan(24);

insert into ops.sources (key, display_name, adapter, rate_limit_seconds, breaker_threshold, breaker_cooldown_seconds)
values ('brk', 'Breaker', 'greenhouse', 0.5, 2, 60);
create temporary table ids as select (select id from ops.sources where key = 'brk') as source_id;
grant select on ids to public;

-- ---------------------------------------------------------------------------
-- Defaults of the new columns
-- ---------------------------------------------------------------------------
select is((select breaker_failures from ops.sources where key = 'brk'), 0, 'breaker_failures starts at 0');
select is((select request_timeout_seconds from ops.sources where key = 'brk'), 15.00::numeric, 'request timeout defaults to 15 s');
select is((select max_retries from ops.sources where key = 'brk'), 3, 'max_retries defaults to 3');

-- ---------------------------------------------------------------------------
-- Effective rate limit: the larger of the source's and the global one
-- ---------------------------------------------------------------------------
select is((select rate_limit_seconds from ops.scrape_source_state((select source_id from ids))), 0.500::numeric,
  'the source''s limit when the global one is smaller');
update ops.settings set value = '2' where key = 'global_rate_limit_seconds';
select is((select rate_limit_seconds from ops.scrape_source_state((select source_id from ids))), 2::numeric,
  'the global limit when it is larger');
update ops.settings set value = '0' where key = 'global_rate_limit_seconds';
select throws_ok($$select * from ops.scrape_source_state(-1)$$, 'P0404', null, 'an unknown source is a P0404');

-- ---------------------------------------------------------------------------
-- ops.save_breaker_state: transitions and trips
-- ---------------------------------------------------------------------------
select tests.as_service();
select is(
  (select row(breaker_state, breaker_failures, breaker_trip_count, tripped)::text
     from ops.save_breaker_state((select source_id from ids), 'closed', 1)),
  '(closed,1,0,f)', 'a failure below the threshold is counted, no trip');
select is(
  (select row(breaker_state, breaker_failures, breaker_trip_count, tripped)::text
     from ops.save_breaker_state((select source_id from ids), 'open', 2, '2026-11-22 02:00+00')),
  '(open,2,1,t)', 'becoming open is a trip');
select is(
  (select tripped from ops.save_breaker_state((select source_id from ids), 'open', 3, '2026-11-22 02:00+00')),
  false, 'staying open is not another trip');
select is(
  (select row(breaker_state, breaker_trip_count)::text
     from ops.save_breaker_state((select source_id from ids), 'half_open', 3, '2026-11-22 02:00+00', '2026-11-22 02:05+00')),
  '(half_open,1)', 'the probe is half_open');
select tests.as_superuser();
select is((select breaker_probe_at from ops.sources where key = 'brk'), '2026-11-22 02:05+00'::timestamptz,
  'the probe time is stored');
select tests.as_service();
select is(
  (select row(breaker_state, breaker_trip_count, tripped)::text
     from ops.save_breaker_state((select source_id from ids), 'open', 4, '2026-11-22 02:05+00')),
  '(open,2,t)', 'a failed probe re-opens: a second trip');
select throws_ok($$select * from ops.save_breaker_state((select source_id from ids), 'ajar', 0)$$, 'P0400', null,
  'an unknown state is a P0400');
select throws_ok($$select * from ops.save_breaker_state((select source_id from ids), 'open', 1)$$, 'P0400', null,
  'an open breaker needs opened_at');
select throws_ok($$select * from ops.save_breaker_state((select source_id from ids), 'closed', -1)$$, 'P0400', null,
  'negative failures are a P0400');
select throws_ok($$select * from ops.save_breaker_state(-1, 'closed', 0)$$, 'P0404', null,
  'an unknown source is a P0404');

-- the worker's bookkeeping is not a control action: no audit rows
select tests.as_superuser();
select is((select count(*)::int from ops.audit_log where target = 'sources:brk'), 0,
  'the service role''s breaker writes are not audited');

-- ---------------------------------------------------------------------------
-- A manual reset (operator) starts the breaker's count from zero
-- ---------------------------------------------------------------------------
select tests.as_operator();
select is(ops.reset_breaker('brk') ->> 'breaker_state', 'closed', 'an operator resets the breaker');
select tests.as_superuser();
select is(
  (select row(breaker_state, breaker_failures, breaker_opened_at, breaker_probe_at, breaker_trip_count)::text
     from ops.sources where key = 'brk'),
  '(closed,0,,,2)', 'the reset clears failures, opened_at and the probe; trips stay counted');
update ops.sources set breaker_state = 'open', breaker_opened_at = now(), breaker_failures = 9 where key = 'brk';
update ops.sources set breaker_state = 'closed' where key = 'brk';
select is((select breaker_failures from ops.sources where key = 'brk'), 0, 'closing by hand in Studio resets the count too');

-- ---------------------------------------------------------------------------
-- Privileges
-- ---------------------------------------------------------------------------
select tests.as_operator();
select throws_ok($$select * from ops.save_breaker_state((select source_id from ids), 'closed', 0)$$, '42501', null,
  'signed-in users cannot write breaker state');
select throws_ok($$select * from ops.scrape_source_state((select source_id from ids))$$, '42501', null,
  'signed-in users cannot call the worker read');
select tests.as_anon();
select throws_ok($$select * from ops.save_breaker_state(1, 'closed', 0)$$, '42501', null, 'anon cannot write breaker state');
select tests.as_superuser();
select ok(
  (select p.proconfig @> array['search_path=""'] from pg_proc p where p.proname = 'save_breaker_state'),
  'save_breaker_state pins search_path');

select * from finish();
rollback;
