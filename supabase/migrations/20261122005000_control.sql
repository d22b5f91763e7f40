-- ===========================================================================
-- Control actions: the levers operators pull while scrapers run.
--   ops.set_rate_limit(portal_key, seconds)   portal_key null = the global limit
--   ops.set_portal_active(portal_key, active)
--   ops.reset_breaker(portal_key)
-- They run as the caller (security invoker): operators hold UPDATE on exactly
-- the columns these functions change, under an operator-only RLS policy, so a
-- viewer gets 42501 and nothing else is writable. Every change by a person, made
-- through these functions or by hand in Studio, lands in ops.audit_log through
-- a trigger (who, what, before, after, when); workers' own bookkeeping (run
-- counters and breaker state written by the service role or a database session
-- such as the workers' connection) is not a control action and is not audited.
-- ===========================================================================

-- ---------------------------------------------------------------------------
-- Column-level privileges for operators
-- ---------------------------------------------------------------------------
grant update (rate_limit_seconds, active, breaker_state, breaker_opened_at, consecutive_errors, owner, tags, updated_at)
  on ops.sources to authenticated;
grant update (value, updated_at) on ops.settings to authenticated;

create policy sources_operator_update on ops.sources
  for update to authenticated
  using ((select ops_private.is_operator()))
  with check ((select ops_private.is_operator()));

create policy settings_operator_update on ops.settings
  for update to authenticated
  using ((select ops_private.is_operator()))
  with check ((select ops_private.is_operator()));

-- ---------------------------------------------------------------------------
-- Audit trigger
-- ---------------------------------------------------------------------------
-- One trigger function for updates, and for the tables whose rows operators add and remove in
-- Studio (playbook, notification channels) also inserts and deletes: tg_argv[0] names the update
-- action ('update_<thing>'); an insert is audited as 'insert_<thing>', a delete as 'delete_<thing>'.
-- OLD is null in an insert trigger and NEW in a delete trigger, so before/after are null there.
-- tg_argv[1..] name the table's bookkeeping columns, which workers keep up to date: a change of
-- only those by anyone but a person (ops_private.is_bookkeeping) is not audited, so the log holds
-- what people and API callers changed, not every finished run's counters.
create or replace function ops_private.audit_change()
returns trigger language plpgsql security definer set search_path = '' as $$
declare
  old_row jsonb := case when tg_op <> 'INSERT' then to_jsonb(old) - 'updated_at' end;
  new_row jsonb := case when tg_op <> 'DELETE' then to_jsonb(new) - 'updated_at' end;
  changed text[];
begin
  select array_agg(key order by key) into changed
    from jsonb_each(coalesce(new_row, old_row)) n
   where n.value is distinct from old_row -> n.key or new_row is null;
  if changed is null or ops_private.is_bookkeeping(ops_private.actor_role(), changed, tg_argv[1:]) then
    return null;
  end if;
  perform ops_private.audit(
    case tg_op when 'UPDATE' then tg_argv[0] else replace(tg_argv[0], 'update_', lower(tg_op) || '_') end,
    -- the row's natural key: sources/settings/playbook have `key`, channels `name`
    tg_table_name || ':' || coalesce(new_row ->> 'key', old_row ->> 'key', new_row ->> 'name', old_row ->> 'name', ''),
    (select jsonb_object_agg(k, old_row -> k) from unnest(changed) k),
    (select jsonb_object_agg(k, new_row -> k) from unnest(changed) k));
  return null;
end
$$;

-- The rule, pure: a change is the workers' bookkeeping when no person made it (the actor is a
-- database session, e.g. the workers' connection, or the service role: ops_private.actor_role) and
-- it touched only bookkeeping columns. A hand edit in Studio of any other column is still audited.
create or replace function ops_private.is_bookkeeping(p_actor_role text, p_changed text[], p_bookkeeping text[])
returns boolean language sql immutable set search_path = '' as $$
  select (p_actor_role = 'service' or p_actor_role like 'database:%')
     and cardinality(p_bookkeeping) > 0
     and p_changed <@ p_bookkeeping
$$;

revoke all on function ops_private.is_bookkeeping(text, text[], text[]) from public, anon, authenticated, service_role;
revoke all on function ops_private.audit_change() from public, anon, authenticated, service_role;

-- the run counters ops.finish keeps and the breaker state the scrape worker saves
create trigger sources_audit after update on ops.sources
  for each row execute function ops_private.audit_change('update_source',
    'consecutive_errors', 'last_success_at', 'last_error_at',
    'breaker_state', 'breaker_failures', 'breaker_opened_at', 'breaker_probe_at', 'breaker_trip_count');
create trigger settings_audit after update on ops.settings
  for each row execute function ops_private.audit_change('update_setting');

-- ---------------------------------------------------------------------------
-- ops.set_rate_limit
-- ---------------------------------------------------------------------------
create or replace function ops.set_rate_limit(portal_key text, seconds numeric)
returns jsonb language plpgsql set search_path = '' as $$
declare
  result jsonb;
begin
  if seconds is null or seconds < 0 or seconds > 3600 then
    raise exception 'rate limit must be between 0 and 3600 seconds, got %', coalesce(seconds::text, 'null')
      using errcode = '22023';
  end if;
  if portal_key is null then
    update ops.settings set value = to_jsonb(seconds), updated_at = ops_private.now()
     where key = 'global_rate_limit_seconds'
    returning jsonb_build_object('scope', 'global', 'rate_limit_seconds', value) into result;
  else
    update ops.sources set rate_limit_seconds = seconds, updated_at = ops_private.now()
     where key = portal_key
    returning jsonb_build_object('scope', 'portal', 'portal', key, 'rate_limit_seconds', rate_limit_seconds) into result;
  end if;
  return ops_private.lever_result(result, portal_key);
end
$$;

-- ---------------------------------------------------------------------------
-- ops.set_portal_active
-- ---------------------------------------------------------------------------
create or replace function ops.set_portal_active(portal_key text, is_active boolean)
returns jsonb language plpgsql set search_path = '' as $$
declare
  result jsonb;
begin
  if is_active is null then
    raise exception 'active must be true or false' using errcode = '22023';
  end if;
  update ops.sources set active = is_active, updated_at = ops_private.now()
   where key = portal_key
  returning jsonb_build_object('portal', key, 'active', active) into result;
  return ops_private.lever_result(result, portal_key);
end
$$;

-- ---------------------------------------------------------------------------
-- ops.reset_breaker
-- ---------------------------------------------------------------------------
create or replace function ops.reset_breaker(portal_key text)
returns jsonb language plpgsql set search_path = '' as $$
declare
  result jsonb;
begin
  update ops.sources
     set breaker_state = 'closed', breaker_opened_at = null, consecutive_errors = 0, updated_at = ops_private.now()
   where key = portal_key
  returning jsonb_build_object('portal', key, 'breaker_state', breaker_state, 'consecutive_errors', consecutive_errors)
    into result;
  return ops_private.lever_result(result, portal_key);
end
$$;

-- ---------------------------------------------------------------------------
-- ops_private.lever_result: what a lever's update returned; an update that
-- touched no row is either an unknown portal (P0404) or a caller without the
-- operator role (42501)
-- ---------------------------------------------------------------------------
create or replace function ops_private.lever_result(result jsonb, portal_key text)
returns jsonb language plpgsql set search_path = '' as $$
begin
  if result is not null then
    return result;
  end if;
  if not ops_private.is_operator() then
    raise exception 'operator role required' using errcode = '42501';
  end if;
  raise exception 'unknown portal %', coalesce(portal_key, 'null') using errcode = 'P0404';
end
$$;

revoke all on function ops.set_rate_limit(text, numeric), ops.set_portal_active(text, boolean),
  ops.reset_breaker(text), ops_private.lever_result(jsonb, text) from public, anon;
grant execute on function ops.set_rate_limit(text, numeric), ops.set_portal_active(text, boolean),
  ops.reset_breaker(text), ops_private.lever_result(jsonb, text) to authenticated, service_role;
