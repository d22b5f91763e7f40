-- ===========================================================================
-- 50 control actions: rate limits, portal toggle, breaker reset, audit log
-- ===========================================================================
begin;
set search_path = extensions, public;
select plan(31);

insert into ops.sources (key, display_name, adapter, breaker_state, breaker_opened_at, consecutive_errors)
values ('acme', 'Acme', 'greenhouse', 'open', now() - interval '1 minute', 7);

-- ---------------------------------------------------------------------------
-- operator: every lever works and is audited
-- ---------------------------------------------------------------------------
select tests.as_operator();
select is(ops.set_rate_limit('acme', 2.5), '{"scope": "portal", "portal": "acme", "rate_limit_seconds": 2.500}'::jsonb,
  'an operator sets a portal rate limit');
select is(ops.set_rate_limit(null, 0.5), '{"scope": "global", "rate_limit_seconds": 0.5}'::jsonb,
  'an operator sets the global rate limit');
select is(ops.set_portal_active('acme', false), '{"portal": "acme", "active": false}'::jsonb,
  'an operator pauses a portal');
select is(ops.reset_breaker('acme'), '{"portal": "acme", "breaker_state": "closed", "consecutive_errors": 0}'::jsonb,
  'an operator resets a breaker');
select throws_ok($$select ops.set_rate_limit('acme', 3601)$$, '22023', null, 'a rate limit over 3600 s is rejected');
select throws_ok($$select ops.set_rate_limit('acme', -1)$$, '22023', null, 'a negative rate limit is rejected');
select throws_ok($$select ops.set_portal_active('nope', true)$$, 'P0404', null, 'an unknown portal is a P0404');
select throws_ok($$select ops.reset_breaker('nope')$$, 'P0404', null, 'resetting an unknown portal is a P0404');

select tests.as_superuser();
select is((select rate_limit_seconds from ops.sources where key = 'acme'), 2.500::numeric, 'the portal limit is stored');
select is((select value from ops.settings where key = 'global_rate_limit_seconds'), '0.5'::jsonb, 'the global limit is stored');
select is((select breaker_opened_at from ops.sources where key = 'acme'), null, 'the breaker reset clears opened_at');
select is((select count(*)::int from ops.audit_log where at = now()), 4, 'four control actions, four audit rows');
select is(
  (select jsonb_build_object('actor', actor, 'role', actor_role, 'action', action, 'target', target, 'before', before, 'after', after)
     from ops.audit_log where at = now() and target = 'sources:acme' and after ? 'rate_limit_seconds'),
  '{"actor": "tester@example.com", "role": "operator", "action": "update_source", "target": "sources:acme",
    "before": {"rate_limit_seconds": 1.000}, "after": {"rate_limit_seconds": 2.500}}'::jsonb,
  'the audit row says who, what, before and after');
select is(
  (select before || after from ops.audit_log where at = now() and after ? 'breaker_state'),
  '{"breaker_state": "closed", "breaker_opened_at": null, "consecutive_errors": 0}'::jsonb,
  'a breaker reset records only the columns it changed (after wins in this merge)');

-- ---------------------------------------------------------------------------
-- workers' bookkeeping is not a control action
-- ---------------------------------------------------------------------------
select tests.as_service();
update ops.sources set consecutive_errors = 3 where key = 'acme';
select tests.as_superuser();
select is((select count(*)::int from ops.audit_log where at = now()), 4, 'service_role updates are not audited');

-- a change by hand (Studio, psql) is audited with the database user
update ops.sources set active = true where key = 'acme';
select is((select actor_role from ops.audit_log order by id desc limit 1), 'database:postgres',
  'a change in Studio is audited as the database user');

-- the workers' bookkeeping over their database connection (as ops.finish and the scrape
-- worker's breaker write it) is not audited; a person's change, or any other column, is
create temp table audit_mark as select coalesce(max(id), 0) as id from ops.audit_log;
grant select on audit_mark to public;
update ops.sources set consecutive_errors = consecutive_errors + 1, last_error_at = now(), updated_at = now()
 where key = 'acme';
update ops.sources set consecutive_errors = 0, last_success_at = now(), updated_at = now() where key = 'acme';
update ops.sources set breaker_state = 'open', breaker_failures = 5, breaker_opened_at = now(),
       breaker_trip_count = breaker_trip_count + 1 where key = 'acme';
select is((select count(*)::int from ops.audit_log where id > (select id from audit_mark)), 0,
  'run counters and breaker state written by a database session leave no audit row');
update ops.sources set consecutive_errors = 9, rate_limit_seconds = 4 where key = 'acme';
select is((select before || after from ops.audit_log where id > (select id from audit_mark)),
  '{"consecutive_errors": 9, "rate_limit_seconds": 4}'::jsonb,
  'a database session''s change of a counter together with a setting is audited, counter included');
select tests.as_service();
update ops.sources set active = false where key = 'acme';
select tests.as_superuser();
select is((select actor || ' / ' || actor_role from ops.audit_log where id > (select id from audit_mark) order by id desc limit 1),
  'service_role / service', 'the service role''s change of a setting is audited');
select tests.as_operator();
select is(ops.reset_breaker('acme') ->> 'breaker_state', 'closed', 'an operator resets the breaker again');
select tests.as_superuser();
select is((select actor_role || ' ' || action from ops.audit_log where id > (select id from audit_mark) order by id desc limit 1),
  'operator update_source', 'a person''s change of the breaker columns is audited');
select tests.as_viewer();
select is((select count(*)::int from ops.audit_log where id > (select id from audit_mark) and actor_role not like 'database:%'), 2,
  'a viewer reads the people''s and API callers'' rows (the console''s users_only filter): service and operator');

-- the rule itself
select tests.as_superuser();
select is(ops_private.is_bookkeeping('database:postgres', array['consecutive_errors', 'last_error_at'],
                                     array['consecutive_errors', 'last_error_at', 'last_success_at']),
  true, 'a database session changing only bookkeeping columns: bookkeeping');
select is(ops_private.is_bookkeeping('operator', array['consecutive_errors'], array['consecutive_errors']),
  false, 'a person''s change is never bookkeeping');
select is(ops_private.is_bookkeeping('service', array['active'], array['consecutive_errors']),
  false, 'a change of a column outside the bookkeeping list is not bookkeeping');

-- ---------------------------------------------------------------------------
-- viewer, user without role, anon: no levers
-- ---------------------------------------------------------------------------
select tests.as_viewer();
select throws_ok($$select ops.set_rate_limit('acme', 1)$$, '42501', null, 'a viewer cannot set a rate limit');
select throws_ok($$select ops.set_portal_active('acme', false)$$, '42501', null, 'a viewer cannot pause a portal');
select throws_ok($$select ops.reset_breaker('acme')$$, '42501', null, 'a viewer cannot reset a breaker');
select throws_ok($$update ops.sources set breaker_threshold = 1$$, '42501', null,
  'a viewer cannot update other columns by hand');
select tests.as_user();
select throws_ok($$select ops.set_rate_limit(null, 1)$$, '42501', null, 'a user without ops role cannot set the global limit');
select tests.as_anon();
select throws_ok($$select ops.set_rate_limit('acme', 1)$$, '42501', null, 'anon cannot call control functions');

select * from finish();
rollback;
