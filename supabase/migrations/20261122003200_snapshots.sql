-- ===========================================================================
-- Daily snapshots: per source and Europe/Berlin date, the day's counts. One
-- row per (source, date); ops.take_snapshot upserts it, so a re-run replaces
-- the row. The list of postings open at the end of a day is not stored again
-- every night (at 2,000 sources x 100 postings that was most of the nightly
-- growth): the postings' own dates say which were open, and
-- ops.snapshot_postings(source, date) derives the list from them.
-- ===========================================================================

-- ---------------------------------------------------------------------------
-- ops.snapshots
-- ---------------------------------------------------------------------------
create table ops.snapshots (
  id bigint generated always as identity primary key,
  source_id bigint not null references ops.sources (id) on delete cascade,
  snapshot_date date not null,
  posting_count integer not null check (posting_count >= 0),
  new_count integer not null check (new_count >= 0),
  active_count integer not null check (active_count >= 0),
  disappeared_count integer not null check (disappeared_count >= 0),
  repost_count integer not null check (repost_count >= 0),
  -- data quality: how many of the postings seen on the date (posting_count) carry each key field
  with_title integer not null default 0 check (with_title >= 0),
  with_location integer not null default 0 check (with_location >= 0),
  with_description integer not null default 0 check (with_description >= 0),
  with_posted_at integer not null default 0 check (with_posted_at >= 0),
  with_url integer not null default 0 check (with_url >= 0),
  taken_at timestamptz not null default ops_private.now(),
  unique (source_id, snapshot_date)
);

comment on table ops.snapshots is
  'Daily snapshot per source and Berlin date (unique), written by ops.take_snapshot. Counts are derived from the '
  'postings'' first/last seen dates, inactive_since_date and repost links, so a snapshot taken on its day is exact; '
  'one re-taken later reconstructs the day from those dates (a posting that was away and came back under the same '
  'external id counts as open in between).';
comment on column ops.snapshots.posting_count is 'Postings seen on the date: first_seen_date <= date <= last_seen_date (what that night''s runs listed).';
comment on column ops.snapshots.new_count is 'Postings first seen on the date.';
comment on column ops.snapshots.active_count is 'Postings open at the end of the date: first seen on or before it and not (yet) disappeared (active, or inactive_since_date after the date). After a partial run this includes postings the run missed.';
comment on column ops.snapshots.disappeared_count is 'Postings that a complete run on the date no longer listed (inactive_since_date = date).';
comment on column ops.snapshots.repost_count is 'Postings first seen on the date that are reposts of an earlier posting (repost_of set). Kept current by ops.detect_reposts, which refreshes the counts of the dates it changed, so the pipeline may snapshot before or after repost detection.';
comment on column ops.snapshots.with_location is
  'Postings seen on the date (as posting_count) with at least one location; likewise with_title, with_description, with_posted_at (the source''s publication date) and with_url. The data-quality monitoring (ops.data_quality_v) compares their shares with the source''s baseline.';

create index snapshots_date_idx on ops.snapshots (snapshot_date);

call ops_private.viewers_read('ops.snapshots');

-- ---------------------------------------------------------------------------
-- ops.take_snapshot(source_id, snapshot_date)
-- ---------------------------------------------------------------------------
create or replace function ops.take_snapshot(
  source_id bigint,
  snapshot_date date default (ops_private.berlin_today()))
returns setof ops.snapshots language sql security definer set search_path = '' as $$
  insert into ops.snapshots as s (source_id, snapshot_date, posting_count, new_count, active_count,
                                  disappeared_count, repost_count,
                                  with_title, with_location, with_description, with_posted_at, with_url, taken_at)
  select src.id,
         take_snapshot.snapshot_date,
         count(p.id) filter (where p.last_seen_date >= take_snapshot.snapshot_date),
         count(p.id) filter (where p.first_seen_date = take_snapshot.snapshot_date),
         count(p.id) filter (where p.open_at_end),
         count(p.id) filter (where p.inactive_since_date = take_snapshot.snapshot_date),
         count(p.id) filter (where p.first_seen_date = take_snapshot.snapshot_date and p.repost_of is not null),
         count(p.id) filter (where p.last_seen_date >= take_snapshot.snapshot_date and btrim(p.title) <> ''),
         count(p.id) filter (where p.last_seen_date >= take_snapshot.snapshot_date and jsonb_array_length(p.locations) > 0),
         -- not blank: the first character decides (read from the start of the TOAST value, not the whole
         -- description); only a description starting with a space is read in full
         count(p.id) filter (where p.last_seen_date >= take_snapshot.snapshot_date and p.description is not null
                               and (substr(p.description, 1, 1) <> ' ' or btrim(p.description) <> '')),
         count(p.id) filter (where p.last_seen_date >= take_snapshot.snapshot_date and p.posted_at is not null),
         count(p.id) filter (where p.last_seen_date >= take_snapshot.snapshot_date and nullif(btrim(p.url), '') is not null),
         ops_private.now()
    from ops.sources src
    left join lateral (
      -- every posting that matters for the date is open now or disappeared on or after it: two branches,
      -- each read through its partial index (postings_source_active_idx, postings_source_inactive_idx), so
      -- a snapshot reads the source's open postings, not every posting of its history (one or
      -- more pages per posting, as postings of many sources appear together every night)
      select p.*, true as open_at_end
        from ops.postings p
       where p.source_id = src.id and p.active and p.first_seen_date <= take_snapshot.snapshot_date
      union all
      select p.*, p.inactive_since_date > take_snapshot.snapshot_date
        from ops.postings p
       where p.source_id = src.id and not p.active and p.inactive_since_date >= take_snapshot.snapshot_date
         and p.first_seen_date <= take_snapshot.snapshot_date
    ) p on true
   where take_snapshot.source_id is null or src.id = take_snapshot.source_id
   group by src.id
  on conflict (source_id, snapshot_date) do update set
    posting_count = excluded.posting_count,
    new_count = excluded.new_count,
    active_count = excluded.active_count,
    disappeared_count = excluded.disappeared_count,
    repost_count = excluded.repost_count,
    with_title = excluded.with_title,
    with_location = excluded.with_location,
    with_description = excluded.with_description,
    with_posted_at = excluded.with_posted_at,
    with_url = excluded.with_url,
    taken_at = excluded.taken_at
  returning s.*
$$;

comment on function ops.take_snapshot(bigint, date) is
  'Pipeline RPC (service_role): writes the snapshot of source_id (null: every source) for snapshot_date (default: '
  'today in Europe/Berlin) and returns it. Idempotent: an upsert on (source_id, snapshot_date) that replaces the '
  'counts and taken_at. The open postings of the date are ops.snapshot_postings(source_id, snapshot_date). See the column comments of ops.snapshots for each count.';

revoke all on function ops.take_snapshot(bigint, date) from public, anon, authenticated;
grant execute on function ops.take_snapshot(bigint, date) to service_role;

-- ---------------------------------------------------------------------------
-- ops.snapshot_postings(source_id, snapshot_date): the list, derived
-- ---------------------------------------------------------------------------
create or replace function ops.snapshot_postings(source_id bigint, snapshot_date date)
returns table (id bigint, external_id text, title text, location text, url text) language sql stable security invoker set search_path = '' as $$
  -- the same rule as ops.snapshots.active_count: first seen on or before the date, not disappeared by its end
  select p.id, p.external_id, p.title, p.location, p.url
    from ops.postings p
   where p.source_id = snapshot_postings.source_id
     and p.first_seen_date <= snapshot_postings.snapshot_date
     and (p.active or p.inactive_since_date > snapshot_postings.snapshot_date)
   order by p.external_id
$$;

comment on function ops.snapshot_postings(bigint, date) is
  'The postings of source_id open at the end of snapshot_date (the active_count of its snapshot), ordered by '
  'external_id, derived from the postings'' first_seen_date, active and inactive_since_date instead of stored with '
  'every snapshot. Security invoker: a caller sees what RLS on ops.postings lets it read (viewers and the service role). '
  'Like the counts, a posting that was away and came back under the same external id counts as open in between.';

revoke all on function ops.snapshot_postings(bigint, date) from public, anon;
grant execute on function ops.snapshot_postings(bigint, date) to authenticated, service_role;
