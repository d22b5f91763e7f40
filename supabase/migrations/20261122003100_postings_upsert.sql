-- ===========================================================================
-- Writing postings: the scraper's RPC contract (service_role only).
--
--   ops.upsert_postings(job_id, postings)        a batch of what a run saw
--   ops.deactivate_missing_postings(job_id)       end of a COMPLETE run
--
-- A "run" is one scrape job: all checkpointed invocations of a job share its
-- id, so a posting seen on page 1 of invocation 1 counts as seen by the run.
-- The source and the run date come from the job's scrape run (ops.scrape_runs),
-- else from the job row itself.
-- ===========================================================================

-- ---------------------------------------------------------------------------
-- ops_private.posting_run(job_id): source, run date and run status of a job
-- ---------------------------------------------------------------------------
create or replace function ops_private.posting_run(p_job_id bigint,
  out source_id bigint, out run_date date, out run_status text) language plpgsql stable set search_path = '' as $$
begin
  select coalesce(sr.source_id, j.source_id),
         coalesce(sr.run_date, j.run_date),
         -- the scrape run's status once it is final, else the job's
         coalesce(nullif(sr.status, 'running'), j.status)
    into source_id, run_date, run_status
    from ops.jobs j
    left join ops.scrape_runs sr on sr.job_id = j.id
   where j.id = p_job_id;
  if not found then
    raise exception using errcode = 'P0002', message = format('job %s does not exist', p_job_id);
  end if;
  if source_id is null or run_date is null then
    raise exception using errcode = '22023',
      message = format('job %s has no source or run date (neither its scrape run nor the job row names them)', p_job_id);
  end if;
end
$$;

comment on function ops_private.posting_run(bigint) is
  'Source, run date and run status of a scrape job: from ops.scrape_runs when the job has one, else from ops.jobs. '
  'The run status is the scrape run''s status once it is final (not running), else the job''s status. '
  'Raises P0002 for an unknown job and 22023 when no source or run date is known.';

revoke all on function ops_private.posting_run(bigint) from public;

-- ---------------------------------------------------------------------------
-- ops.upsert_postings(job_id, postings)
-- ---------------------------------------------------------------------------
create or replace function ops.upsert_postings(job_id bigint, postings jsonb)
returns jsonb language plpgsql security definer set search_path = '' as $$
#variable_conflict use_column
declare
  v_run record;
  v_problem text;
  v_counts jsonb;
begin
  v_run := ops_private.posting_run(upsert_postings.job_id);

  if upsert_postings.postings is null or jsonb_typeof(upsert_postings.postings) <> 'array' then
    raise exception using errcode = '22023', message = 'postings must be a JSON array';
  end if;
  if jsonb_array_length(upsert_postings.postings) > 5000 then
    raise exception using errcode = '22023',
      message = format('at most 5000 postings per call, got %s', jsonb_array_length(upsert_postings.postings));
  end if;

  -- validation: the first bad element names the problem; nothing is written
  select format('postings[%s]: %s', ord - 1, problem) into v_problem
    from (
      select ord, case
          when jsonb_typeof(e) <> 'object' then 'must be an object'
          when coalesce(jsonb_typeof(e -> 'external_id'), 'null') not in ('string', 'number') or btrim(e ->> 'external_id') = ''
            then 'external_id is required (a non-empty string)'
          when length(e ->> 'external_id') > 500 then 'external_id is longer than 500 characters'
          when jsonb_typeof(e -> 'title') is distinct from 'string' or btrim(e ->> 'title') = ''
            then 'title is required (a non-empty string)'
          when length(e ->> 'title') > 1000 then 'title is longer than 1000 characters'
          when coalesce(jsonb_typeof(e -> 'raw'), 'null') not in ('object', 'null') then 'raw must be an object'
          when exists (select 1 from unnest(array['normalized_title', 'location', 'normalized_location',
                         'department', 'url', 'content_hash', 'description', 'workplace_type', 'employment_type',
                         'salary_currency', 'salary_period', 'posted_at', 'valid_through']) k
                        where coalesce(jsonb_typeof(e -> k), 'null') not in ('string', 'null'))
            then 'normalized_title, location, normalized_location, department, url, content_hash, description, '
                 'workplace_type, employment_type, salary_currency, salary_period, posted_at and valid_through must be strings'
          -- characters are counted only when the bytes could exceed the limit (counting reads every description)
          when octet_length(e ->> 'description') > 20000 and length(e ->> 'description') > 20000
            then 'description is longer than 20000 characters'
          when coalesce(jsonb_typeof(e -> 'description_truncated'), 'null') not in ('boolean', 'null')
            then 'description_truncated must be a boolean'
          when coalesce(jsonb_typeof(e -> 'locations'), 'null') not in ('array', 'null')
            then 'locations must be an array'
          when exists (select 1 from jsonb_array_elements(case when jsonb_typeof(e -> 'locations') = 'array'
                                                                then e -> 'locations' else '[]' end) l
                        where jsonb_typeof(l) <> 'object')
            then 'locations must be objects'
          when e ->> 'workplace_type' not in ('onsite', 'hybrid', 'remote')
            then 'workplace_type must be onsite, hybrid or remote'
          when e ->> 'employment_type' not in ('full_time', 'part_time', 'contract', 'temporary', 'internship',
                                               'apprenticeship', 'volunteer', 'other')
            then 'employment_type must be one of full_time, part_time, contract, temporary, internship, apprenticeship, volunteer, other'
          when exists (select 1 from unnest(array['salary_min', 'salary_max']) k
                        where case jsonb_typeof(e -> k) when 'number' then (e ->> k)::numeric < 0
                                                          when 'null' then false
                                                          else e ? k end)
            then 'salary_min and salary_max must be non-negative numbers'
          when e ->> 'salary_currency' !~ '^[A-Z]{3}$' then 'salary_currency must be an ISO 4217 code'
          when e ->> 'salary_period' not in ('hour', 'day', 'week', 'month', 'year')
            then 'salary_period must be hour, day, week, month or year'
          when (e ->> 'salary_currency' is null) <> (e ->> 'salary_period' is null)
               or (e ->> 'salary_currency' is null) <> (e ->> 'salary_min' is null and e ->> 'salary_max' is null)
            then 'a salary needs salary_currency, salary_period and at least one amount, or none of them'
          when (e ->> 'salary_min')::numeric > (e ->> 'salary_max')::numeric
            then 'salary_min is greater than salary_max'
          when e ->> 'posted_at' !~ '^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$'
            or e ->> 'valid_through' !~ '^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$'
            then 'posted_at and valid_through must be ISO 8601 timestamps with a time zone'
        end as problem
      from jsonb_array_elements(upsert_postings.postings) with ordinality as a(e, ord)
    ) checked
   where problem is not null
   order by ord
   limit 1;
  if v_problem is not null then
    raise exception using errcode = '22023', message = v_problem;
  end if;

  with input as (
    -- one row per external id: a duplicate within the batch counts once, the last one wins
    select distinct on (external_id) *
      from (
        select btrim(e ->> 'external_id') as external_id,
               btrim(e ->> 'title') as title,
               coalesce(nullif(btrim(e ->> 'normalized_title'), ''), ops_private.normalize_text(e ->> 'title'),
                        lower(btrim(e ->> 'title'))) as normalized_title,
               nullif(btrim(e ->> 'location'), '') as location,
               coalesce(nullif(btrim(e ->> 'normalized_location'), ''), ops_private.normalize_text(e ->> 'location'), '')
                 as normalized_location,
               nullif(btrim(e ->> 'department'), '') as department,
               nullif(btrim(e ->> 'url'), '') as url,
               nullif(rtrim(split_part(nullif(btrim(e ->> 'url'), ''), '#', 1), '/'), '') as url_key,
               coalesce(nullif(e ->> 'content_hash', ''),
                        md5(concat_ws(chr(31), btrim(e ->> 'title'), e ->> 'location', e ->> 'department', e ->> 'url',
                                      e ->> 'description', e ->> 'locations', e ->> 'workplace_type',
                                      e ->> 'employment_type', e ->> 'salary_min', e ->> 'salary_max',
                                      e ->> 'salary_currency', e ->> 'salary_period', e ->> 'posted_at',
                                      e ->> 'valid_through', e ->> 'raw')))
                 as content_hash,
               coalesce(nullif(e -> 'raw', 'null'::jsonb), '{}'::jsonb) as raw,
               nullif(e ->> 'description', '') as description,
               coalesce((e ->> 'description_truncated')::boolean, false) as description_truncated,
               coalesce(nullif(e -> 'locations', 'null'::jsonb), '[]'::jsonb) as locations,
               e ->> 'workplace_type' as workplace_type,
               e ->> 'employment_type' as employment_type,
               (e ->> 'salary_min')::numeric as salary_min,
               (e ->> 'salary_max')::numeric as salary_max,
               e ->> 'salary_currency' as salary_currency,
               e ->> 'salary_period' as salary_period,
               (e ->> 'posted_at')::timestamptz as posted_at,
               (e ->> 'valid_through')::timestamptz as valid_through,
               ord
          from jsonb_array_elements(upsert_postings.postings) with ordinality as a(e, ord)
      ) elements
     order by external_id, ord desc
  ),
  classified as (
    -- read before the write (same statement, same snapshot)
    select i.external_id,
           case
             when p.id is null then 'new'
             -- a run older than the latest sighting only extends first_seen: its content is not applied
             when p.last_seen_date > v_run.run_date then 'unchanged'
             when not p.active and p.inactive_since_date <= v_run.run_date then 'updated'
             when (p.content_hash, p.title, p.normalized_title, p.location, p.normalized_location, p.department, p.url)
                  is distinct from
                  (i.content_hash, i.title, i.normalized_title, i.location, i.normalized_location, i.department, i.url)
               then 'updated'
             else 'unchanged'
           end as outcome
      from input i
      left join ops.postings p on p.source_id = v_run.source_id and p.external_id = i.external_id
  ),
  -- Existing postings are updated, new ones inserted. A sighting that changes no content assigns the
  -- indexed columns their stored values, so it is a HOT update (no index writes, GIN trigram ones
  -- included): measured with 2,000 sources x 100 postings, see scripts/bench/postings-sql.ts.
  -- the stored postings of the batch, and whether a sighting changes their content: a sighting at
  -- least as recent as the stored one (a late backfill of an older night does not overwrite) whose
  -- content hash or normalized forms differ (the hash covers every field; the normalized forms may be
  -- sent on their own)
  existing as (
    select i.*, p.id as posting_id,
           v_run.run_date >= p.last_seen_date
             and (i.content_hash, i.normalized_title, i.normalized_location)
                 is distinct from (p.content_hash, p.normalized_title, p.normalized_location) as content_changed
      from input i
      join ops.postings p on p.source_id = v_run.source_id and p.external_id = i.external_id
  ),
  updated as (
    update ops.postings as p set
      -- content: only when it changed (see `existing`). Unchanged content keeps the stored values, so a
      -- nightly sighting rewrites no description: its TOAST value is kept, not stored again.
      title = case when e.content_changed then e.title else p.title end,
      normalized_title = case when e.content_changed then e.normalized_title else p.normalized_title end,
      location = case when e.content_changed then e.location else p.location end,
      normalized_location = case when e.content_changed then e.normalized_location else p.normalized_location end,
      department = case when e.content_changed then e.department else p.department end,
      url = case when e.content_changed then e.url else p.url end,
      url_key = case when e.content_changed then e.url_key else p.url_key end,
      content_hash = case when e.content_changed then e.content_hash else p.content_hash end,
      raw = case when e.content_changed then e.raw else p.raw end,
      description = case when e.content_changed then e.description else p.description end,
      description_truncated = case when e.content_changed then e.description_truncated else p.description_truncated end,
      locations = case when e.content_changed then e.locations else p.locations end,
      workplace_type = case when e.content_changed then e.workplace_type else p.workplace_type end,
      employment_type = case when e.content_changed then e.employment_type else p.employment_type end,
      salary_min = case when e.content_changed then e.salary_min else p.salary_min end,
      salary_max = case when e.content_changed then e.salary_max else p.salary_max end,
      salary_currency = case when e.content_changed then e.salary_currency else p.salary_currency end,
      salary_period = case when e.content_changed then e.salary_period else p.salary_period end,
      posted_at = case when e.content_changed then e.posted_at else p.posted_at end,
      valid_through = case when e.content_changed then e.valid_through else p.valid_through end,
      last_job_id = case when v_run.run_date >= p.last_seen_date then upsert_postings.job_id else p.last_job_id end,
      -- sightings
      first_seen = least(p.first_seen, ops_private.now()),
      first_seen_date = least(p.first_seen_date, v_run.run_date),
      first_job_id = case when v_run.run_date < p.first_seen_date then upsert_postings.job_id else p.first_job_id end,
      last_seen = greatest(p.last_seen, ops_private.now()),
      last_seen_date = greatest(p.last_seen_date, v_run.run_date),
      -- listed again on or after the day it disappeared: active again
      active = p.active or p.inactive_since_date <= v_run.run_date,
      inactive_since = case when p.inactive_since_date <= v_run.run_date then null else p.inactive_since end,
      inactive_since_date = case when p.inactive_since_date <= v_run.run_date then null else p.inactive_since_date end,
      -- repost detection must look again when its title, location or url changed (both ways) or
      -- when it reappears (as a possible original only: its own first sighting did not change)
      repost_pending = p.repost_pending
        or (v_run.run_date >= p.last_seen_date
            and (p.normalized_title, p.normalized_location, p.url)
                is distinct from (e.normalized_title, e.normalized_location, e.url)),
      repost_origin_pending = p.repost_origin_pending
        or coalesce(p.inactive_since_date <= v_run.run_date, false)
        or (v_run.run_date >= p.last_seen_date
            and (p.normalized_title, p.normalized_location, p.url)
                is distinct from (e.normalized_title, e.normalized_location, e.url)),
      updated_at = ops_private.now()
      from existing e
     where p.id = e.posting_id
    returning 1
  ),
  inserted as (
    insert into ops.postings as p (
      source_id, external_id, title, normalized_title, location, normalized_location, department, url, url_key,
      content_hash, raw, description, description_truncated, locations, workplace_type, employment_type,
      salary_min, salary_max, salary_currency, salary_period, posted_at, valid_through,
      first_seen, last_seen, first_seen_date, last_seen_date, first_job_id, last_job_id)
    select v_run.source_id, i.external_id, i.title, i.normalized_title, i.location, i.normalized_location,
           i.department, i.url, i.url_key, i.content_hash, i.raw, i.description, i.description_truncated, i.locations,
           i.workplace_type, i.employment_type, i.salary_min, i.salary_max, i.salary_currency, i.salary_period,
           i.posted_at, i.valid_through, ops_private.now(), ops_private.now(), v_run.run_date, v_run.run_date,
           upsert_postings.job_id, upsert_postings.job_id
      from input i
     where not exists (select 1 from existing e where e.external_id = i.external_id)
    -- a posting inserted meanwhile by another run of the source keeps that run's sighting
    on conflict (source_id, external_id) do nothing
    returning 1
  )
  select jsonb_build_object(
           'found', count(*),
           'new', count(*) filter (where outcome = 'new'),
           'updated', count(*) filter (where outcome = 'updated'),
           'unchanged', count(*) filter (where outcome = 'unchanged'),
           'source_id', v_run.source_id,
           'run_date', v_run.run_date)
    into v_counts
    from classified;

  return v_counts;
end
$$;

comment on function ops.upsert_postings(bigint, jsonb) is
  'Scraper RPC (service_role): upserts a batch of postings seen by scrape job job_id, by (source, external_id); the '
  'source and run date come from the job''s scrape run (else the job row). postings is a JSON array (at most 5000) of '
  '{external_id, title, normalized_title?, location?, normalized_location?, department?, url?, content_hash?, raw?, '
  'description?, description_truncated?, locations?, workplace_type?, employment_type?, salary_min?, salary_max?, '
  'salary_currency?, salary_period?, posted_at?, valid_through?} (see the column comments of ops.postings); '
  'a missing normalized value is ops_private.normalize_text of the plain one, a missing content_hash is md5 of '
  'every other field of the element. Bad input raises 22023 naming the first bad element and writes nothing. '
  'Returns {found, new, updated, unchanged, source_id, run_date}, classified in the same statement against the rows '
  'as they were before it: found = distinct external ids in the batch (a duplicate counts once, the last wins); '
  'new = not stored before; updated = content (content_hash, title, location, department, url or their normalized '
  'forms) changed, or an inactive posting is listed again (reactivated); unchanged = the rest, including sightings by '
  'a run older than the latest one (they only move first_seen back). Every sighting moves last_seen/last_seen_date '
  'forward and sets last_job_id. Idempotent: the same batch again gives found = unchanged and no new rows. '
  'The caller adds the counts to the run''s metrics.';

revoke all on function ops.upsert_postings(bigint, jsonb) from public, anon, authenticated;
grant execute on function ops.upsert_postings(bigint, jsonb) to service_role;

-- ---------------------------------------------------------------------------
-- ops.deactivate_missing_postings(job_id)
-- ---------------------------------------------------------------------------
create or replace function ops.deactivate_missing_postings(job_id bigint)
returns jsonb language plpgsql security definer set search_path = '' as $$
#variable_conflict use_column
declare
  v_run record;
  v_count integer;
begin
  v_run := ops_private.posting_run(deactivate_missing_postings.job_id);

  if v_run.run_status is distinct from 'completed' then
    -- partial, failed, cancelled, skipped or still running: the run did not see the whole source
    return jsonb_build_object('applied', false, 'deactivated', 0, 'run_status', v_run.run_status,
      'source_id', v_run.source_id, 'run_date', v_run.run_date,
      'reason', format('run status is %s, not completed: nothing is marked inactive', v_run.run_status));
  end if;

  update ops.postings p
     set active = false,
         inactive_since = ops_private.now(),
         inactive_since_date = v_run.run_date,
         repost_origin_pending = true,
         updated_at = ops_private.now()
   where p.source_id = v_run.source_id
     and p.active
     and p.last_job_id is distinct from deactivate_missing_postings.job_id
     -- a run never retires what a later night saw
     and p.last_seen_date <= v_run.run_date;
  get diagnostics v_count = row_count;

  return jsonb_build_object('applied', true, 'deactivated', v_count, 'run_status', v_run.run_status,
    'source_id', v_run.source_id, 'run_date', v_run.run_date);
end
$$;

comment on function ops.deactivate_missing_postings(bigint) is
  'Scraper RPC (service_role), called after the run has been finished: when the run''s status is completed (the '
  'scrape run''s final status, else the job''s), every active posting of the source that this job did not see '
  '(last_job_id is another job) and that no later night saw becomes inactive with inactive_since_date = the run date. '
  'Any other status (partial, failed, cancelled, skipped, still running) is a NO-OP, not an error, so a pipeline may '
  'call it for every run: it returns {applied: false, deactivated: 0, run_status, reason}. '
  'Idempotent: a second call finds nothing active that is missing. Returns {applied, deactivated, run_status, source_id, run_date}.';

revoke all on function ops.deactivate_missing_postings(bigint) from public, anon, authenticated;
grant execute on function ops.deactivate_missing_postings(bigint) to service_role;
