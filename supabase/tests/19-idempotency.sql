-- ===========================================================================
-- 19 idempotency keys of the report API: new, replay, mismatch, roles, RLS
-- ===========================================================================
begin;
set search_path = extensions, public;
select plan(9);

set local ops.now = '2026-11-22 02:00:00+00';
select tests.as_service();
select is((select state from ops.idempotency_begin('k-1', 'POST /jobs/1/logs', 'abc')), 'new', 'a new key is ours');
select ops.idempotency_complete('k-1', 200, '{"inserted": 3}');
select is((select row(state, status_code, response)::text from ops.idempotency_begin('k-1', 'POST /jobs/1/logs', 'abc')),
  row('replay', 200, '{"inserted": 3}'::jsonb)::text, 'the same request again is a replay of the first answer');
select is((select state from ops.idempotency_begin('k-1', 'POST /jobs/1/logs', 'other')), 'mismatch',
  'the same key with another body is a mismatch');
select is((select state from ops.idempotency_begin('k-1', 'POST /jobs/2/logs', 'abc')), 'mismatch',
  'the same key on another route is a mismatch');
select is(tests.error_of($$select ops.idempotency_begin('', 'r', 'h')$$) ->> 'sqlstate', 'P0400', 'an empty key is P0400');
select throws_ok($$insert into ops.api_idempotency_keys (key, route, request_hash) values ('x', 'r', 'h')$$, '42501', null,
  'service_role cannot write the table directly');

select tests.as_operator();
select is((select count(*)::int from ops.api_idempotency_keys), 1, 'operators read the keys');
select tests.as_viewer();
select is((select count(*)::int from ops.api_idempotency_keys), 0, 'viewers do not (responses may carry job data)');
select throws_ok($$select ops.idempotency_begin('k-2', 'r', 'h')$$, '42501', null, 'viewers cannot use the functions');

select * from finish();
rollback;
