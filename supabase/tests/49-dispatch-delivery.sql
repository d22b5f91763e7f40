-- ===========================================================================
-- 49 dispatch that cannot vanish: wake-ups over pg_net are recorded, pg_net's
-- answers are read by the sweeper, undelivered ones show in ops.alerts_v and
-- are sent again; a Berlin-date schedule is done only once its wake-up arrived.
-- pg_net and Vault do not exist locally: this test stands in for both with
-- the parts dispatch uses (net.http_post, net._http_response,
-- vault.decrypted_secrets), inside its own transaction.
-- ===========================================================================
begin;
set search_path = extensions, public;
select plan(21);

set local ops.now = '2026-11-22 00:30:00+00';

-- the local stack -----------------------------------------------------------
select is(current_setting('ops.dispatch_via', true), 'notify', 'the local stack dispatches with pg_notify');
select is(ops.dispatch('scrape', '{"tap": 1}'), 'notify', 'dispatch takes the pg_notify path locally');
select is((select count(*)::int from ops.dispatches where body = '{"tap": 1}'), 0, 'and records nothing');

-- hosted-like, without pg_net ------------------------------------------------
set local ops.dispatch_via = 'pg_net';
select is(ops.dispatch('scrape', '{"tap": 2}'), 'undelivered', 'without pg_net a wake-up is undelivered at once');
select matches((select last_error from ops.dispatches where body = '{"tap": 2}'), 'pg_net is not enabled',
  'the record says why');
select is((select count(*)::int from ops.alerts_v where rule = 'undelivered_dispatch'), 1,
  'ops.alerts_v shows undelivered wake-ups');
select ok((select message like '%scrape%pg_net is not enabled%' and severity = 'critical'
             from ops.alerts_v where rule = 'undelivered_dispatch'), 'critical, naming the function and the cause');
select ops.dispatch('scrape', '{"tap": 2}');
select is((select count(*)::int from ops.dispatches where body = '{"tap": 2}'), 1,
  'the same wake-up again reuses its open row');
select is((select attempts from ops.dispatches where body = '{"tap": 2}'), 2, '... as one more attempt');

-- stand-ins for pg_net and Vault ---------------------------------------------
create schema net;
create table net.sent (id bigint generated always as identity, url text, body jsonb, headers jsonb);
create table net._http_response (
  id bigint, status_code integer, content text, timed_out boolean not null default false, error_msg text);
create function net.http_post(url text, body jsonb default '{}', params jsonb default '{}',
  headers jsonb default '{}', timeout_milliseconds integer default 5000) returns bigint
  language sql as $$ insert into net.sent (url, body, headers) values (url, body, headers) returning id $$;
create schema vault;
create table vault.decrypted_secrets (name text, decrypted_secret text);

select is(ops.dispatch('pipeline', '{"tap": 3}'), 'undelivered', 'pg_net without the Vault secrets: undelivered');
select matches((select last_error from ops.dispatches where body = '{"tap": 3}'),
  'Vault secret project_url and secret_key missing', 'naming the missing secrets');

insert into vault.decrypted_secrets values ('project_url', 'https://ref.supabase.co/'), ('secret_key', 'sb_secret_tap');
set local ops.now = '2026-11-22 00:31:30+00';
select ops_private.reconcile_dispatches();
select is((select status from ops.dispatches where body = '{"tap": 3}'), 'sent',
  'the sweeper sends it again once its backoff is over');
select results_eq(
  $$select url, headers ->> 'apikey', body from net.sent where body = '{"tap": 3}'$$,
  $$values ('https://ref.supabase.co/functions/v1/pipeline', 'sb_secret_tap', '{"tap": 3}'::jsonb)$$,
  'to <project_url>/functions/v1/<name>, the secret key in the apikey header');

insert into net._http_response (id, status_code, content)
  select request_id, 500, 'boom' from ops.dispatches where body = '{"tap": 3}';
select ops_private.reconcile_dispatches();
select results_eq(
  $$select status, http_status, last_error from ops.dispatches where body = '{"tap": 3}'$$,
  $$values ('undelivered', 500, 'HTTP 500: boom')$$,
  'the sweeper reads a non-2xx answer from net._http_response: undelivered');

set local ops.now = '2026-11-22 00:34:00+00';
select ops_private.reconcile_dispatches();
insert into net._http_response (id, status_code, content)
  select request_id, 202, '{}' from ops.dispatches where body = '{"tap": 3}';
select ops_private.reconcile_dispatches();
select results_eq(
  $$select status, attempts, http_status from ops.dispatches where body = '{"tap": 3}'$$,
  $$values ('delivered', 3, 202)$$, 'retried and delivered on the third attempt');

-- a Berlin-date schedule ----------------------------------------------------------
select ok(ops.fire_schedule('tap-nightly', time '02:00', 'pipeline', '{"action": "schedule"}', '2026-11-22 01:05:00+00'),
  'the 02:00 Berlin schedule fires');
select results_eq(
  $$select dispatched_via, dispatch_id is not null, delivered_at is null from ops.schedule_runs where schedule = 'tap-nightly'$$,
  $$values ('pg_net', true, true)$$, 'its wake-up is sent, the schedule not done yet');
insert into net._http_response (id, status_code, content, error_msg)
  select d.request_id, null, null, 'Couldn''t resolve host' from ops.dispatches d
    join ops.schedule_runs r on r.dispatch_id = d.id where r.schedule = 'tap-nightly';
select ops_private.reconcile_dispatches();
select ok((select delivered_at is null from ops.schedule_runs where schedule = 'tap-nightly'),
  'a failed 02:00 wake-up leaves the schedule not done');
select is(ops.fire_schedule('tap-nightly', time '02:00', 'pipeline', '{"action": "schedule"}', '2026-11-22 01:06:00+00'),
  false, 'a later tick does not fire the same Berlin date twice');
set local ops.now = '2026-11-22 01:08:00+00';
select ops_private.reconcile_dispatches();
insert into net._http_response (id, status_code, content)
  select d.request_id, 200, '{}' from ops.dispatches d
    join ops.schedule_runs r on r.dispatch_id = d.id where r.schedule = 'tap-nightly';
select ops_private.reconcile_dispatches();
select is((select delivered_at from ops.schedule_runs where schedule = 'tap-nightly'), '2026-11-22 01:08:00+00'::timestamptz,
  'the sweeper retried it: the schedule is done once its wake-up arrived');

-- 409: the work exists already (an exclusive start), which counts as arrived
select ops.dispatch('pipeline', '{"tap": 4}');
insert into net._http_response (id, status_code, content)
  select request_id, 409, '{}' from ops.dispatches where body = '{"tap": 4}';
select ops_private.reconcile_dispatches();
select is((select status from ops.dispatches where body = '{"tap": 4}'), 'delivered', 'a 409 answer counts as delivered');

select * from finish();
rollback;
