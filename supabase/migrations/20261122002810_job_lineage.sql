-- ===========================================================================
-- Lineage: the tree of a job (children, grandchildren, ...) through parent_id.
-- A child that never ran because an ancestor failed, was cancelled or skipped
-- shows as skipped with the reason, whether the cascade already marked it
-- 'skipped' or it is still 'pending' under a dead ancestor.
-- ===========================================================================

create or replace function ops.job_tree(p_root_id bigint)
returns table (
  job_id bigint,
  parent_id bigint,
  root_id bigint,
  depth integer,
  path bigint[],
  type text,
  status text,
  effective_status text,
  skipped_reason text,
  source_id bigint,
  source_key text,
  run_date date,
  attempt integer,
  created_at timestamptz,
  started_at timestamptz,
  finished_at timestamptz,
  duration_sec double precision,
  error text,
  error_category text
) language sql stable set search_path = '' as $$
  with recursive tree as (
    select
      j.id, j.parent_id, j.root_id, 0 as depth, array[j.id] as path, j.type, j.status,
      j.source_id, j.run_date, j.attempt, j.created_at, j.started_at, j.finished_at, j.error, j.error_category,
      -- the nearest ancestor (or self) that ended without running its children
      null::bigint as blocker_id, null::text as blocker_type, null::text as blocker_status
    from ops.jobs j
    where j.id = p_root_id
    union all
    select
      c.id, c.parent_id, c.root_id, t.depth + 1, t.path || c.id, c.type, c.status,
      c.source_id, c.run_date, c.attempt, c.created_at, c.started_at, c.finished_at, c.error, c.error_category,
      case when t.status in ('failed', 'cancelled', 'skipped') then t.id else t.blocker_id end,
      case when t.status in ('failed', 'cancelled', 'skipped') then t.type else t.blocker_type end,
      case when t.status in ('failed', 'cancelled', 'skipped') then t.status else t.blocker_status end
    from ops.jobs c
    join tree t on c.parent_id = t.id
    where t.depth < 50
  )
  select
    t.id,
    t.parent_id,
    t.root_id,
    t.depth,
    t.path,
    t.type,
    t.status,
    case
      when t.status = 'pending' and t.blocker_id is not null then 'skipped'
      else t.status
    end,
    case
      when t.status = 'skipped' or (t.status = 'pending' and t.blocker_id is not null) then
        coalesce(
          nullif(t.error, ''),
          case when t.blocker_id is not null
            then format('not run: %s job %s %s', t.blocker_type, t.blocker_id,
                        case t.blocker_status when 'failed' then 'failed' when 'cancelled' then 'was cancelled' else 'was skipped' end) end,
          case when t.error_category is not null then format('skipped: %s', t.error_category) end,
          'skipped')
    end,
    t.source_id,
    s.key,
    t.run_date,
    t.attempt,
    t.created_at,
    t.started_at,
    t.finished_at,
    extract(epoch from t.finished_at - t.started_at)::double precision,
    t.error,
    t.error_category
  from tree t
  left join ops.sources s on s.id = t.source_id
  order by t.path
$$;

comment on function ops.job_tree(bigint) is
$$The job p_root_id and all its descendants (through parent_id), depth-first (ordered by path), depth 0 = the job itself.
effective_status = status, except 'skipped' for a job still pending under an ancestor that failed, was cancelled or skipped.
skipped_reason (for skipped jobs): the job's own error text when set, else "not run: <type> job <id> failed|was cancelled|was skipped" naming the nearest such ancestor, else its error category.$$;

revoke all on function ops.job_tree(bigint) from public, anon;
grant execute on function ops.job_tree(bigint) to authenticated, service_role;
