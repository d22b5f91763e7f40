-- ===========================================================================
-- 45 The report API's rules: start (paused source, run-date bounds, never
-- re-queued), counters as running totals, finish replay and conflict, the
-- run as read back, privileges.
-- ===========================================================================
begin;
set search_path = extensions, public;
select plan(20);

set local ops.now = '2026-11-22 02:00:00+00';
insert into ops.sources (key, display_name, adapter) values ('rep', 'Rep', 'greenhouse'), ('rep-off', 'Off', 'greenhouse');
update ops.sources set active = false where key = 'rep-off';

-- start
select is(tests.error_of($$select ops.report_start('w', 'nope')$$) ->> 'sqlstate', 'P0404', 'an unknown source is P0404');
select is(tests.error_of($$select ops.report_start('w', 'rep-off')$$) ->> 'code', 'source_paused',
  'a paused source is source_paused');
select is(tests.error_of($$select ops.report_start('w', 'rep-off')$$) ->> 'sqlstate', 'P0409', '... a P0409');
-- 02:00 UTC on 22 Nov is 03:00 in Berlin: today is the 22nd, tomorrow the 23rd
select is(tests.error_of($$select ops.report_start('w', 'rep', p_run_date => '2026-11-24')$$) ->> 'latest', '2026-11-23',
  'a run date after tomorrow (Berlin) is P0400 naming the latest allowed');
select is(tests.error_of($$select ops.report_start('w', 'rep', p_run_date => '2025-11-21')$$) ->> 'field', 'run_date',
  'a run date more than 365 days back is P0400');
create temporary table started as select ops.report_start('vm-1', 'rep', p_run_date => '2026-11-23') as r;
create temporary table j as select (r -> 'job' ->> 'id')::bigint as id from started;
select is((select r -> 'job' ->> 'run_date' from started), '2026-11-23', 'tomorrow is allowed');
select is((select row(type, status, locked_by, max_attempts)::text from ops.jobs where id = (select id from j)),
  row('scrape', 'running', 'vm-1', 1)::text, 'a scrape job running under its worker, with one attempt');
select is((select r -> 'counters' ->> 'requests' from started), '0', 'the run has counters from the start');

-- totals
set local ops.now = '2026-11-22 02:01:00+00';
select ops.report_heartbeat((select id from j), 1, 10, null, '{"requests": 5, "items_found": 2, "request_time_ms_total": 500}');
select ops.report_heartbeat((select id from j), 2, 10, null, '{"requests": 5, "items_found": 2, "request_time_ms_total": 500}');
select is((select row(requests, items_found, request_time_ms_total)::text from ops.scrape_runs where job_id = (select id from j)),
  row(5, 2, 500.0)::text, 'the same totals twice count once');
select ops.report_heartbeat((select id from j), p_totals => '{"requests": 8}');
select is((select row(requests, items_found)::text from ops.scrape_runs where job_id = (select id from j)),
  row(8, 2)::text, 'a higher total sets the counter; counters not sent stay');
select is(tests.error_of(format($$select ops.report_heartbeat(%s, p_totals => '{"requests": 7, "items_found": 1}')$$,
    (select id from j))) -> 'fields' ?& array['totals.requests', 'totals.items_found'], true,
  'a lower total is counters_decreased naming each counter');
select is(tests.error_of(format($$select ops.report_heartbeat(%s, p_totals => '{"bogus": 1}')$$, (select id from j))) ->> 'field',
  'metrics.bogus', 'unknown counters are refused by the one metrics check');
select is((select progress_done from ops.jobs where id = (select id from j)), 2, 'progress is stored');

-- finish
set local ops.now = '2026-11-22 02:03:00+00';
create temporary table fin as select ops.report_finish((select id from j), 'completed', null, null, null,
  '{"requests": 9, "items_found": 4}') as r;
select is((select row(r -> 'job' ->> 'status', r -> 'counters' ->> 'requests', r -> 'counters' ->> 'items_found')::text from fin),
  row('completed', '9', '4')::text, 'finish sets the final totals');
select is((select ops.report_finish((select id from j), 'completed', null, null, null, '{"requests": 9, "items_found": 4}')),
  (select r from fin), 'an identical finish answers like the first');
select is(tests.error_of(format($$select ops.report_finish(%s, 'completed', p_totals => '{"requests": 10}')$$,
  (select id from j))) ->> 'code', 'job_finished', 'a finish with other totals is job_finished');
select is((select requests from ops.scrape_runs where job_id = (select id from j)), 9, 'and changed nothing');

-- read back
select ops.append_logs((select id from j), '[{"level": "INFO", "message": "a"}, {"level": "INFO", "message": "b"}]');
select ops.record_errors((select id from j), '[{"message": "HTTP 429", "http_status": 429}]');
select is((select row(ops.report_run((select id from j)) ->> 'log_count',
    ops.report_run((select id from j)) -> 'errors' -> 0 ->> 'category')::text),
  row('2', 'block_429')::text, 'the run shows its log count and its errors');

-- privileges
create temporary table jid as select id from j;
grant select on jid to public;
select tests.as_operator();
select is(tests.error_of($$select ops.report_run(1)$$) ->> 'sqlstate', '42501', 'signed-in users cannot call the report functions');
select tests.as_service();
select is(tests.error_of(format($$select ops.report_run(%s)$$, (select id from jid))), null, 'the service role can');
select tests.as_superuser();

select * from finish();
rollback;
