-- ===========================================================================
-- 14 ops.append_logs: one statement per batch, validation (nothing written
-- on a bad line), limits, and the ops_logs wake-up seen by a real listener
-- ===========================================================================
begin;
set search_path = extensions, public;
select plan(16);

set local ops.now = '2026-11-22 02:00:00+00';
insert into ops.sources (key, display_name, adapter) values ('logs', 'Logs', 'lever');
create temporary table j as select * from ops.start_job('scrape', 'w1', '{}', (select id from ops.sources where key = 'logs'));

create temporary table r as select * from ops.append_logs((select id from j), $$[
  {"level": "info", "message": "start"},
  {"level": "WARNING", "message": "slow page", "context": {"ms": 5100}},
  {"level": "Success", "message": "done", "ts": "2026-11-22T01:59:59.5Z"}
]$$);
select is((select inserted from r), 3, 'a batch of three lines is stored');
select is((select last_id - first_id from r), 2::bigint, 'with consecutive ids');
select is(
  (select array_agg(level || ':' || message order by id) from ops.logs where job_id = (select id from j)),
  array['INFO:start', 'WARNING:slow page', 'SUCCESS:done'], 'in order, levels normalized to upper case');
select is((select array_agg(ts order by id) from ops.logs where job_id = (select id from j)),
  array['2026-11-22 02:00:00+00', '2026-11-22 02:00:00+00', '2026-11-22 01:59:59.5+00']::timestamptz[],
  'ts defaults to now; a given ts is kept');
select is((select count(*)::int from ops.logs where job_id = (select id from j) and source_id = (select source_id from j)), 3,
  'lines carry the job''s source');
select is((select context from ops.logs where job_id = (select id from j) and message = 'slow page'), '{"ms": 5100}'::jsonb,
  'context is stored');

-- all or nothing
select is(tests.error_of(format($$select ops.append_logs(%s, '[{"level": "INFO", "message": "ok"}, {"level": "LOUD", "message": "x"}]')$$,
  (select id from j))) ->> 'sqlstate', 'P0400', 'an unknown level is P0400');
select is(tests.error_of(format($$select ops.append_logs(%s, '[{"level": "INFO"}]')$$, (select id from j))) ->> 'sqlstate', 'P0400',
  'a line without message is P0400');
select is(tests.error_of(format($$select ops.append_logs(%s, '[{"level": "INFO", "message": "m", "ts": "yesterday-ish"}]')$$,
  (select id from j))) ->> 'sqlstate', 'P0400', 'a bad ts is P0400');
select is(tests.error_of(format($$select ops.append_logs(%s, '[1, 2]')$$, (select id from j))) ->> 'sqlstate', 'P0400',
  'lines that are not objects are P0400');
select is(tests.error_of(format($$select ops.append_logs(%s, '{"level": "INFO"}')$$, (select id from j))) ->> 'field', 'lines',
  'lines must be an array');
select is((select count(*)::int from ops.logs where job_id = (select id from j)), 3, 'rejected batches wrote nothing');
select is(tests.error_of($$select ops.append_logs(999999, '[]')$$) ->> 'sqlstate', 'P0404', 'an unknown job is P0404');
select is((select inserted from ops.append_logs((select id from j), '[]')), 0, 'an empty batch is fine');
select is(tests.error_of(format($$select ops.append_logs(%s, (select jsonb_agg(jsonb_build_object('level', 'INFO', 'message', 'x'))
  from generate_series(1, 10001)))$$, (select id from j))) ->> 'sqlstate', 'P0413', 'more than 10,000 lines is P0413');

-- the wake-up: a real listener in another session sees {job_id, last_id, count} after commit
create extension if not exists dblink with schema extensions;
select dblink_connect('listener', tests.dblink_connstr());
select dblink_connect('writer', tests.dblink_connstr());
select dblink_exec('listener', 'listen ops_logs');
create temporary table w as select * from dblink('writer', $$
  with j as (select * from ops.start_job('external', 'tap-notify'))
  select j.id, l.last_id from j, ops.append_logs(j.id, '[{"level": "INFO", "message": "a"}, {"level": "INFO", "message": "b"}]') l
$$) as t (id bigint, last_id bigint);
select pg_sleep(0.1);
select is(
  (select extra::jsonb from dblink_get_notify('listener') where notify_name = 'ops_logs' limit 1),
  (select jsonb_build_object('job_id', id, 'last_id', last_id, 'count', 2) from w),
  'one small notification per batch on ops_logs: job id, last log id, count');
select dblink_exec('writer', format('delete from ops.logs where job_id = %s', (select id from w)));
select dblink_exec('writer', format('delete from ops.jobs where id = %s', (select id from w)));
select dblink_disconnect('listener');
select dblink_disconnect('writer');

select * from finish();
rollback;
