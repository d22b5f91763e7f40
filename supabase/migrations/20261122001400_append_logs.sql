-- ===========================================================================
-- Job write API, part 5: ops.append_logs, a whole batch in one statement.
--
-- Lines are a JSON array of {"level", "message", "ts"?, "context"?}:
-- level is one of DEBUG INFO SUCCESS WARNING ERROR CRITICAL (any case),
-- ts defaults to now. The job is checked once per batch (logs have no FK).
-- The batch is stored entirely or not at all; a bad line raises P0400 with
-- nothing written. At most 10,000 lines per call (P0413); the HTTP API's own
-- limit is lower.
--
-- Live streams: each batch sends one small wake-up on channel `ops_logs`:
--   {"job_id": 42, "last_id": 1234, "count": 500}
-- (delivered at commit). Listeners then read ops.logs where job_id = 42 and
-- id > their last event id; the payload never carries log text. That read is
-- gap-free with concurrent writers: ids of a job are drawn in commit order
-- (ops_private.lock_job_log, see 20261122000600_logs.sql).
--
-- Why JSON and not arrays: jsonb_to_recordset was as fast as unnest() of
-- parallel arrays in scripts/bench/append-logs.ts, and one jsonb parameter
-- keeps the contract of the RPC, the report function and the harness simple.
-- ===========================================================================

create or replace function ops.append_logs(
  p_job_id bigint,
  p_lines jsonb
)
returns table (inserted integer, first_id bigint, last_id bigint)
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_now timestamptz := ops_private.now();
  v_source_id bigint;
  v_count integer;
begin
  if p_lines is null or jsonb_typeof(p_lines) <> 'array' then
    perform ops_private.api_error('P0400', 'lines must be a JSON array',
      jsonb_build_object('code', 'invalid_argument', 'field', 'lines'));
  end if;
  v_count := jsonb_array_length(p_lines);
  if v_count > 10000 then
    perform ops_private.api_error('P0413', format('%s lines in one batch; at most 10000', v_count),
      jsonb_build_object('code', 'payload_too_large', 'field', 'lines', 'limit', 10000, 'count', v_count));
  end if;

  v_source_id := (ops_private.job_or_404(p_job_id)).source_id;

  inserted := 0;
  if v_count = 0 then
    return next;
    return;
  end if;

  perform ops_private.lock_job_log(p_job_id);
  begin
    with stored as (
      insert into ops.logs (job_id, source_id, ts, level, message, context)
      select p_job_id, v_source_id, coalesce(l.ts, v_now), upper(l.level), l.message, l.context
      from jsonb_to_recordset(p_lines) as l (ts timestamptz, level text, message text, context jsonb)
      returning id
    )
    select count(*)::integer, min(id), max(id) into inserted, first_id, last_id from stored;
  exception
    when check_violation or not_null_violation then
      perform ops_private.api_error('P0400',
        'every line needs a level (DEBUG, INFO, SUCCESS, WARNING, ERROR, CRITICAL) and a message',
        jsonb_build_object('code', 'invalid_argument', 'field', 'lines', 'reason', sqlerrm));
    when data_exception then
      perform ops_private.api_error('P0400', 'a line has a value of the wrong type: ' || sqlerrm,
        jsonb_build_object('code', 'invalid_argument', 'field', 'lines', 'reason', sqlerrm));
  end;

  perform pg_notify('ops_logs',
    json_build_object('job_id', p_job_id, 'last_id', last_id, 'count', inserted)::text);
  return next;
end
$$;

comment on function ops.append_logs(bigint, jsonb) is
  'Appends a batch of log lines [{level, message, ts?, context?}] in one statement; all or nothing; notifies ops_logs with {job_id, last_id, count}.';

revoke all on function ops.append_logs(bigint, jsonb) from public, anon, authenticated;
grant execute on function ops.append_logs(bigint, jsonb) to service_role;
