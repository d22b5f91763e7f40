-- ===========================================================================
-- Dispatch: wake an edge function from SQL (pg_cron schedules, the sweeper).
--
-- Hosted Supabase: pg_net's net.http_post to <project_url>/functions/v1/<name>,
-- with the URL and the service role key read from Vault secrets `project_url`
-- and `service_role_key`. Without pg_net or those secrets (the local stack):
-- pg_notify('ops_dispatch', {"function", "body"}), which the local functions
-- server turns into the same HTTP call. Both are fire-and-forget: the woken
-- function records its own outcome in ops.jobs, and a lost wake-up only delays
-- work until the sweeper dispatches again.
-- ===========================================================================

create or replace function ops.dispatch(function_name text, body jsonb default '{}'::jsonb)
returns text
language plpgsql
security definer
set search_path = ''
as $$
declare
  project_url text;
  service_key text;
begin
  if function_name is null or function_name !~ '^[a-z0-9][a-z0-9-]{0,62}$' then
    raise exception 'dispatch: invalid function name %', coalesce(function_name, 'null') using errcode = '22023';
  end if;

  if to_regprocedure('net.http_post(text, jsonb, jsonb, jsonb, integer)') is not null
     and to_regclass('vault.decrypted_secrets') is not null then
    execute $q$select max(decrypted_secret) filter (where name = 'project_url'),
                      max(decrypted_secret) filter (where name = 'service_role_key')
               from vault.decrypted_secrets where name in ('project_url', 'service_role_key')$q$
      into project_url, service_key;
    if project_url is not null and service_key is not null then
      execute $q$select net.http_post(
                  url := $1, body := $2, params := '{}'::jsonb,
                  headers := jsonb_build_object('Content-Type', 'application/json', 'Authorization', 'Bearer ' || $3),
                  timeout_milliseconds := 5000)$q$
        using rtrim(project_url, '/') || '/functions/v1/' || function_name, body, service_key;
      return 'pg_net';
    end if;
  end if;

  perform pg_notify('ops_dispatch', jsonb_build_object('function', function_name, 'body', body)::text);
  return 'notify';
end
$$;

comment on function ops.dispatch(text, jsonb) is
  'Wakes an edge function: pg_net + Vault (project_url, service_role_key) when hosted, pg_notify(''ops_dispatch'') locally. Returns the path taken.';

revoke all on function ops.dispatch(text, jsonb) from public, anon, authenticated;
grant execute on function ops.dispatch(text, jsonb) to service_role;
