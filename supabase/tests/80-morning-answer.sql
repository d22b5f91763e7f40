-- ===========================================================================
-- 80 the morning answer: root causes through breaker skips, problem_since,
-- last_success_date, changes against yesterday, the status partition, the
-- best-run rule, the SLO of an inactive source, the digest, alert ids that
-- stay stable across days, acknowledge and snooze. Every expected value is
-- computed by hand in the comments.
--
-- Three weeks, Nov 2 .. Nov 23 2026 (CET, no DST change inside), sources
-- created Nov 2, one run a night at 02:00 Berlin unless said otherwise:
--   blocked     Nov 2..15 completed 50 items; Nov 16 failed block_403 (the
--               breaker opened); Nov 17..19 skipped circuit_open; Nov 20 the
--               half-open probe failed block_403 again; Nov 21..23 skipped.
--   captcha     Nov 2..21 completed 40; Nov 22, 23 failed captcha.
--   recovering  Nov 2..20 completed 30; Nov 21, 22 failed network_timeout;
--               Nov 23 completed 30.
--   dropper     Nov 2..22 completed 100; Nov 23 completed 20 (a drop).
--   rerun       Nov 2..22 completed 60; Nov 23 a cancelled run with 8 items
--               (finished 02:10) and a failed run with 5 items (03:10).
--   quiet       Nov 2..22 completed 10; Nov 23 nothing.
--   paused      inactive; Nov 2..10 completed 10, nothing after.
-- Clock: Nov 23 09:00 Berlin (alerts evaluate today from 07:00 on).
-- ===========================================================================
begin;
set search_path = extensions, public;
select plan(30);

set local ops.now = '2026-11-23 09:00:00+01';

create function pg_temp.run(p_key text, p_date date, p_status text, p_items integer,
  p_category text default null, p_error text default null, p_at time default '02:00')
returns bigint
language plpgsql
as $$
declare
  v_source bigint := (select id from ops.sources where key = p_key);
  v_start timestamptz := (p_date + p_at) at time zone 'Europe/Berlin';
  v_job bigint;
begin
  insert into ops.jobs (type, status, source_id, run_date, created_at, started_at, finished_at, error, error_category)
  values ('scrape', p_status, v_source, p_date, v_start, v_start, v_start + interval '60 seconds', p_error, p_category)
  returning id into v_job;
  insert into ops.scrape_runs (job_id, source_id, run_date, status, items_found, requests, execution_time_sec,
                               started_at, finished_at)
  values (v_job, v_source, p_date, p_status, p_items, case when p_status = 'skipped' then 0 else 10 end, 60,
          v_start, v_start + interval '60 seconds');
  return v_job;
end
$$;

insert into ops.sources (key, display_name, adapter, created_at, owner, tags)
select k, initcap(k), 'greenhouse', '2026-11-02 09:00+01', 'team-' || k, '{dach}'
from unnest(array['blocked', 'captcha', 'recovering', 'dropper', 'rerun', 'quiet', 'paused']) k;
update ops.sources set active = false where key = 'paused';

select pg_temp.run('blocked', d::date, 'completed', 50) from generate_series('2026-11-02'::date, '2026-11-15', '1 day') d;
select pg_temp.run('blocked', '2026-11-16', 'failed', 0, 'block_403', 'block_403: HTTP 403 Forbidden');
select pg_temp.run('blocked', d::date, 'skipped', 0, 'circuit_open', 'circuit breaker open')
  from generate_series('2026-11-17'::date, '2026-11-19', '1 day') d;
select pg_temp.run('blocked', '2026-11-20', 'failed', 0, 'block_403', 'block_403: HTTP 403 Forbidden (probe)');
select pg_temp.run('blocked', d::date, 'skipped', 0, 'circuit_open', 'circuit breaker open')
  from generate_series('2026-11-21'::date, '2026-11-23', '1 day') d;
select pg_temp.run('captcha', d::date, 'completed', 40) from generate_series('2026-11-02'::date, '2026-11-21', '1 day') d;
select pg_temp.run('captcha', d::date, 'failed', 0, 'captcha', 'captcha: verify you are human')
  from generate_series('2026-11-22'::date, '2026-11-23', '1 day') d;
select pg_temp.run('recovering', d::date, 'completed', 30) from generate_series('2026-11-02'::date, '2026-11-20', '1 day') d;
select pg_temp.run('recovering', d::date, 'failed', 0, 'network_timeout', 'network_timeout: timed out after 15 s')
  from generate_series('2026-11-21'::date, '2026-11-22', '1 day') d;
select pg_temp.run('recovering', '2026-11-23', 'completed', 30);
select pg_temp.run('dropper', d::date, 'completed', 100) from generate_series('2026-11-02'::date, '2026-11-22', '1 day') d;
select pg_temp.run('dropper', '2026-11-23', 'completed', 20);
select pg_temp.run('rerun', d::date, 'completed', 60) from generate_series('2026-11-02'::date, '2026-11-22', '1 day') d;
select pg_temp.run('rerun', '2026-11-23', 'cancelled', 8, 'cancelled', 'cancelled by an operator', '02:10');
select pg_temp.run('rerun', '2026-11-23', 'failed', 5, 'parsing', 'parsing: selector .job matched nothing', '03:10');
select pg_temp.run('quiet', d::date, 'completed', 10) from generate_series('2026-11-02'::date, '2026-11-22', '1 day') d;
select pg_temp.run('paused', d::date, 'completed', 10) from generate_series('2026-11-02'::date, '2026-11-10', '1 day') d;

-- ---------------------------------------------------------------------------
-- Status partition and the best run
-- ---------------------------------------------------------------------------
select is(
  (select count(*)::int from ops.daily_summary_v where is_success + is_problem <> 1), 0,
  'is_success and is_problem partition every day (exactly one of them is 1)');

-- rerun Nov 23: the failed run finished later, but within the unsuccessful tier most items win: cancelled (8)
select results_eq(
  $$select best_status, jobs_processed_best, final_status, problem_reasons from ops.daily_summary_v
     where company_key = 'rerun' and run_date = '2026-11-23'$$,
  $$values ('cancelled', 8, 'failed', array['run_cancelled'])$$,
  'best run: within the unsuccessful tier the run with most items (cancelled 8 beats a later failed 5)');

-- ---------------------------------------------------------------------------
-- Root causes
-- ---------------------------------------------------------------------------
-- blocked Nov 17: a breaker skip; the failure that opened the breaker was Nov 16's 403
select results_eq(
  $$select final_status, problem_reasons, root_cause_category, root_cause_first_seen, root_cause_last_seen,
           root_cause_through_breaker, problem_since, last_success_date
      from ops.daily_summary_v where company_key = 'blocked' and run_date = '2026-11-17'$$,
  $$values ('failed', array['run_skipped'], 'block_403', '2026-11-16'::date, '2026-11-16'::date, true,
            '2026-11-16'::date, '2026-11-15'::date)$$,
  'blocked Nov 17: run_skipped, root cause block_403 through the breaker skip, since Nov 16');

-- blocked Nov 23: skipped again; the latest direct observation is the Nov 20 probe,
-- first seen in this streak on Nov 16; 8 problem days Nov 16..23
select results_eq(
  $$select root_cause_category, root_cause_message, root_cause_first_seen, root_cause_last_seen,
           root_cause_through_breaker, problem_since, last_success_date, change_vs_yesterday
      from ops.daily_summary_v where company_key = 'blocked' and run_date = '2026-11-23'$$,
  $$values ('block_403', 'block_403: HTTP 403 Forbidden (probe)', '2026-11-16'::date, '2026-11-20'::date, true,
            '2026-11-16'::date, '2026-11-15'::date, 'still_failing')$$,
  'blocked Nov 23: block_403 first seen Nov 16, last seen Nov 20 (the failed probe), still failing');

select is(
  (select root_cause_job_id from ops.daily_summary_v where company_key = 'blocked' and run_date = '2026-11-23'),
  (select j.id from ops.jobs j join ops.sources s on s.id = j.source_id where s.key = 'blocked' and j.run_date = '2026-11-20'),
  'the root cause links to the job where it was observed (the Nov 20 probe)');

select is(
  (select count(*)::int from ops.daily_summary_v
    where company_key = 'blocked' and run_date between '2026-11-16' and '2026-11-23' and root_cause_category = 'block_403'),
  8, 'blocked: every day of the streak names block_403, none says only circuit_open');

select results_eq(
  $$select run_date, root_cause_category, root_cause_first_seen, root_cause_last_seen, problem_since, change_vs_yesterday
      from ops.daily_summary_v where company_key = 'captcha' and run_date >= '2026-11-21' order by run_date$$,
  $$values ('2026-11-21'::date, null::text, null::date, null::date, null::date, 'ok'),
           ('2026-11-22', 'captcha', '2026-11-22', '2026-11-22', '2026-11-22', 'new'),
           ('2026-11-23', 'captcha', '2026-11-22', '2026-11-23', '2026-11-22', 'still_failing')$$,
  'captcha: new on Nov 22, still failing on Nov 23 with the same cause first seen Nov 22');

select results_eq(
  $$select run_date, final_status, root_cause_category, problem_since, last_success_date, change_vs_yesterday
      from ops.daily_summary_v where company_key = 'recovering' and run_date >= '2026-11-22' order by run_date$$,
  $$values ('2026-11-22'::date, 'failed', 'network_timeout', '2026-11-21'::date, '2026-11-20'::date, 'still_failing'),
           ('2026-11-23', 'success', null, null, '2026-11-23', 'recovered')$$,
  'recovering: recovered on Nov 23, its last success is that day');

-- dropper Nov 23: baseline Nov 9..22 = 100, (100 - 20)/100 = 0.8 >= 0.5: a drop, explained by the reason
select results_eq(
  $$select final_status, problem_reasons, root_cause_category, root_cause_first_seen, round(relative_drop::numeric, 2)
      from ops.daily_summary_v where company_key = 'dropper' and run_date = '2026-11-23'$$,
  $$values ('partial', array['volume_drop'], 'volume_drop', '2026-11-23'::date, 0.80)$$,
  'dropper: a volume drop of 80% is its own root cause');

-- rerun Nov 23: the cancelled run is the best-ranked unsuccessful run with a category
select is(
  (select root_cause_category from ops.daily_summary_v where company_key = 'rerun' and run_date = '2026-11-23'),
  'cancelled', 'rerun: the cause is the best-ranked unsuccessful run''s (cancelled), not the later parsing failure');

select results_eq(
  $$select final_status, root_cause_category, problem_since, last_success_date
      from ops.daily_summary_v where company_key = 'quiet' and run_date = '2026-11-23'$$,
  $$values ('no_data', 'no_data', '2026-11-23'::date, '2026-11-22'::date)$$,
  'quiet: no data today and no earlier cause in the streak: no_data');

-- ---------------------------------------------------------------------------
-- SLO of an inactive source: only days up to its last run (Nov 10) count
-- ---------------------------------------------------------------------------
select results_eq(
  $$select days_counted, slo_status from ops.slo_status_v where source_key = 'paused'$$,
  $$values (0, 'ok')$$,
  'paused (inactive since Nov 10): no day of the window Nov 17..23 counts, so no breach');

-- ---------------------------------------------------------------------------
-- The digest of Nov 23
--   active companies 6: success recovering; partial dropper; failed blocked, captcha, rerun; no_data quiet
--   problems worst first: failed by streak (blocked 8, captcha 2, rerun 1), no_data quiet, partial dropper
-- ---------------------------------------------------------------------------
create temp table d as select ops.digest('2026-11-23') as j;

select is((select j -> 'health' from d),
  '{"companies": 6, "success": 1, "partial": 1, "failed": 3, "no_data": 1, "problems": 5, "warnings": 0}'::jsonb,
  'digest health: success + problems = companies');
select is((select j -> 'changes' from d),
  '{"new": ["dropper", "quiet", "rerun"], "recovered": ["recovering"], "still_failing": ["blocked", "captcha"]}'::jsonb,
  'digest changes since yesterday');
select is((select jsonb_path_query_array(j, '$.problems[*].company_key') from d),
  '["blocked", "captcha", "rerun", "quiet", "dropper"]'::jsonb, 'digest problems, worst first');
select is((select jsonb_path_query_first(j, '$.problems[0]') - 'alerts' - 'display_name' from d),
  jsonb_build_object(
    'company_key', 'blocked', 'owner', 'team-blocked', 'tags', '["dach"]'::jsonb, 'final_status', 'failed',
    'problem_reasons', '["run_skipped"]'::jsonb, 'warnings', '[]'::jsonb, 'fields_dropped', '[]'::jsonb,
    'change', 'still_failing',
    'problem_since', '2026-11-16', 'days', 8, 'last_success_date', '2026-11-15',
    'jobs_processed_best', 0, 'baseline_jobs_processed_14d', 50.0,
    'root_cause', jsonb_build_object('category', 'block_403', 'description', 'Forbidden (401/403): the portal refuses us',
      'message', 'block_403: HTTP 403 Forbidden (probe)',
      'job_id', (select j.id from ops.jobs j join ops.sources s on s.id = j.source_id where s.key = 'blocked' and j.run_date = '2026-11-20'),
      'first_seen', '2026-11-16', 'last_seen', '2026-11-20', 'through_breaker', true),
    'suggested_action', (select ops_private.suggested_action('error_category', 'block_403')),
    'links', jsonb_build_object(
      'job', '/functions/v1/jobs/' || (select j.id from ops.jobs j join ops.sources s on s.id = j.source_id where s.key = 'blocked' and j.run_date = '2026-11-20'),
      'logs', '/functions/v1/control/logs?portal=blocked&level=ERROR',
      'errors', '/functions/v1/control/errors?portal=blocked&start=2026-11-16')),
  'digest entry of blocked: root cause through the breaker, since, last success, action, links');
select is((select jsonb_path_query_first(j, '$.problems[4].suggested_action.key') from d), '"volume_drop"'::jsonb,
  'a problem explained by a reason gets the reason''s playbook entry');
select is((select jsonb_path_query_array(j, '$.problems[0].alerts[*].rule') from d),
  '["consecutive_failed_days", "slo_breach"]'::jsonb, 'the company''s alerts are grouped in its entry');
select is((select jsonb_array_length(ops.digest('2026-11-23', array['team-captcha'], null) -> 'problems')), 1,
  'a channel routed to one owner gets that owner''s companies only');

-- ---------------------------------------------------------------------------
-- Alerts: grammar, stable ids across days, acknowledge, snooze, escalation
-- ---------------------------------------------------------------------------
select is((select message from ops.alerts_v where rule = 'no_data' and source_key = 'quiet'),
  'quiet delivered no data on 2026-11-23: no scrape run finished (last data 2026-11-22, 1 day earlier)',
  'alert texts say "1 day"');

-- Nov 22: the SLO window is Nov 16..22, blocked breaches (0 of 7): opened as slo_breach:blocked:2026-11-16
set local ops.now = '2026-11-22 09:00:00+01';
select ops.sync_alerts();
select is((select alert_id from ops.alerts_v where rule = 'slo_breach' and source_key = 'blocked'),
  'slo_breach:blocked:2026-11-16', 'Nov 22: the SLO breach opens with the window start as its id');
select is((select alert_id from ops.alerts_v where rule = 'consecutive_failed_days' and source_key = 'captcha'),
  null, 'Nov 22: one failed night of captcha does not alert yet');

-- Nov 23: the window moved to Nov 17..23, the alert keeps its id
set local ops.now = '2026-11-23 09:00:00+01';
select ops.sync_alerts();
select is((select alert_id from ops.alerts_v where rule = 'slo_breach' and source_key = 'blocked'),
  'slo_breach:blocked:2026-11-16', 'Nov 23: the same SLO breach keeps its id although its window moved');
select is((select alert_id || ' ' || severity from ops.alerts_v where rule = 'consecutive_failed_days' and source_key = 'captcha'),
  'consecutive_failed_days:captcha:2026-11-22 high', 'Nov 23: captcha failed 2 nights in a row: high');

-- an operator acknowledges captcha's alert and snoozes dropper's drop until it changes
select tests.as_operator();
select is(ops.acknowledge_alert('consecutive_failed_days:captcha:2026-11-22') ->> 'state', 'acknowledged',
  'an operator acknowledges an alert');
select is(ops.snooze_alert('volume_drop:dropper:2026-11-23', null, true) ->> 'state', 'snoozed',
  'an operator snoozes an alert until it changes');
select tests.as_viewer();
select is(tests.error_of($$select ops.acknowledge_alert('slo_breach:blocked:2026-11-16')$$) ->> 'sqlstate', '42501',
  'a viewer may not acknowledge');
select tests.as_operator();
select is(tests.error_of($$select ops.acknowledge_alert('slo_breach:nobody:2026-11-16')$$) ->> 'sqlstate', 'P0404',
  'an unknown alert is P0404');
select tests.as_superuser();
select results_eq(
  $$select action, target, after ->> 'state' from ops.audit_log where action in ('acknowledge_alert', 'snooze_alert') order by id$$,
  $$values ('acknowledge_alert', 'alert:consecutive_failed_days:captcha:2026-11-22', 'acknowledged'),
           ('snooze_alert', 'alert:volume_drop:dropper:2026-11-23', 'snoozed')$$,
  'each action leaves one audit row');

-- Nov 25: captcha failed Nov 24 and 25 too: 4 nights = twice the threshold -> critical, the ack no longer holds
select pg_temp.run('captcha', d::date, 'failed', 0, 'captcha', 'captcha: verify you are human')
  from generate_series('2026-11-24'::date, '2026-11-25', '1 day') d;
set local ops.now = '2026-11-25 09:00:00+01';
select ops.sync_alerts();
select is((select alert_id || ' ' || severity || ' ' || state from ops.alerts_v where rule = 'consecutive_failed_days' and source_key = 'captcha'),
  'consecutive_failed_days:captcha:2026-11-22 critical open',
  'Nov 25: the same alert escalates to critical and is open again despite the acknowledgement');

select * from finish();
rollback;
