-- ===========================================================================
-- 03 one actor: ops_private.actor() (email, else subject, else role, else the
-- database role) names the person in audit rows of every kind and in the jobs
-- they start, identically.
-- ===========================================================================
begin;
set search_path = extensions, public;
select plan(9);

insert into ops.sources (key, display_name, adapter) values ('tap-actor', 'Actor GmbH', 'greenhouse');
delete from ops.audit_log;

-- one operator (tests.as_operator: email tester@example.com) pulls every lever
select tests.as_operator();
select ops.set_portal_active('tap-actor', false);                     -- update_source (trigger)
select ops.set_rate_limit(null, 1);                                   -- update_setting (trigger)
update ops.sources set rate_limit_seconds = 2 where key = 'tap-actor'; -- by hand, as in Studio
create temporary table started on commit drop as select * from ops.start_manual_job('mirror', '{"days": 1}');
select ops.request_cancel((select id from started), 'not today');     -- job.cancel
-- rows operators add and remove in Studio: insert_/update_/delete_ (trigger)
insert into ops.playbook (kind, key, title, action) values ('problem_reason', 'tap_reason', 'Tap', 'Look');
update ops.playbook set action = 'Look closer' where kind = 'problem_reason' and key = 'tap_reason';
delete from ops.playbook where kind = 'problem_reason' and key = 'tap_reason';
insert into ops.notification_channels (name, kind, secret_name) values ('tap-chan', 'webhook', 'TAP_SECRET');
select tests.as_superuser();

select is((select array_agg(distinct action order by action) from ops.audit_log),
  array['delete_playbook', 'insert_notification_channel', 'insert_playbook', 'job.cancel', 'job.start',
        'update_playbook', 'update_setting', 'update_source'], 'every kind of audit row was written');
select results_eq(
  $$select action, target, before ->> 'action', after ->> 'action' from ops.audit_log
     where target = 'playbook:tap_reason' order by id$$,
  $$values ('insert_playbook', 'playbook:tap_reason', null, 'Look'),
           ('update_playbook', 'playbook:tap_reason', 'Look', 'Look closer'),
           ('delete_playbook', 'playbook:tap_reason', 'Look closer', null)$$,
  'a playbook row added, edited and removed: three audit rows with before and after');
select is((select after ->> 'secret_name' from ops.audit_log where target = 'notification_channels:tap-chan'),
  'TAP_SECRET', 'a channel added by hand is audited under its name (the secret''s name, never a secret)');
select is((select array_agg(distinct actor || ' / ' || actor_role) from ops.audit_log),
  array['tester@example.com / operator'], 'the operator shows identically in every audit row');
select is((select created_by from ops.jobs where id = (select id from started)), 'tester@example.com',
  'the job the operator started names the same actor');

-- the fallbacks: subject without an email, the service role, a database role
-- (claims only: ops_private is not callable by the API roles themselves)
select set_config('request.jwt.claims', '{"role": "authenticated", "sub": "00000000-0000-4000-8000-0000000000c1"}', true);
select is(ops_private.actor(), '00000000-0000-4000-8000-0000000000c1', 'no email: the subject');
select set_config('request.jwt.claims', '{"role": "service_role"}', true);
select is(ops_private.actor(), 'service_role', 'the service role key: the role');
select tests.as_superuser();
select is(ops_private.actor(), session_user::text, 'no JWT: the database role');
select is(ops_private.actor_role(), 'database:' || session_user, 'and its role says so');

select * from finish();
rollback;
