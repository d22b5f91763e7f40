-- ===========================================================================
-- 10 job write API: hygiene of every function, and what each role may call
-- ===========================================================================
begin;
set search_path = extensions, public;
select plan(30);

-- ---------------------------------------------------------------------------
-- Hygiene
-- ---------------------------------------------------------------------------
select is(
  (select array_agg(p.proname::text order by p.proname) from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname in ('ops', 'ops_private')
      and not coalesce(p.proconfig @> array['search_path=""'], false)),
  null, 'every function in ops and ops_private has search_path = ''''');
select is(
  (select array_agg(p.proname::text order by p.proname) from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname in ('ops', 'ops_private') and has_function_privilege('public', p.oid, 'execute')),
  null, 'no function in ops or ops_private is executable by public');
select is(
  (select array_agg(p.proname::text order by p.proname) from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname in ('ops', 'ops_private') and has_function_privilege('anon', p.oid, 'execute')),
  null, 'anon executes nothing in ops or ops_private');
select is(
  (select array_agg(distinct p.proname::text order by p.proname::text) from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname = 'ops' and has_function_privilege('authenticated', p.oid, 'execute')),
  array['acknowledge_alert', 'alert_list', 'classify_error', 'digest', 'error_fingerprint', 'job_tree', 'normalize_error_message', 'request_cancel', 'reset_breaker',
        'set_portal_active', 'set_rate_limit', 'snapshot_postings', 'snooze_alert', 'start_manual_job'],
  'signed-in users may call only the read-only classifiers, digest, alert list, snapshot list (security invoker) and job tree, request_cancel, start_manual_job and the control levers and alert actions (which check the operator role)');
select is(
  (select array_agg(distinct p.proname::text order by p.proname::text) from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname = 'ops' and not has_function_privilege('service_role', p.oid, 'execute')),
  null, 'workers (service_role) call the whole write API: every function in ops');
select is(
  (select count(*)::int from information_schema.role_table_grants
    where table_schema = 'ops' and grantee in ('anon', 'authenticated', 'service_role')
      and privilege_type in ('INSERT', 'UPDATE', 'DELETE')
      and table_name in ('jobs', 'job_types', 'scrape_runs', 'logs', 'errors', 'error_hourly', 'api_idempotency_keys')),
  0, 'no API role writes the job tables directly: every write is a SQL function');

-- fixtures (as the superuser)
insert into ops.sources (key, display_name, adapter) values ('priv', 'Priv', 'lever');
select ops.enqueue('scrape', '{}', (select id from ops.sources where key = 'priv'), p_idempotency_key => 'priv-1');
select ops.enqueue('scrape', '{}', (select id from ops.sources where key = 'priv'), p_idempotency_key => 'priv-2');
create temporary table ids as
  select (select id from ops.jobs where idempotency_key = 'priv-1') as j1,
         (select id from ops.jobs where idempotency_key = 'priv-2') as j2;
grant select on ids to public;

-- ---------------------------------------------------------------------------
-- anon: nothing
-- ---------------------------------------------------------------------------
select tests.as_anon();
select throws_ok($$select ops.enqueue('scrape')$$, '42501', null, 'anon cannot enqueue');
select throws_ok($$select ops.request_cancel(1)$$, '42501', null, 'anon cannot cancel');
select throws_ok($$select * from ops.classify_error(403, 'x')$$, '42501', null, 'anon cannot classify');

-- ---------------------------------------------------------------------------
-- signed in without an ops role
-- ---------------------------------------------------------------------------
select tests.as_user();
select throws_ok($$select ops.request_cancel((select j1 from ids))$$, '42501', 'this action needs the operator role',
  'a user without ops role cannot cancel');
select throws_ok($$select * from ops.claim('w')$$, '42501', null, 'a user cannot claim');
select is((select category from ops.classify_error(403, 'Forbidden')), 'http_4xx',
  'a user without ops role classifies without seeing the rules (RLS): only the 4xx fallback');

-- ---------------------------------------------------------------------------
-- viewer: reads, writes nothing
-- ---------------------------------------------------------------------------
select tests.as_viewer();
select throws_ok($$select ops.request_cancel((select j1 from ids))$$, '42501', 'this action needs the operator role',
  'a viewer cannot cancel');
select throws_ok($$select * from ops.append_logs(1, '[]')$$, '42501', null, 'a viewer cannot append logs');
select throws_ok($$select ops.finish(1, 'completed')$$, '42501', null, 'a viewer cannot finish jobs');
select throws_ok($$select ops.sweep()$$, '42501', null, 'a viewer cannot sweep');
select throws_ok($$select ops.purge_retention()$$, '42501', null, 'a viewer cannot purge');
select throws_ok($$select * from ops.record_errors(1, '[]')$$, '42501', null, 'a viewer cannot record errors');
select is((select category from ops.classify_error(403, 'Forbidden')), 'block_403', 'a viewer classifies with the rules');
select throws_ok($$update ops.jobs set status = 'failed'$$, '42501', null, 'a viewer cannot update jobs');

-- ---------------------------------------------------------------------------
-- operator: cancels; no worker functions
-- ---------------------------------------------------------------------------
select tests.as_operator();
select is((ops.request_cancel((select j1 from ids), 'not needed today')).status, 'cancelled',
  'an operator cancels a pending job');
select throws_ok($$select ops.enqueue('scrape')$$, '42501', null, 'an operator cannot enqueue through SQL');
select throws_ok($$select * from ops.heartbeat(1)$$, '42501', null, 'an operator cannot heartbeat');
select throws_ok($$insert into ops.logs (job_id, level, message) values (1, 'INFO', 'x')$$, '42501', null,
  'an operator cannot insert logs directly');
select is((select actor from ops.audit_log where action = 'job.cancel' order by id desc limit 1),
  'tester@example.com', 'the cancel is audited with the operator''s identity (email, else user id: ops_private.actor)');

-- ---------------------------------------------------------------------------
-- service_role: the worker API
-- ---------------------------------------------------------------------------
select tests.as_service();
select is((select count(*)::int from ops.claim('svc-worker', array['scrape'], 10)), 1, 'service_role claims');
select is((select inserted from ops.append_logs((select j2 from ids), '[{"level": "INFO", "message": "hi"}]')), 1,
  'service_role appends logs');
select is((ops.finish((select j2 from ids), 'completed') -> 'job' ->> 'status'), 'completed', 'service_role finishes');
select lives_ok($$select ops.sweep()$$, 'service_role sweeps');
select throws_ok($$insert into ops.jobs (type) values ('scrape')$$, '42501', null,
  'service_role cannot insert jobs directly either');

select * from finish();
rollback;
