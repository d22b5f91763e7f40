-- ===========================================================================
-- 03 one actor: ops_private.actor() (email, else subject, else role, else the
-- database role) names the person in audit rows of every kind and in the jobs
-- they start, identically.
-- ===========================================================================
begin;
set search_path = extensions, public;
select plan(7);

insert into ops.sources (key, display_name, adapter) values ('tap-actor', 'Actor GmbH', 'greenhouse');
delete from ops.audit_log;

-- one operator (tests.as_operator: email tester@example.com) pulls every lever
select tests.as_operator();
select ops.set_portal_active('tap-actor', false);                     -- update_source (trigger)
select ops.set_rate_limit(null, 1);                                   -- update_setting (trigger)
update ops.sources set rate_limit_seconds = 2 where key = 'tap-actor'; -- by hand, as in Studio
create temporary table started on commit drop as select * from ops.start_manual_job('mirror', '{"days": 1}');
select ops.request_cancel((select id from started), 'not today');     -- job.cancel
select tests.as_superuser();

select is((select array_agg(distinct action order by action) from ops.audit_log),
  array['job.cancel', 'job.start', 'update_setting', 'update_source'], 'every kind of audit row was written');
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
