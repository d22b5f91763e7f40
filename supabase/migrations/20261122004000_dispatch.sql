-- ===========================================================================
-- Dispatch: wake an edge function from SQL (pg_cron schedules, the sweeper,
-- the wake-on-enqueue trigger).
--
-- Hosted (the default): pg_net's net.http_post to
-- <project_url>/functions/v1/<name> with the secret API key in the `apikey`
-- header, both read from Vault: `project_url` and `secret_key`
--   select vault.create_secret('https://<ref>.supabase.co', 'project_url');
--   select vault.create_secret('sb_secret_...', 'secret_key');
-- (Supabase docs "Scheduling Edge Functions", guides/functions/schedule-functions;
-- "Vault", guides/database/vault). pg_net is fire-and-forget and starts the
-- request only after commit (docs "pg_net", guides/database/extensions/pg_net),
-- so every wake-up is a row in ops.dispatches: `undelivered` at once when
-- pg_net or a Vault secret is missing, `sent` otherwise; the sweeper
-- (ops_private.reconcile_dispatches) reads pg_net's answers in
-- net._http_response, marks 2xx (and 409: the work exists already) as
-- `delivered`, anything else as `undelivered`, and sends undelivered ones
-- again with backoff. ops.alerts_v shows undelivered wake-ups, so a
-- deployment without pg_net or its secrets is loud, not silent.
--
-- Local stack: the platform bootstrap sets `ops.dispatch_via = notify` on the
-- database, and dispatch sends pg_notify('ops_dispatch', {"function", "body"}),
-- which the local functions server turns into the same HTTP call.
-- ===========================================================================

-- ---------------------------------------------------------------------------
-- ops.dispatches: wake-ups sent over HTTP (pg_net) and whether they arrived.
-- Written only by the functions below; the pg_notify path records nothing.
-- ---------------------------------------------------------------------------
create table ops.dispatches (
  id bigint generated always as identity primary key,
  function_name text not null,
  body jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default ops_private.now(),
  status text not null default 'undelivered' check (status in ('sent', 'delivered', 'undelivered')),
  attempts integer not null default 0,
  -- pg_net's id of the last attempt (net._http_response.id)
  request_id bigint,
  sent_at timestamptz,
  next_attempt_at timestamptz,
  delivered_at timestamptz,
  http_status integer,
  last_error text
);

comment on table ops.dispatches is
  'Wake-ups of edge functions sent with pg_net (hosted): sent, delivered (2xx or 409 from the function) or undelivered (no pg_net, no Vault secret, an HTTP error, no answer); the sweeper reads pg_net''s answers and retries the undelivered.';

create index dispatches_open_idx on ops.dispatches (status, next_attempt_at) where status <> 'delivered';

alter table ops.dispatches enable row level security;
revoke all on ops.dispatches from public, anon, authenticated, service_role;
grant select on ops.dispatches to authenticated, service_role;
create policy dispatches_read on ops.dispatches
  for select to authenticated using ((select ops_private.is_viewer()));

-- ---------------------------------------------------------------------------
-- ops_private.send_dispatch: one attempt of one dispatch row
-- ---------------------------------------------------------------------------
create or replace function ops_private.send_dispatch(p_id bigint)
returns text language plpgsql security definer set search_path = '' as $$
declare
  v_row ops.dispatches;
  v_url text;
  v_key text;
  v_error text;
  v_request bigint;
begin
  select * into v_row from ops.dispatches where id = p_id for update;
  if to_regprocedure('net.http_post(text, jsonb, jsonb, jsonb, integer)') is null then
    v_error := 'pg_net is not enabled: create extension pg_net (Database > Extensions)';
  elsif to_regclass('vault.decrypted_secrets') is null then
    v_error := 'Vault is not available: the Vault secrets project_url and secret_key cannot be read';
  else
    execute $q$select max(decrypted_secret) filter (where name = 'project_url'),
                      max(decrypted_secret) filter (where name = 'secret_key')
                 from vault.decrypted_secrets where name in ('project_url', 'secret_key')$q$
      into v_url, v_key;
    if v_url is null or v_key is null then
      v_error := format('Vault secret %s missing: select vault.create_secret(<value>, %L)',
        concat_ws(' and ', case when v_url is null then 'project_url' end, case when v_key is null then 'secret_key' end),
        case when v_url is null then 'project_url' else 'secret_key' end);
    end if;
  end if;

  if v_error is null then
    execute $q$select net.http_post(
                url := $1, body := $2, params := '{}'::jsonb,
                headers := jsonb_build_object('Content-Type', 'application/json', 'apikey', $3),
                timeout_milliseconds := 10000)$q$
      into v_request
      using rtrim(v_url, '/') || '/functions/v1/' || v_row.function_name, v_row.body, v_key;
  end if;

  update ops.dispatches
     set attempts = attempts + 1,
         status = case when v_error is null then 'sent' else 'undelivered' end,
         request_id = v_request,
         sent_at = ops_private.now(),
         http_status = null,
         last_error = v_error,
         next_attempt_at = ops_private.now() + ops_private.dispatch_backoff(attempts + 1)
   where id = p_id;
  return case when v_error is null then 'pg_net' else 'undelivered' end;
end
$$;

-- seconds before the next attempt after `attempts` attempts: 1, 2, 4 ... minutes, at most an hour
create or replace function ops_private.dispatch_backoff(attempts integer)
returns interval language sql immutable set search_path = '' as $$
  select make_interval(mins => least(60, power(2, greatest(attempts - 1, 0))::integer))
$$;

-- ---------------------------------------------------------------------------
-- ops_private.dispatch_record: the dispatch row of a wake-up (null locally)
-- ---------------------------------------------------------------------------
create or replace function ops_private.dispatch_record(function_name text, body jsonb default '{}'::jsonb)
returns bigint language plpgsql security definer set search_path = '' as $$
declare
  v_id bigint;
  v_status text;
begin
  if function_name is null or function_name !~ '^[a-z0-9][a-z0-9-]{0,62}$' then
    raise exception 'dispatch: invalid function name %', coalesce(function_name, 'null') using errcode = '22023';
  end if;
  if coalesce(nullif(current_setting('ops.dispatch_via', true), ''), 'pg_net') = 'notify' then
    perform pg_notify('ops_dispatch', jsonb_build_object('function', function_name, 'body', body)::text);
    return null;
  end if;
  -- the same wake-up still open (on its way or waiting for a retry): one row, not one per tick
  select d.id, d.status into v_id, v_status
    from ops.dispatches d
   where d.function_name = dispatch_record.function_name and d.body = dispatch_record.body
     and d.status <> 'delivered'
   order by d.id desc limit 1
   for update skip locked;
  if v_id is null then
    insert into ops.dispatches (function_name, body) values (function_name, body) returning id into v_id;
    v_status := 'undelivered';
  end if;
  if v_status = 'undelivered' then
    perform ops_private.send_dispatch(v_id);
  end if;
  return v_id;
end
$$;

-- ---------------------------------------------------------------------------
-- ops.dispatch: the entry point for schedules, the sweeper and triggers
-- ---------------------------------------------------------------------------
create or replace function ops.dispatch(function_name text, body jsonb default '{}'::jsonb)
returns text language plpgsql security definer set search_path = '' as $$
declare
  v_id bigint := ops_private.dispatch_record(function_name, body);
begin
  if v_id is null then
    return 'notify';
  end if;
  return (select case when status = 'undelivered' then 'undelivered' else 'pg_net' end
            from ops.dispatches where id = v_id);
end
$$;

comment on function ops.dispatch(text, jsonb) is
  'Wakes an edge function: pg_net + Vault (project_url, secret_key) by default, recorded in ops.dispatches; pg_notify(''ops_dispatch'') where the database sets ops.dispatch_via = notify (the local stack). Returns pg_net, undelivered or notify.';

-- ---------------------------------------------------------------------------
-- ops_private.reconcile_dispatches: pg_net's answers, retries (the sweeper)
-- ---------------------------------------------------------------------------
create or replace function ops_private.reconcile_dispatches(max_attempts integer default 10)
returns jsonb language plpgsql security definer set search_path = '' as $$
declare
  v_answered integer := 0;
  v_lost integer := 0;
  v_retried integer := 0;
  v_id bigint;
begin
  if to_regclass('net._http_response') is not null then
    execute $q$
      update ops.dispatches d
         set status = case when r.status_code between 200 and 299 or r.status_code = 409 then 'delivered' else 'undelivered' end,
             http_status = r.status_code,
             delivered_at = case when r.status_code between 200 and 299 or r.status_code = 409 then ops_private.now() end,
             last_error = case when r.status_code between 200 and 299 or r.status_code = 409 then null
                               when r.timed_out then 'the function did not answer in time'
                               else coalesce(nullif(r.error_msg, ''), format('HTTP %s: %s', r.status_code, left(r.content, 300))) end
        from net._http_response r
       where d.status = 'sent' and r.id = d.request_id$q$;
    get diagnostics v_answered = row_count;
  end if;

  -- sent, but pg_net kept no answer (its responses expire): count it as lost
  update ops.dispatches
     set status = 'undelivered', last_error = 'no answer recorded by pg_net within 10 minutes'
   where status = 'sent' and sent_at < ops_private.now() - interval '10 minutes';
  get diagnostics v_lost = row_count;

  for v_id in
    select id from ops.dispatches
     where status = 'undelivered' and attempts < max_attempts and next_attempt_at <= ops_private.now()
     order by id limit 100
     for update skip locked
  loop
    perform ops_private.send_dispatch(v_id);
    v_retried := v_retried + 1;
  end loop;

  -- schedules are done once their wake-up arrived
  update ops.schedule_runs r
     set delivered_at = d.delivered_at
    from ops.dispatches d
   where r.dispatch_id = d.id and r.delivered_at is null and d.status = 'delivered';

  -- delivered wake-ups are history after a day
  delete from ops.dispatches d
   where d.status = 'delivered' and d.delivered_at < ops_private.now() - interval '1 day'
     and not exists (select 1 from ops.schedule_runs r where r.dispatch_id = d.id);

  return jsonb_build_object('answered', v_answered, 'lost', v_lost, 'retried', v_retried);
end
$$;

revoke all on function ops_private.send_dispatch(bigint), ops_private.dispatch_backoff(integer),
  ops_private.dispatch_record(text, jsonb), ops_private.reconcile_dispatches(integer) from public;
revoke all on function ops.dispatch(text, jsonb) from public, anon, authenticated;
grant execute on function ops.dispatch(text, jsonb) to service_role;
