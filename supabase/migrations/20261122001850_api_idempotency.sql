-- ===========================================================================
-- Idempotency keys of the HTTP write API (the `report` function).
-- A request with an Idempotency-Key runs in one transaction with its key:
--   1. ops.idempotency_begin(key, route, request_hash) inserts the key; a
--      concurrent request with the same key waits for the first one's
--      transaction, then sees its stored answer;
--   2. the work;
--   3. ops.idempotency_complete(key, status, response) stores the answer.
-- A failed request rolls back with its key, so a retry runs again. A key
-- reused with a different request (route + body hash) is a mismatch (the API
-- answers 422). Keys are purged by ops.purge_retention.
-- ===========================================================================

create table ops.api_idempotency_keys (
  key text primary key check (length(key) between 1 and 200),
  route text not null,
  request_hash text not null,
  actor text,
  status_code integer check (status_code between 100 and 599),
  response jsonb,
  created_at timestamptz not null default ops_private.now(),
  completed_at timestamptz
);

comment on table ops.api_idempotency_keys is 'Idempotency-Key of report API requests with their first answer; written only by ops.idempotency_* functions.';

create index api_idempotency_keys_created_idx on ops.api_idempotency_keys (created_at);

alter table ops.api_idempotency_keys enable row level security;
revoke all on ops.api_idempotency_keys from public, anon, authenticated, service_role;
grant select on ops.api_idempotency_keys to authenticated, service_role;

create policy api_idempotency_keys_read on ops.api_idempotency_keys
  for select to authenticated using ((select ops_private.is_operator()));

-- ---------------------------------------------------------------------------
-- ops.idempotency_begin
--   state = 'new'       the key is ours: do the work, then complete it
--   state = 'replay'    answered before: return status_code and response
--   state = 'mismatch'  the key was used for a different request
-- ---------------------------------------------------------------------------
create or replace function ops.idempotency_begin(
  p_key text,
  p_route text,
  p_request_hash text
)
returns table (state text, status_code integer, response jsonb) language plpgsql volatile security definer set search_path = '' as $$
declare
  v_row ops.api_idempotency_keys;
begin
  if p_key is null or length(p_key) not between 1 and 200 then
    perform ops_private.api_error('P0400', 'an idempotency key has 1 to 200 characters',
      jsonb_build_object('code', 'invalid_argument', 'field', 'Idempotency-Key'));
  end if;
  insert into ops.api_idempotency_keys (key, route, request_hash, actor, created_at)
  values (p_key, p_route, p_request_hash, ops_private.actor(), ops_private.now())
  on conflict (key) do nothing;
  if found then
    state := 'new';
    return next;
    return;
  end if;
  select * into v_row from ops.api_idempotency_keys k where k.key = p_key;
  if v_row.route <> p_route or v_row.request_hash <> p_request_hash then
    state := 'mismatch';
  else
    state := 'replay';
    status_code := v_row.status_code;
    response := v_row.response;
  end if;
  return next;
end
$$;

create or replace function ops.idempotency_complete(p_key text, p_status_code integer, p_response jsonb)
returns void language sql volatile security definer set search_path = '' as $$
  update ops.api_idempotency_keys
    set status_code = p_status_code, response = p_response, completed_at = ops_private.now()
    where key = p_key
$$;

revoke all on function ops.idempotency_begin(text, text, text), ops.idempotency_complete(text, integer, jsonb)
  from public, anon, authenticated;
grant execute on function ops.idempotency_begin(text, text, text), ops.idempotency_complete(text, integer, jsonb)
  to service_role;
