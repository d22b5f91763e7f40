-- ===========================================================================
-- 42 ops.upsert_source
-- ===========================================================================
begin;
set search_path = extensions, public;
select plan(7);

select tests.as_service();
select is((select key from ops.upsert_source('acme', 'Acme', 'greenhouse', '{"boardToken": "acme"}')), 'acme',
  'a new source is inserted');
select is((select rate_limit_seconds from ops.upsert_source('acme', 'Acme AG', 'greenhouse', '{"boardToken": "acme"}',
  '{"rate_limit_seconds": 0.5, "breaker_threshold": 3}')), 0.500::numeric, 'options update the politeness');
select is((select display_name || '/' || breaker_threshold from ops.sources where key = 'acme'), 'Acme AG/3',
  'the same key updates, never duplicates');
select is((select count(*)::int from ops.sources where key = 'acme'), 1, 'one row per key');
select throws_ok($$select ops.upsert_source('acme', 'Acme', 'greenhouse', '{}', '{"colour": "red"}')$$, 'P0400', null,
  'unknown options are rejected');
select throws_ok($$select ops.upsert_source('acme', 'Acme', 'greenhouse', '{}', '{"rate_limit_seconds": -2}')$$, '23514', null,
  'a bad value breaks a column check');

select tests.as_operator();
select throws_ok($$select ops.upsert_source('x', 'X', 'lever', '{}')$$, '42501', null, 'operators register sources through admins, not this function');

select * from finish();
rollback;
