-- ===========================================================================
-- 25 lineage: ops.job_tree(root) with depth, path order, and skipped children
-- that show why they did not run.
--   P pipeline (failed)
--   +- A scrape (completed)
--   |  +- A1 snapshot (completed)
--   +- B scrape (failed)
--   |  +- B1 snapshot (pending: never ran because B failed)
--   |  |  +- B1a score (pending, under B1 under the failed B)
--   |  +- B2 snapshot (skipped by the cascade, with its own error text)
--   +- C score (skipped without error text, under the failed P)
-- ===========================================================================
begin;
set search_path = extensions, public;
select plan(7);

create temp table t (name text primary key, id bigint);

create function pg_temp.job(p_name text, p_type text, p_status text, p_parent text, p_error text default null)
returns bigint
language plpgsql
as $$
declare
  v_parent bigint := (select id from t where name = p_parent);
  v_root bigint;
  v_id bigint;
begin
  v_root := coalesce((select j.root_id from ops.jobs j where j.id = v_parent), v_parent);
  insert into ops.jobs (type, status, parent_id, root_id, error, started_at, finished_at)
  values (p_type, p_status, v_parent, v_root, p_error,
          case when p_status in ('completed', 'failed') then now() end,
          case when p_status in ('completed', 'failed', 'skipped', 'cancelled', 'partial') then now() end)
  returning id into v_id;
  insert into t values (p_name, v_id);
  return v_id;
end
$$;

select pg_temp.job('P', 'pipeline', 'failed', null, 'scrape phase failed');
select pg_temp.job('A', 'scrape', 'completed', 'P');
select pg_temp.job('A1', 'snapshot', 'completed', 'A');
select pg_temp.job('B', 'scrape', 'failed', 'P', 'HTTP 403 Forbidden');
select pg_temp.job('B1', 'snapshot', 'pending', 'B');
select pg_temp.job('B1a', 'score', 'pending', 'B1');
select pg_temp.job('B2', 'snapshot', 'skipped', 'B', 'parent scrape failed: HTTP 403 Forbidden');
select pg_temp.job('C', 'score', 'skipped', 'P');

select results_eq(
  $$select t.name, x.depth, x.status, x.effective_status
      from ops.job_tree((select id from t where name = 'P')) x join t on t.id = x.job_id$$,
  $$values ('P', 0, 'failed', 'failed'), ('A', 1, 'completed', 'completed'), ('A1', 2, 'completed', 'completed'),
           ('B', 1, 'failed', 'failed'), ('B1', 2, 'pending', 'skipped'), ('B1a', 3, 'pending', 'skipped'),
           ('B2', 2, 'skipped', 'skipped'), ('C', 1, 'skipped', 'skipped')$$,
  'the whole tree, depth-first, with pending jobs under a failed ancestor shown as skipped');

select is(
  (select skipped_reason from ops.job_tree((select id from t where name = 'P')) where job_id = (select id from t where name = 'B1')),
  format('not run: scrape job %s failed', (select id from t where name = 'B')),
  'B1 did not run because scrape job B failed');
select is(
  (select skipped_reason from ops.job_tree((select id from t where name = 'P')) where job_id = (select id from t where name = 'B1a')),
  format('not run: scrape job %s failed', (select id from t where name = 'B')),
  'B1a names the nearest ancestor that failed (B), not its pending parent');
select is(
  (select skipped_reason from ops.job_tree((select id from t where name = 'P')) where job_id = (select id from t where name = 'B2')),
  'parent scrape failed: HTTP 403 Forbidden', 'a skipped job''s own error text is its reason');
select is(
  (select skipped_reason from ops.job_tree((select id from t where name = 'P')) where job_id = (select id from t where name = 'C')),
  format('not run: pipeline job %s failed', (select id from t where name = 'P')),
  'C did not run because the pipeline failed');

select is(
  (select array_agg(t.name order by x.path) from ops.job_tree((select id from t where name = 'B')) x join t on t.id = x.job_id),
  array['B', 'B1', 'B1a', 'B2'], 'a subtree starts at depth 0 from any job');

select tests.as_anon();
select throws_ok($$select * from ops.job_tree(1)$$, '42501', null, 'anon cannot call ops.job_tree');

select * from finish();
rollback;
