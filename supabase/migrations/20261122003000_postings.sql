-- ===========================================================================
-- Postings: one row per job posting of a source, keyed by (source, external id)
-- as the portal names it. Written only by ops.upsert_postings (scraper),
-- ops.deactivate_missing_postings (end of a COMPLETE run) and
-- ops.detect_reposts (repost links and clusters).
--
-- Dates: first_seen_date / last_seen_date / inactive_since_date are the
-- Europe/Berlin run dates of the scrape runs (ops.scrape_runs.run_date), so a
-- backfill of past nights gets the nights' dates; the timestamptz columns are
-- the wall-clock times of the writes.
--
-- Write pattern: every nightly run touches every listed posting (last_seen,
-- last_seen_date, last_job_id). None of these columns is indexed, and the table
-- keeps half of every page free (fillfactor 50), so that these updates are HOT
-- updates (no index writes, no GIN trigram inserts): the postings of a page are
-- mostly listed the same night (they were inserted together), and a HOT update
-- puts the new version of each on the same page, next to the old one, so the page
-- needs room for a second copy of its open postings. With fillfactor 85 only one
-- in five sightings found room at 2,000 sources x 100 postings and the rest wrote
-- every index (scripts/bench/postings-sql.ts).
-- Rows stay narrow: above 256 bytes (toast_tuple_target) the description and the
-- raw record go to the TOAST table, and a sighting that does not change the
-- content keeps their stored values (ops.upsert_postings), so nothing of them is
-- written again. The short columns are kept in the row (storage main, below):
-- TOAST would move them out too to reach 256 bytes, and every comparison of a
-- sighting with the stored posting and every check constraint would then read
-- them back from the TOAST table.
-- ===========================================================================

-- ---------------------------------------------------------------------------
-- ops_private.normalize_text(text): the normalization of titles and locations
-- ---------------------------------------------------------------------------
create or replace function ops_private.normalize_text(value text)
returns text language sql immutable parallel safe set search_path = '' as $$
  select nullif(btrim(regexp_replace(regexp_replace(regexp_replace(lower(value),
    -- gender markers of German-speaking postings: (m/w/d), (w/m/d), (f/m/x), (all genders), (gn)
    '\(\s*(all\s+genders?|gn\*?|div(ers)?|[mwfdx](\s*[/|,]\s*[mwfdx]){1,3})\s*\)', ' ', 'g'),
    '(^|\s)[mwf]\s*/\s*[mwf]\s*/\s*[dx](\s|$)', ' ', 'g'),
    -- everything that is not a letter or digit separates words
    '[^[:alnum:]]+', ' ', 'g')), '')
$$;

comment on function ops_private.normalize_text(text) is
  'Normalized title/location: lower case, gender markers such as (m/w/d), (w/m/d), (f/m/x), (all genders) removed, '
  'every run of non-alphanumeric characters replaced by one space, trimmed; null when nothing is left. '
  'Used when the scraper sends no normalized value, and by repost detection through the stored columns.';

revoke all on function ops_private.normalize_text(text) from public;
grant execute on function ops_private.normalize_text(text) to authenticated, service_role;

-- ---------------------------------------------------------------------------
-- ops.postings
-- ---------------------------------------------------------------------------
create table ops.postings (
  id bigint generated always as identity primary key,
  source_id bigint not null references ops.sources (id) on delete cascade,
  external_id text not null check (length(external_id) between 1 and 500),

  title text not null check (length(title) between 1 and 1000),
  normalized_title text not null,
  location text,
  normalized_location text not null default '',
  department text,
  url text,
  -- the repost URL key: the URL without fragment and trailing slashes
  -- written by ops.upsert_postings with url (not a generated column: PostgreSQL recomputes a
  -- generated column whenever its source column is assigned, and an indexed value recomputed by
  -- an expression is never byte-equal to the stored one, so no sighting would be a HOT update)
  url_key text check (url_key is not distinct from nullif(rtrim(split_part(url, '#', 1), '/'), '')),
  content_hash text not null,
  -- what the posting says (see the column comments); every text is plain text, entities decoded once
  -- at most 20,000 characters (ops.upsert_postings checks them). The constraint bounds the bytes (4 per
  -- character at most): the byte length comes from the TOAST pointer, a character count would read and
  -- decompress every description whenever a nightly sighting updates the row.
  description text check (octet_length(description) <= 80000),
  description_truncated boolean not null default false,
  locations jsonb not null default '[]'::jsonb check (jsonb_typeof(locations) = 'array'),
  workplace_type text check (workplace_type in ('onsite', 'hybrid', 'remote')),
  employment_type text check (employment_type in
    ('full_time', 'part_time', 'contract', 'temporary', 'internship', 'apprenticeship', 'volunteer', 'other')),
  salary_min numeric check (salary_min >= 0),
  salary_max numeric check (salary_max >= 0),
  salary_currency text check (salary_currency ~ '^[A-Z]{3}$'),
  salary_period text check (salary_period in ('hour', 'day', 'week', 'month', 'year')),
  posted_at timestamptz,
  valid_through timestamptz,
  -- the allow-listed fields of the source record (per adapter, documented in the README); never personal data
  raw jsonb not null default '{}'::jsonb,

  first_seen timestamptz not null default ops_private.now(),
  last_seen timestamptz not null default ops_private.now(),
  first_seen_date date not null,
  last_seen_date date not null,
  -- the jobs that first and last saw it (no foreign key: job retention may delete old jobs)
  first_job_id bigint,
  last_job_id bigint,

  active boolean not null default true,
  inactive_since timestamptz,
  inactive_since_date date,

  -- repost detection (ops.detect_reposts)
  repost_of bigint references ops.postings (id) on delete set null,
  cluster_id bigint references ops.postings (id) on delete set null,
  repost_pending boolean not null default true,
  repost_origin_pending boolean not null default false,

  created_at timestamptz not null default ops_private.now(),
  updated_at timestamptz not null default ops_private.now(),

  unique (source_id, external_id),
  check (last_seen_date >= first_seen_date),
  check (active = (inactive_since_date is null)),
  check (active = (inactive_since is null)),
  check (inactive_since_date is null or inactive_since_date >= last_seen_date),
  check (repost_of is distinct from id),
  -- a salary has all of currency and period and at least one amount, or nothing
  check ((salary_currency is null) = (salary_period is null)),
  check ((salary_currency is null) = (salary_min is null and salary_max is null)),
  check (salary_min <= salary_max)
) with (fillfactor = 50, toast_tuple_target = 256);

-- the short columns stay in the row (see the banner); only description and raw go to TOAST
alter table ops.postings
  alter column external_id set storage main,
  alter column title set storage main,
  alter column normalized_title set storage main,
  alter column location set storage main,
  alter column normalized_location set storage main,
  alter column department set storage main,
  alter column url set storage main,
  alter column url_key set storage main,
  alter column content_hash set storage main,
  alter column locations set storage main,
  alter column workplace_type set storage main,
  alter column employment_type set storage main,
  alter column salary_currency set storage main,
  alter column salary_period set storage main;

comment on table ops.postings is
  'Job postings per source, unique by (source_id, external_id). Written only by ops.upsert_postings, '
  'ops.deactivate_missing_postings and ops.detect_reposts; read by viewers.';
comment on column ops.postings.first_seen_date is 'Europe/Berlin run date of the first run that saw the posting.';
comment on column ops.postings.last_seen_date is 'Europe/Berlin run date of the latest run that saw the posting.';
comment on column ops.postings.last_job_id is 'The scrape job of the latest run that saw the posting; a COMPLETE run deactivates the active postings of its source it did not see.';
comment on column ops.postings.active is 'False once a COMPLETE run of the source did not list it; true again when a later run lists it again (same external id).';
comment on column ops.postings.inactive_since_date is 'Run date of the complete run that first missed the posting (the day it disappeared).';
comment on column ops.postings.normalized_title is 'ops_private.normalize_text(title) unless the scraper sent its own; compared with pg_trgm for repost detection.';
comment on column ops.postings.normalized_location is 'ops_private.normalize_text(location), '''' when there is no location.';
comment on column ops.postings.description is 'Plain text of the posting: HTML entities decoded once, tags stripped, block elements and list items on their own lines (list items start with "- "), every list and section the source gives; e-mail addresses replaced by "[e-mail removed]"; at most 20,000 characters (cut at a word boundary, then description_truncated is true). Null when the source gives none.';
comment on column ops.postings.description_truncated is 'True when the 20,000-character cap cut the description.';
comment on column ops.postings.locations is 'Every location of the posting in source order: [{name, city, region, country}], each value a string or null, country as the source gives it (name or ISO code). [] when the source gives none.';
comment on column ops.postings.location is 'Display string: the names of locations joined with "; "; null when there is none.';
comment on column ops.postings.workplace_type is 'onsite, hybrid or remote as the source says (workplaceType, isRemote, telecommuting, jobLocationType TELECOMMUTE ...); null when it does not say.';
comment on column ops.postings.employment_type is 'The source''s employment type mapped to full_time, part_time, contract, temporary, internship, apprenticeship, volunteer; a value without mapping is other; null when the source does not say.';
comment on column ops.postings.salary_min is 'Lower bound of the advertised salary in salary_currency per salary_period. The four salary columns are set together: a salary without a known ISO 4217 currency, a known period, non-negative amounts and min <= max is not stored at all.';
comment on column ops.postings.salary_max is 'Upper bound of the advertised salary (see salary_min).';
comment on column ops.postings.salary_currency is 'ISO 4217 code of the salary, upper case.';
comment on column ops.postings.salary_period is 'hour, day, week, month or year: what the salary amounts are paid per.';
comment on column ops.postings.posted_at is 'When the source says the posting was published (first published, created, datePosted); null when it gives none or an unreadable one.';
comment on column ops.postings.valid_through is 'Expiry the source gives (validThrough and equivalents); a posting already expired at fetch time is rejected, never stored. Null when none or unreadable.';
comment on column ops.postings.raw is 'The allow-listed fields of the source record (a short list per adapter, see the README); recruiter, creator and contact fields are never among them.';
comment on column ops.postings.url_key is 'The URL without #fragment and trailing slashes (set with url by ops.upsert_postings, checked by a constraint): the same url_key under a new external id is a repost.';
comment on column ops.postings.content_hash is 'The scraper''s hash of the posting content, else md5 of title, location, department and url; a change counts as updated.';
comment on column ops.postings.repost_of is 'The earlier posting this one reposts (ops.detect_reposts); null when it is no repost.';
comment on column ops.postings.cluster_id is 'Repost cluster: the id of the earliest posting of the cluster, shared by every member (the earliest included); null for postings without reposts.';
comment on column ops.postings.repost_pending is 'True when the posting is new or its title, location or url changed since ops.detect_reposts last looked for the posting it may repost.';
comment on column ops.postings.repost_origin_pending is 'True when the posting disappeared, came back, or its title, location or url changed since ops.detect_reposts last looked for postings that may repost it.';

-- ---------------------------------------------------------------------------
-- Indexes. Only columns that rarely change are indexed (see the banner).
-- ---------------------------------------------------------------------------
-- (source_id, external_id) is indexed by its unique constraint (also the FK index).
-- deactivation and snapshots: the active postings of a source
create index postings_source_active_idx on ops.postings (source_id) where active;
-- snapshots (disappeared on a date) and repost candidates (recently disappeared)
create index postings_source_inactive_idx on ops.postings (source_id, inactive_since_date) where not active;
-- new postings per day; repost detection: postings first seen after a disappearance
create index postings_source_first_seen_idx on ops.postings (source_id, first_seen_date);
-- repost detection: work queue
create index postings_repost_pending_idx on ops.postings (source_id) where repost_pending;
create index postings_repost_origin_pending_idx on ops.postings (source_id) where repost_origin_pending;
-- repost links and clusters (also the FK indexes)
create index postings_repost_of_idx on ops.postings (repost_of) where repost_of is not null;
create index postings_cluster_idx on ops.postings (cluster_id) where cluster_id is not null;
-- same URL under a new id
create index postings_source_url_key_idx on ops.postings (source_id, url_key) where url_key is not null;
-- similar titles and locations (Studio searches, ad hoc analysis): pg_trgm in schema extensions.
-- fastupdate off: a night's new postings go straight into the trigram trees. With fastupdate on, GIN
-- first appends them to an unsorted pending list (up to gin_pending_list_limit, 4 MB, per index) that
-- a later insert or VACUUM merges; the list's pages are added to the index file, which never shrinks,
-- so the title index grew 4 MB in a night whose entries take 0.5 MB when inserted directly
-- (scripts/bench/postings-sql.ts), and every search also scans the list ("GIN Fast Update Technique",
-- PostgreSQL docs, gin-implementation). A few thousand new postings a night are cheap to insert directly.
create index postings_normalized_title_trgm_idx on ops.postings
  using gin (normalized_title extensions.gin_trgm_ops) with (fastupdate = off);
create index postings_normalized_location_trgm_idx on ops.postings
  using gin (normalized_location extensions.gin_trgm_ops) with (fastupdate = off);

-- ---------------------------------------------------------------------------
-- Row level security: viewers read; writes go through SQL functions
-- ---------------------------------------------------------------------------
call ops_private.viewers_read('ops.postings');
