-- ===========================================================================
-- 13 ops.heartbeat, scrape metrics, ops.finish (rates, rollups, sources,
-- replay and conflicts), ops.continue_later
-- ===========================================================================
begin;
set search_path = extensions, public;
select plan(33);

set local ops.now = '2026-11-22 02:00:00+00';
update ops.jobs set run_after = 'infinity' where status = 'pending';
insert into ops.sources (key, display_name, adapter, consecutive_errors) values ('hb', 'Hb', 'greenhouse', 3);
create temporary table src as select id from ops.sources where key = 'hb';
create temporary table j as select * from ops.enqueue('scrape', '{}', (select id from src), p_run_date => '2026-11-21');
select ops.claim('w1', array['scrape'], 1);
select is((select run_date from ops.start_scrape_run((select id from j))), '2026-11-21'::date,
  'start_scrape_run takes run_date from the job');
select is((select started_at from ops.start_scrape_run((select id from j))), '2026-11-22 02:00:00+00'::timestamptz,
  'start_scrape_run is idempotent and starts at the claim');

-- heartbeats
set local ops.now = '2026-11-22 02:01:00+00';
select is((select row(cancel_requested, status, owned)::text from ops.heartbeat((select id from j), 'w1', 5, 40, '{"page": 2}',
    '{"requests": 12, "blocked_403": 2, "request_time_ms_total": 1200, "links_checked": 5, "links_ok": 4,
      "portal_stats": {"greenhouse": {"requests": 12, "pages": 2}}}')),
  row(false, 'running', true)::text, 'a heartbeat of the owner: no cancel, running, owned');
select is((select row(heartbeat_at, progress_done, progress_total, cursor)::text from ops.jobs where id = (select id from j)),
  row('2026-11-22 02:01:00+00'::timestamptz, 5, 40, '{"page": 2}'::jsonb)::text,
  'the heartbeat stores time, progress and the cursor');
set local ops.now = '2026-11-22 02:02:00+00';
select ops.heartbeat((select id from j), 'w1', p_metrics => '{"requests": 8, "blocked_429": 3, "timeouts": 1,
  "request_time_ms_total": 800, "links_checked": 3, "links_ok": 2, "breaker_triggered": true, "breaker_trips": 1,
  "portal_stats": {"greenhouse": {"requests": 8}, "lever": {"requests": 1}}}');
select is((select row(requests, blocked_403, blocked_429, timeouts, links_checked, links_ok, request_time_ms_total,
    breaker_triggered, breaker_trips)::text from ops.scrape_runs where job_id = (select id from j)),
  row(20, 2, 3, 1, 8, 6, 2000.0, true, 1)::text, 'metric increments add up across heartbeats');
select is((select portal_stats from ops.scrape_runs where job_id = (select id from j)),
  '{"greenhouse": {"requests": 20, "pages": 2}, "lever": {"requests": 1}}'::jsonb, 'portal stats deep-sum');
select is((select progress_done from ops.jobs where id = (select id from j)), 5, 'progress is kept when not given');
select is((select owned from ops.heartbeat((select id from j), 'someone-else', 99)), false,
  'a heartbeat from another worker is not owned');
select is((select progress_done from ops.jobs where id = (select id from j)), 5, 'and changes nothing');
select is(tests.error_of(format($$select ops.heartbeat(%s, p_metrics => '{"bogus": 1}')$$, (select id from j))) ->> 'field',
  'metrics.bogus', 'an unknown metric is P0400 naming it');
select is(tests.error_of(format($$select ops.heartbeat(%s, p_metrics => '{"requests": -1}')$$, (select id from j))) ->> 'sqlstate',
  'P0400', 'a negative metric is P0400');
select is(tests.error_of(format($$select ops.heartbeat(%s, p_metrics => '{"requests": "many"}')$$, (select id from j))) ->> 'field',
  'metrics.requests', 'a non-numeric metric is P0400');
select is(tests.error_of($$select ops.heartbeat(999999)$$) ->> 'sqlstate', 'P0404', 'a heartbeat of an unknown job is P0404');
select is((select requests from ops.scrape_runs where job_id = (select id from j)), 20, 'rejected metrics changed nothing');

-- finish
set local ops.now = '2026-11-22 02:05:30+00';
create temporary table answer as select ops.finish((select id from j), 'completed', '{"pages": 3}', null, null,
  '{"items_found": 10, "items_rejected": 1}', 'w1') as a;
select is((select a -> 'job' ->> 'status' from answer), 'completed', 'finish answers with the job');
select is((select row(status, finished_at, result)::text from ops.jobs where id = (select id from j)),
  row('completed', '2026-11-22 02:05:30+00'::timestamptz, '{"pages": 3}'::jsonb)::text, 'the job is completed');
select is((select row(status, finished_at, execution_time_sec, items_found, avg_request_ms)::text
    from ops.scrape_runs where job_id = (select id from j)),
  row('completed', '2026-11-22 02:05:30+00'::timestamptz, 330.000, 10, 100.0)::text,
  'the scrape run is rolled up: status, finished_at, 330 s execution, last metrics, average request 100 ms');
select is((select row(block_rate, timeout_rate, link_success_rate, reject_rate)::text from ops.scrape_runs where job_id = (select id from j)),
  row(0.2500, 0.0500, 0.7500, 0.1000)::text, 'rates: 5/20 blocked, 1/20 timeouts, 6/8 links ok, 1/10 rejected');
select is((select (a -> 'scrape_run' ->> 'block_rate')::numeric from answer), 0.2500, 'the answer carries the scrape run and its rates');
select is((select row(consecutive_errors, last_success_at)::text from ops.sources where id = (select id from src)),
  row(0, '2026-11-22 02:05:30+00'::timestamptz)::text, 'a completed scrape resets the source''s consecutive errors');

-- replay and conflicts
set local ops.now = '2026-11-22 02:09:00+00';
select is(ops.finish((select id from j), 'completed', '{"pages": 3}', null, null, '{"items_found": 10, "items_rejected": 1}', 'w1'),
  (select a from answer), 'an identical finish is a replay with the first answer');
select is((select items_found from ops.scrape_runs where job_id = (select id from j)), 10, 'a replay adds no metrics');
create temporary table conflict as select tests.error_of(format($$select ops.finish(%s, 'failed')$$, (select id from j))) as e;
select is((select e ->> 'sqlstate' from conflict), 'P0419', 'finishing a finished job differently is P0419');
select is((select e ->> 'status' from conflict), 'completed', 'naming its status');
select is(tests.error_of($$select ops.finish(999999, 'completed')$$) ->> 'sqlstate', 'P0404', 'an unknown job is P0404');

create temporary table f as select * from ops.enqueue('scrape', '{}', (select id from src));
select ops.claim('w2', array['scrape'], 1);
select is(tests.error_of(format($$select ops.finish(%s, 'done')$$, (select id from f))) ->> 'field', 'status', 'a bad status is P0400');
select is(tests.error_of(format($$select ops.finish(%s, 'failed', p_error_category => 'nope')$$, (select id from f))) ->> 'field',
  'error_category', 'an unknown category is P0400');
select is(tests.error_of(format($$select ops.finish(%s, 'failed', p_worker => 'w9')$$, (select id from f))) ->> 'sqlstate',
  'P0423', 'a worker that does not hold the job gets P0423');
select ops.finish((select id from f), 'failed', null, 'connect ECONNREFUSED 10.0.0.1:443');
select is((select row(status, error_category)::text from ops.jobs where id = (select id from f)),
  row('failed', 'network_connection')::text, 'a failure without category is classified from its error');
select is((select row(consecutive_errors, last_error_at)::text from ops.sources where id = (select id from src)),
  row(1, '2026-11-22 02:09:00+00'::timestamptz)::text, 'a failed scrape counts a consecutive error');

-- continue_later: checkpoint and yield without using up an attempt
create temporary table c as select * from ops.enqueue('scrape', '{}', (select id from src));
select ops.claim('w3', array['scrape'], 1);
set local ops.now = '2026-11-22 02:10:00+00';
create temporary table c2 as select * from ops.continue_later((select id from c), '{"page": 9}', 60, 'w3', '{"requests": 4}');
select is((select row(status, attempt, locked_by, cursor, run_after)::text from c2),
  row('pending', 0, null::text, '{"page": 9}'::jsonb, '2026-11-22 02:11:00+00'::timestamptz)::text,
  'continue_later re-queues with the cursor after the delay and gives the attempt back');
select is((select row(requests, execution_time_sec)::text from ops.scrape_runs where job_id = (select id from c)),
  row(4, 60.000)::text, 'and rolls up metrics and the 60 s of execution');
select is(tests.error_of(format($$select ops.continue_later(%s, '{}')$$, (select id from c))) ->> 'sqlstate', 'P0419',
  'only a running job can continue later');

select * from finish();
rollback;
