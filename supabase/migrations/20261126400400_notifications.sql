-- ===========================================================================
-- Notifications out: planning (SQL decides what goes where and when), claiming
-- and recording (the notify edge function does the HTTP).
--
--   ops.plan_notifications()   pg_cron, every minute:
--     1. ops.sync_alerts() (stable alert ids);
--     2. the digest: from notify_digest_after (07:50) Berlin time on, once the
--        BI mirror is fresh (the 07:45 export is done) or its deadline
--        mirror_fresh_by (08:00) has passed (then the digest says it is stale),
--        one delivery per active digest channel and Berlin date (key
--        digest:<channel>:<date>): exactly once per date whatever the number
--        of ticks, DST changes included, and a late tick still catches up the
--        same day. The payload is ops.digest(date, channel owners, tags).
--     3. alerts: each alert in state open (not acknowledged, not snoozed) at
--        least as severe as a channel's min_alert_severity and routed to it
--        (by its source's owner and tags; alerts without a source go to every
--        such channel) is delivered once (seq 1), then again only when it
--        escalates (severity_rank lower than at its last delivery) or after
--        notify_renotify_hours [24] (key alert:<channel>:<alert_id>:<seq>);
--     and answers how many deliveries are due; the pg_cron command wakes the
--     notify function (ops.dispatch) when that is more than zero.
--   ops.claim_notifications(n)  the due deliveries (pending and due, or a
--     'sending' one whose worker vanished 5 minutes ago), attempts + 1.
--   ops.record_notification(id, status_code, error)  2xx and no error: sent;
--     else pending again after notify_retry_base_seconds * 2^(attempts - 1)
--     (capped at one hour), or failed after max_attempts. A failing channel
--     never holds up another: each delivery is its own row.
-- ===========================================================================

-- ---------------------------------------------------------------------------
-- ops_private.channel_routes(channel, owner, tags): the routing rule
-- ---------------------------------------------------------------------------
create or replace function ops_private.channel_routes(p_owners text[], p_tags text[], p_owner text, p_source_tags text[])
returns boolean
language sql
immutable
set search_path = ''
as $$
  select (p_owners is null and p_tags is null)
      or coalesce(p_owner = any (p_owners), false)
      or coalesce(p_source_tags && p_tags, false)
$$;

comment on function ops_private.channel_routes(text[], text[], text, text[]) is
  'A channel (owners, tags) gets a source (owner, tags) when it has no routing at all, or the owner is one of its owners, or they share a tag.';

-- ---------------------------------------------------------------------------
-- ops_private.severity_rank(severity)
-- ---------------------------------------------------------------------------
create or replace function ops_private.severity_rank(p_severity text)
returns integer
language sql
immutable
set search_path = ''
as $$
  select case p_severity when 'critical' then 1 when 'high' then 2 when 'medium' then 3 when 'low' then 4 end
$$;

-- ---------------------------------------------------------------------------
-- ops.plan_notifications()
-- ---------------------------------------------------------------------------
create or replace function ops.plan_notifications()
returns jsonb
language plpgsql
security definer
set search_path = ''
-- the planner's estimates over the daily views are high enough to start JIT, which costs seconds
set jit = off
as $$
declare
  v_now timestamptz := ops_private.now();
  v_day date := ops_private.berlin_today();
  v_alerts jsonb := ops.sync_alerts();
  v_digests integer := 0;
  v_alert_deliveries integer;
  v_due integer;
  v_attempts integer := ops_private.setting_numeric('notify_max_attempts', 6)::integer;
begin
  if ops_private.berlin_local_time() >= ops_private.setting_time('notify_digest_after', time '07:50')
     and (ops_private.berlin_local_time() >= ops_private.setting_time('mirror_fresh_by', time '08:00')
          or (select m.is_fresh from ops.mirror_freshness_v m)) then
    insert into ops.notification_deliveries (channel_id, kind, digest_date, idempotency_key, payload, max_attempts,
                                             next_attempt_at, created_at, updated_at)
    select c.id, 'digest', v_day, format('digest:%s:%s', c.id, v_day), ops.digest(v_day, c.owners, c.tags),
           v_attempts, v_now, v_now, v_now
    from ops.notification_channels c
    where c.active and c.sends_digest
      and not exists (select 1 from ops.notification_deliveries d where d.idempotency_key = format('digest:%s:%s', c.id, v_day))
    on conflict (idempotency_key) do nothing;
    get diagnostics v_digests = row_count;
  end if;

  with candidates as (
    select c.id as channel_id, a.alert_id, a.severity_rank,
           coalesce(l.notify_seq, 0) + 1 as seq,
           case when l.notify_seq is null then 'new'
                when a.severity_rank < l.severity_rank then 'escalated'
                else 'reminder' end as reason,
           to_jsonb(a) - 'source_id' - 'evaluated_date'
             || jsonb_build_object('suggested_action', ops_private.suggested_action('alert_rule', a.rule)) as alert
    from ops.alerts_v a
    join ops.notification_channels c
      on c.active and c.min_alert_severity is not null
     and a.severity_rank <= ops_private.severity_rank(c.min_alert_severity)
    left join ops.sources s on s.id = a.source_id
    left join lateral (
      select d.notify_seq, d.severity_rank, d.created_at
      from ops.notification_deliveries d
      where d.channel_id = c.id and d.alert_id = a.alert_id
      order by d.notify_seq desc
      limit 1
    ) l on true
    where a.state = 'open'
      and (a.source_id is null or ops_private.channel_routes(c.owners, c.tags, s.owner, s.tags))
      and (l.notify_seq is null
           or a.severity_rank < l.severity_rank
           or l.created_at <= v_now - make_interval(hours => ops_private.setting_numeric('notify_renotify_hours', 24)::integer))
  )
  insert into ops.notification_deliveries (channel_id, kind, alert_id, notify_seq, severity_rank, idempotency_key, payload,
                                           max_attempts, next_attempt_at, created_at, updated_at)
  select x.channel_id, 'alert', x.alert_id, x.seq, x.severity_rank, format('alert:%s:%s:%s', x.channel_id, x.alert_id, x.seq),
         jsonb_build_object('alert', x.alert, 'reason', x.reason, 'notify_seq', x.seq), v_attempts, v_now, v_now, v_now
  from candidates x
  on conflict (idempotency_key) do nothing;
  get diagnostics v_alert_deliveries = row_count;

  select count(*) into v_due from ops.notification_deliveries d
   where d.status = 'pending' and d.next_attempt_at <= v_now;
  return jsonb_build_object('alerts', v_alerts, 'digests_planned', v_digests, 'alerts_planned', v_alert_deliveries, 'due', v_due);
end
$$;

comment on function ops.plan_notifications() is
  'pg_cron, every minute: syncs alerts, plans the day''s digest per channel (once per Berlin date from notify_digest_after) and alert deliveries (new, escalated, or reminders after notify_renotify_hours); answers {alerts, digests_planned, alerts_planned, due}.';

-- ---------------------------------------------------------------------------
-- ops.claim_notifications(limit)
-- ---------------------------------------------------------------------------
create or replace function ops.claim_notifications(p_limit integer default 20)
returns table (
  id bigint,
  kind text,
  idempotency_key text,
  payload jsonb,
  attempts integer,
  channel_name text,
  channel_kind text,
  secret_name text,
  endpoint_url text,
  recipients text[],
  sender text
)
language sql
volatile
security definer
set search_path = ''
as $$
  with due as (
    select d.id
    from ops.notification_deliveries d
    where (d.status = 'pending' and d.next_attempt_at <= ops_private.now())
       or (d.status = 'sending' and d.locked_at < ops_private.now() - interval '5 minutes')
    order by d.next_attempt_at, d.id
    for update skip locked
    limit greatest(1, least(coalesce(p_limit, 20), 100))
  ),
  claimed as (
    update ops.notification_deliveries d
       set status = 'sending', locked_at = ops_private.now(), attempts = d.attempts + 1,
           updated_at = ops_private.now()
      from due
     where d.id = due.id
    returning d.*
  )
  select c.id, c.kind, c.idempotency_key, c.payload, c.attempts, ch.name, ch.kind, ch.secret_name, ch.endpoint_url,
         ch.recipients, ch.sender
  from claimed c
  join ops.notification_channels ch on ch.id = c.channel_id
  order by c.id
$$;

comment on function ops.claim_notifications(integer) is
  'Claims up to n due deliveries (pending and due, or sending for over 5 minutes) with their channel, attempts + 1.';

-- ---------------------------------------------------------------------------
-- ops.record_notification(id, status_code, error)
-- ---------------------------------------------------------------------------
create or replace function ops.record_notification(p_id bigint, p_status_code integer, p_error text default null)
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_now timestamptz := ops_private.now();
  v_ok boolean := p_error is null and p_status_code between 200 and 299;
  v_row ops.notification_deliveries;
begin
  update ops.notification_deliveries d
     set status = case when v_ok then 'sent' when d.attempts >= d.max_attempts then 'failed' else 'pending' end,
         sent_at = case when v_ok then v_now end,
         last_status_code = p_status_code,
         last_error = case when v_ok then null else left(coalesce(p_error, format('HTTP %s', p_status_code)), 500) end,
         next_attempt_at = case when v_ok or d.attempts >= d.max_attempts then d.next_attempt_at
           else v_now + make_interval(secs => least(3600,
             ops_private.setting_numeric('notify_retry_base_seconds', 30) * power(2, greatest(d.attempts - 1, 0)))::double precision) end,
         locked_at = null,
         updated_at = v_now
   where d.id = p_id and d.status = 'sending'
  returning d.* into v_row;
  if not found then
    perform ops_private.api_error('P0404', format('delivery %s is not being sent', p_id),
      jsonb_build_object('code', 'not_found', 'entity', 'notification_delivery', 'id', p_id));
  end if;
  return jsonb_build_object('id', v_row.id, 'status', v_row.status, 'attempts', v_row.attempts,
                            'next_attempt_at', case when v_row.status = 'pending' then v_row.next_attempt_at end);
end
$$;

comment on function ops.record_notification(bigint, integer, text) is
  'Records a delivery attempt: 2xx without error = sent; else retried with exponential backoff (notify_retry_base_seconds, doubling, max 1 h) or failed after max_attempts. P0404 when the delivery is not being sent.';

-- ---------------------------------------------------------------------------
-- ops.notification_secret(name): a channel's secret from Vault (when the
-- function's environment does not have it); service role only, never logged
-- ---------------------------------------------------------------------------
create or replace function ops.notification_secret(p_name text)
returns text
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_secret text;
begin
  if to_regclass('vault.decrypted_secrets') is null then
    return null;
  end if;
  execute 'select decrypted_secret from vault.decrypted_secrets where name = $1 limit 1' into v_secret using p_name;
  return v_secret;
end
$$;

comment on function ops.notification_secret(text) is
  'The Vault secret of that name (webhook URL or e-mail API key) or null; only the service role may call it.';

-- ---------------------------------------------------------------------------
-- Privileges: workers and pg_cron only
-- ---------------------------------------------------------------------------
revoke all on function ops_private.channel_routes(text[], text[], text, text[]), ops_private.severity_rank(text),
  ops.plan_notifications(), ops.claim_notifications(integer), ops.record_notification(bigint, integer, text),
  ops.notification_secret(text)
  from public, anon, authenticated;
grant execute on function ops.plan_notifications(), ops.claim_notifications(integer),
  ops.record_notification(bigint, integer, text), ops.notification_secret(text) to service_role;

-- plan, then wake the notify function when something is due (retries included)
select cron.schedule('ops-notify', '* * * * *',
  $$select ops.dispatch('notify', '{"action": "work", "trigger": "plan"}') from ops.plan_notifications() p where (p ->> 'due')::integer > 0$$);
