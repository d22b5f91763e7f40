-- ===========================================================================
-- The digest: this morning's answer as one JSON document. `npm run report`,
-- GET /control/digest and every notification render it; nothing recomputes
-- it elsewhere. The shape (version 1):
--
--   date, generated_at
--   health      companies (active sources with a row on the date), success,
--               partial, failed, no_data, problems (= partial + failed +
--               no_data, so success + problems = companies), warnings
--               (successful companies with a warning)
--   changes     new / recovered / still_failing company keys against the day
--               before (ops.daily_summary_v.change_vs_yesterday)
--   problems    one entry per problem company, worst first (failed, no_data,
--               partial; then the longest streak; then the key): status,
--               reasons, warnings, key fields whose share dropped, root cause
--               (through breaker skips),
--               problem_since and days, last_success_date, volume against the
--               baseline, owner and tags, the playbook's suggested action for
--               the root cause (error category first, else problem reason),
--               the company's current alerts, links (job, logs, errors)
--   warnings    successful companies with a warning (same fields)
--   alerts      counts by state and every current alert with its playbook entry
--   top_errors  error categories on the date against the mean of the 7 days before
--   mirror      ops.mirror_freshness_v: is_fresh, is_stale, reason
--
-- Alerts are those of now (ops.alerts_v), whatever the date asked for. Links
-- are paths below the project URL (the database does not know it).
-- p_owners / p_tags narrow the companies to those a notification channel is
-- routed to (owner in p_owners or a tag in p_tags; both null = all).
-- ===========================================================================

create or replace function ops.digest(p_date date default null, p_owners text[] default null, p_tags text[] default null)
-- the planner's estimates over the daily views are high enough to start JIT, which costs seconds
-- plpgsql for the date: the view is filtered on a plain value (a parameter), which reaches each
-- part of its union as an index range even under RLS; a join to a CTE or an expression such as
-- coalesce(...) would not, and the view would produce every source's whole history first
returns jsonb language plpgsql stable set search_path = '' set jit = off as $$
declare
  v_day date := coalesce(p_date, ops_private.berlin_today());
begin
  return (
  with k as materialized (
    select v_day as day, ops_private.now() as now
  ),
  days as materialized (
    select d.*, s.owner, s.tags, (k.day - d.problem_since + 1) as streak_days
    from k
    join ops.daily_summary_v d on d.run_date = v_day and d.active
    join ops.sources s on s.id = d.source_id
    where (p_owners is null and p_tags is null)
       or s.owner = any (p_owners) or s.tags && p_tags
  ),
  -- each playbook entry as the one rule renders it (ops_private.suggested_action), once: a call per
  -- alert and problem would run the playbook lookup, RLS check included, hundreds of times
  actions as materialized (
    select p.kind, p.key, ops_private.suggested_action(p.kind, p.key) as suggested_action
    from ops.playbook p
  ),
  alerts as materialized (
    select a.*, x.suggested_action
    from ops.alerts_v a
    left join actions x on x.kind = 'alert_rule' and x.key = a.rule
    where a.source_id is null or a.source_id in (select x.source_id from days x)
  ),
  -- each company's alerts, aggregated once (not looked up in the list once per entry)
  source_alerts as (
    select a.source_id,
           jsonb_agg(jsonb_build_object('alert_id', a.alert_id, 'rule', a.rule, 'severity', a.severity,
                                        'state', a.state, 'message', a.message)
                     order by a.severity_rank, a.rule) as alerts
    from alerts a
    where a.source_id is not null
    group by a.source_id
  ),
  entries as (
    select
      d.final_status,
      d.streak_days,
      d.company_key,
      d.is_success,
      d.warnings,
      jsonb_build_object(
        'company_key', d.company_key,
        'display_name', d.display_name,
        'owner', d.owner,
        'tags', to_jsonb(d.tags),
        'final_status', d.final_status,
        'problem_reasons', to_jsonb(d.problem_reasons),
        'warnings', to_jsonb(d.warnings),
        'fields_dropped', to_jsonb(d.dq_fields),
        'change', d.change_vs_yesterday,
        'problem_since', d.problem_since,
        'days', d.streak_days,
        'last_success_date', d.last_success_date,
        'jobs_processed_best', d.jobs_processed_best,
        'baseline_jobs_processed_14d', round(d.baseline_jobs_processed_14d::numeric, 1),
        'root_cause', case when d.root_cause_category is not null then jsonb_build_object(
          'category', d.root_cause_category,
          'description', coalesce(c.description, p.title),
          'message', d.root_cause_message,
          'job_id', d.root_cause_job_id,
          'first_seen', d.root_cause_first_seen,
          'last_seen', d.root_cause_last_seen,
          'through_breaker', d.root_cause_through_breaker) end,
        'suggested_action', coalesce(ae.suggested_action, ar.suggested_action, aw.suggested_action),
        'alerts', coalesce(sa.alerts, '[]'::jsonb),
        'links', jsonb_build_object(
          'job', case when coalesce(d.root_cause_job_id, d.best_job_id) is not null
                   then '/functions/v1/jobs/' || coalesce(d.root_cause_job_id, d.best_job_id) end,
          'logs', '/functions/v1/control/logs?portal=' || d.company_key || '&level=ERROR',
          'errors', '/functions/v1/control/errors?portal=' || d.company_key || '&start='
                    || coalesce(d.root_cause_first_seen, d.problem_since, d.run_date))
      ) as entry
    from days d
    left join source_alerts sa on sa.source_id = d.source_id
    left join ops.error_categories c on c.category = d.root_cause_category
    left join ops.playbook p on p.kind = 'problem_reason' and p.key = d.root_cause_category
    -- the suggested action: for the root cause's error category, else its problem reason, else the first warning
    left join actions ae on ae.kind = 'error_category' and ae.key = d.root_cause_category
    left join actions ar on ar.kind = 'problem_reason' and ar.key = d.root_cause_category
    left join actions aw on aw.kind = 'problem_reason' and aw.key = d.warnings[1]
    where d.final_status <> 'success' or cardinality(d.warnings) > 0
  ),
  top_errors as (
    select e.category, c.description, e.today, e.avg_7d, e.sources_today
    from (
      select x.category,
             coalesce(sum(x.occurrences) filter (where x.day = k.day), 0) as today,
             round(coalesce(sum(x.occurrences) filter (where x.day < k.day), 0) / 7.0, 1) as avg_7d,
             coalesce(max(x.sources_affected) filter (where x.day = k.day), 0) as sources_today
      from k
      join ops.error_daily_category x on x.day between k.day - 7 and k.day
      group by x.category
    ) e
    join ops.error_categories c on c.category = e.category
  )
  select jsonb_build_object(
    'version', 1,
    'date', k.day,
    'generated_at', k.now,
    'health', (
      select jsonb_build_object(
        'companies', count(*),
        'success', count(*) filter (where d.final_status = 'success'),
        'partial', count(*) filter (where d.final_status = 'partial'),
        'failed', count(*) filter (where d.final_status = 'failed'),
        'no_data', count(*) filter (where d.final_status = 'no_data'),
        'problems', count(*) filter (where d.final_status <> 'success'),
        'warnings', count(*) filter (where d.final_status = 'success' and cardinality(d.warnings) > 0))
      from days d),
    'changes', (
      select jsonb_build_object(
        'new', coalesce(jsonb_agg(d.company_key order by d.company_key) filter (where d.change_vs_yesterday = 'new'), '[]'),
        'recovered', coalesce(jsonb_agg(d.company_key order by d.company_key) filter (where d.change_vs_yesterday = 'recovered'), '[]'),
        'still_failing', coalesce(jsonb_agg(d.company_key order by d.company_key) filter (where d.change_vs_yesterday = 'still_failing'), '[]'))
      from days d),
    'problems', coalesce((
      select jsonb_agg(e.entry order by
               case e.final_status when 'failed' then 1 when 'no_data' then 2 else 3 end,
               e.streak_days desc, e.company_key)
      from entries e where e.is_success = 0), '[]'),
    'warnings', coalesce((
      select jsonb_agg(e.entry order by e.company_key) from entries e where e.is_success = 1), '[]'),
    'alerts', (
      select jsonb_build_object(
        'open', count(*) filter (where a.state = 'open'),
        'acknowledged', count(*) filter (where a.state = 'acknowledged'),
        'snoozed', count(*) filter (where a.state = 'snoozed'),
        'items', coalesce(jsonb_agg(jsonb_build_object(
            'alert_id', a.alert_id, 'rule', a.rule, 'severity', a.severity, 'source_key', a.source_key,
            'since', a.since, 'message', a.message, 'state', a.state, 'suggested_action', a.suggested_action)
          order by a.severity_rank, a.rule, a.source_key), '[]'))
      from alerts a),
    'top_errors', coalesce((
      select jsonb_agg(jsonb_build_object('category', t.category, 'description', t.description, 'today', t.today,
                                          'avg_7d', t.avg_7d, 'sources_today', t.sources_today)
                       order by t.today desc, t.avg_7d desc, t.category)
      from top_errors t where t.today > 0 or t.avg_7d > 0), '[]'),
    'mirror', (
      select jsonb_build_object('is_fresh', m.is_fresh, 'is_stale', m.is_stale, 'reason', m.reason)
      from ops.mirror_freshness_v m)
  )
  from k);
end
$$;

comment on function ops.digest(date, text[], text[]) is
  'This morning''s answer as JSON (version 1): health, changes since yesterday, problems with root cause, since, suggested action, alerts and links, warnings, alerts by state, top error categories vs the last 7 days, mirror freshness. p_date defaults to today (Europe/Berlin); p_owners/p_tags narrow to a channel''s routing. See the migration header for the shape.';

revoke all on function ops.digest(date, text[], text[]) from public, anon;
grant execute on function ops.digest(date, text[], text[]) to authenticated, service_role;

-- ---------------------------------------------------------------------------
-- ops.alert_list(state): the current alerts for the API, each with its
-- playbook entry; state open | acknowledged | snoozed | all
-- ---------------------------------------------------------------------------
create or replace function ops.alert_list(p_state text default 'open')
-- the planner's estimates over the daily views are high enough to start JIT, which costs seconds
returns jsonb language plpgsql stable set search_path = '' set jit = off as $$
begin
  if p_state is null or p_state not in ('open', 'acknowledged', 'snoozed', 'all') then
    perform ops_private.api_error('P0400', 'state must be open, acknowledged, snoozed or all',
      jsonb_build_object('code', 'invalid_argument', 'fields',
        jsonb_build_object('state', jsonb_build_array('must be open, acknowledged, snoozed or all'))));
  end if;
  return (
    select coalesce(jsonb_agg(to_jsonb(a) - 'source_id' - 'evaluated_date'
                                || jsonb_build_object('suggested_action', x.suggested_action)
                              order by a.severity_rank, a.rule, a.source_key), '[]'::jsonb)
    from ops.alerts_v a
    -- each rule's playbook entry once (as in ops.digest), not one lookup per alert
    left join (
      select p.key, ops_private.suggested_action(p.kind, p.key) as suggested_action
      from ops.playbook p
      where p.kind = 'alert_rule'
    ) x on x.key = a.rule
    where p_state = 'all' or a.state = p_state);
end
$$;

comment on function ops.alert_list(text) is
  'Current alerts (ops.alerts_v) in a state (open, acknowledged, snoozed or all) as a JSON array, each with its playbook entry (suggested_action). P0400 for another state.';

revoke all on function ops.alert_list(text) from public, anon;
grant execute on function ops.alert_list(text) to authenticated, service_role;
