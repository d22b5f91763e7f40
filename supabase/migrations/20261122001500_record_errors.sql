-- ===========================================================================
-- Job write API, part 6: classification, fingerprints, ops.record_errors.
--
-- ops.classify_error(http_status, message): the first active rule of
-- ops.classification_rules (lowest priority, then id) whose http_status
-- (if set) equals the status and whose message_pattern (if set) matches the
-- message case-insensitively. Without a matching rule: 5xx -> http_5xx,
-- other 4xx -> http_4xx, else unknown. Severity: the rule's, else the
-- category's default.
--
-- Fingerprint: md5(category || ':' || normalized message), where the message
-- is lower-cased and URLs, UUIDs, hex ids (0x.. or 8+ hex chars with a digit)
-- and numbers become <url>, <uuid>, <hex>, <n>; whitespace collapses.
-- ===========================================================================

-- ---------------------------------------------------------------------------
-- ops.classify_error
-- ---------------------------------------------------------------------------
create or replace function ops.classify_error(p_http_status integer, p_message text)
returns table (category text, severity text) language sql stable set search_path = '' as $$
  with matched as (
    select r.category, r.severity
    from ops.classification_rules r
    where r.active
      and (r.http_status is null or r.http_status = p_http_status)
      and (r.message_pattern is null or coalesce(p_message, '') ~* r.message_pattern)
    order by r.priority, r.id
    limit 1
  ),
  chosen as (
    select coalesce(
      (select m.category from matched m),
      case
        when p_http_status between 500 and 599 then 'http_5xx'
        when p_http_status between 400 and 499 then 'http_4xx'
        else 'unknown'
      end) as category
  )
  select c.category, coalesce((select m.severity from matched m), e.default_severity, 'medium')
  from chosen c
  left join ops.error_categories e on e.category = c.category
$$;

comment on function ops.classify_error(integer, text) is
  'Category and severity of an error by ops.classification_rules (first match by priority), else http_5xx/http_4xx/unknown.';

-- ---------------------------------------------------------------------------
-- ops.normalize_error_message / ops.error_fingerprint
-- ---------------------------------------------------------------------------
create or replace function ops.normalize_error_message(p_message text)
returns text language sql immutable parallel safe set search_path = '' as $$
  select btrim(regexp_replace(
    regexp_replace(
      regexp_replace(
        regexp_replace(
          regexp_replace(lower(coalesce(p_message, '')),
            '(https?|wss?|ftp)://[^\s"''<>]+', '<url>', 'g'),
          '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}', '<uuid>', 'g'),
        '\m(0x[0-9a-f]+|(?=[a-f]*[0-9])[0-9a-f]{8,})\M', '<hex>', 'g'),
      '[0-9]+([.,][0-9]+)*', '<n>', 'g'),
    '\s+', ' ', 'g'))
$$;

create or replace function ops.error_fingerprint(p_category text, p_message text)
returns text language sql immutable parallel safe set search_path = '' as $$
  select md5(p_category || ':' || ops.normalize_error_message(p_message))
$$;

comment on function ops.error_fingerprint(text, text) is
  'md5(category:normalized message): numbers, hex ids, UUIDs and URLs normalized away; the dedup key per source.';

-- ---------------------------------------------------------------------------
-- ops_private.record_errors: the batch upsert (also used by the sweeper)
-- ---------------------------------------------------------------------------
create or replace function ops_private.record_errors(
  p_job_id bigint,
  p_source_id bigint,
  p_errors jsonb,
  p_now timestamptz
)
returns table (error_id bigint, fingerprint text, category text, severity text, count integer) language plpgsql volatile set search_path = '' as $$
#variable_conflict use_column
declare
  v_bad text;
begin
  if p_errors is null or jsonb_typeof(p_errors) <> 'array' then
    perform ops_private.api_error('P0400', 'errors must be a JSON array',
      jsonb_build_object('code', 'invalid_argument', 'field', 'errors'));
  end if;
  if jsonb_array_length(p_errors) > 1000 then
    perform ops_private.api_error('P0413', 'at most 1000 errors in one batch',
      jsonb_build_object('code', 'payload_too_large', 'field', 'errors', 'limit', 1000));
  end if;
  if exists (select 1 from jsonb_array_elements(p_errors) e where jsonb_typeof(e) <> 'object') then
    perform ops_private.api_error('P0400', 'every error must be a JSON object',
      jsonb_build_object('code', 'invalid_argument', 'field', 'errors'));
  end if;

  -- validation pass: nothing is written when any event is bad
  begin
    select case
        when e.message is null or length(e.message) = 0 then format('errors.%s.message', e.ord - 1)
        when e.category is not null
          and not exists (select 1 from ops.error_categories c where c.category = e.category)
          then format('errors.%s.category', e.ord - 1)
        when e.severity is not null and e.severity not in ('low', 'medium', 'high', 'critical')
          then format('errors.%s.severity', e.ord - 1)
        when e.http_status is not null and e.http_status not between 100 and 599
          then format('errors.%s.http_status', e.ord - 1)
      end
    into v_bad
    from rows from (jsonb_to_recordset(p_errors)
      as (message text, http_status integer, category text, severity text, occurred_at timestamptz))
      with ordinality as e (message, http_status, category, severity, occurred_at, ord)
    where e.message is null or length(e.message) = 0
       or (e.category is not null and not exists (select 1 from ops.error_categories c where c.category = e.category))
       or (e.severity is not null and e.severity not in ('low', 'medium', 'high', 'critical'))
       or (e.http_status is not null and e.http_status not between 100 and 599)
    order by e.ord
    limit 1;
  exception when data_exception then
    perform ops_private.api_error('P0400', 'an error has a value of the wrong type: ' || sqlerrm,
      jsonb_build_object('code', 'invalid_argument', 'field', 'errors', 'reason', sqlerrm));
  end;
  if v_bad is not null then
    -- an unknown category names the allowed ones, so a reporter can correct itself
    perform ops_private.api_error('P0400', format('invalid %s', v_bad),
      jsonb_build_object('code', 'invalid_argument', 'field', v_bad) || case when v_bad like '%.category'
        then jsonb_build_object('allowed', (select jsonb_agg(c.category order by c.category) from ops.error_categories c))
        else '{}'::jsonb end);
  end if;

  -- one statement: classify, count per UTC hour, upsert one row per (source, fingerprint)
  return query
  with input as (
    select e.ord, e.message, e.http_status, e.url, e.portal, e.details,
           coalesce(e.category, c.category) as category,
           coalesce(e.severity, cat.default_severity, c.severity) as severity,
           coalesce(e.occurred_at, p_now) as at
    from rows from (jsonb_to_recordset(p_errors)
      as (message text, http_status integer, url text, portal text, details jsonb,
          category text, severity text, occurred_at timestamptz))
      with ordinality as e (message, http_status, url, portal, details, category, severity, occurred_at, ord)
    cross join lateral ops.classify_error(e.http_status, e.message) c
    left join ops.error_categories cat on cat.category = e.category and e.severity is null
  ),
  fingerprinted as (
    select i.*, ops.error_fingerprint(i.category, i.message) as fingerprint from input i
  ),
  hourly as (
    insert into ops.error_hourly as h (hour, source_id, category, count)
    select date_trunc('hour', f.at, 'UTC'), p_source_id, f.category, count(*)::integer
    from fingerprinted f
    group by 1, 3
    on conflict (hour, source_id, category) do update set count = h.count + excluded.count
  ),
  grouped as (
    -- the latest occurrence describes the row
    select distinct on (f.fingerprint)
      f.fingerprint, f.category, f.severity, f.http_status, f.portal, f.url, f.message, f.details,
      count(*) over w as n, min(f.at) over w as first_at, max(f.at) over w as last_at
    from fingerprinted f
    window w as (partition by f.fingerprint)
    order by f.fingerprint, f.at desc, f.ord desc
  )
  insert into ops.errors as e (source_id, job_id, fingerprint, category, severity, http_status, portal, url,
    message, details, count, first_seen, last_occurrence)
  select p_source_id, p_job_id, g.fingerprint, g.category, g.severity, g.http_status, g.portal, g.url,
    g.message, g.details, g.n::integer, g.first_at, g.last_at
  from grouped g
  on conflict (source_id, fingerprint) do update set
    count = e.count + excluded.count,
    first_seen = least(e.first_seen, excluded.first_seen),
    last_occurrence = greatest(e.last_occurrence, excluded.last_occurrence),
    job_id = excluded.job_id,
    severity = excluded.severity,
    http_status = coalesce(excluded.http_status, e.http_status),
    portal = coalesce(excluded.portal, e.portal),
    url = coalesce(excluded.url, e.url),
    message = excluded.message,
    details = coalesce(excluded.details, e.details)
  returning e.id, e.fingerprint, e.category, e.severity, e.count;
end
$$;

-- ---------------------------------------------------------------------------
-- ops.record_errors: a batch of error events of one job
--   [{"message", "http_status"?, "url"?, "portal"?, "details"?,
--     "category"? (overrides the rules), "severity"?, "occurred_at"?}]
-- ---------------------------------------------------------------------------
create or replace function ops.record_errors(p_job_id bigint, p_errors jsonb)
returns table (error_id bigint, fingerprint text, category text, severity text, count integer) language plpgsql volatile security definer set search_path = '' as $$
#variable_conflict use_column
declare
  v_source_id bigint;
begin
  v_source_id := (ops_private.job_or_404(p_job_id)).source_id;
  return query select * from ops_private.record_errors(p_job_id, v_source_id, p_errors, ops_private.now());
end
$$;

comment on function ops.record_errors(bigint, jsonb) is
  'Classifies, fingerprints and upserts a batch of errors of a job into ops.errors (count, last_occurrence) and ops.error_hourly. Returns one row per fingerprint.';

-- ---------------------------------------------------------------------------
-- Privileges
-- ---------------------------------------------------------------------------
revoke all on function ops_private.record_errors(bigint, bigint, jsonb, timestamptz) from public;
revoke all on function ops.classify_error(integer, text), ops.normalize_error_message(text),
  ops.error_fingerprint(text, text), ops.record_errors(bigint, jsonb)
  from public, anon, authenticated;
-- classification is a read: viewers may try rules out (RLS on the rules applies)
grant execute on function ops.classify_error(integer, text), ops.normalize_error_message(text),
  ops.error_fingerprint(text, text)
  to authenticated, service_role;
grant execute on function ops.record_errors(bigint, jsonb) to service_role;
