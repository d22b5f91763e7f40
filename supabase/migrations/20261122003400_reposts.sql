-- ===========================================================================
-- Repost detection: a company takes a posting down and puts the same job up
-- again under a new id. Links each repost to the posting it reposts
-- (ops.postings.repost_of) and groups linked postings into clusters
-- (ops.postings.cluster_id = the id of the cluster's earliest posting).
--
-- The rules (posting B reposts the earlier posting A, both of the same source):
--   title rule  A has disappeared (inactive), B was first seen 1..window_days
--               days after A was last seen, similarity(normalized titles)
--               >= 0.7 and the normalized locations are similar;
--   URL rule    A and B have the same url_key (URL without #fragment and
--               trailing slash), A is older (first seen earlier, or the same
--               day with a smaller id) and B was first seen at most
--               window_days days after A was last seen (A may still be open).
-- Locations are similar when equal (both empty included), or pg_trgm
-- similarity >= 0.5, or word_similarity >= 0.8 in either direction (one is a
-- word-wise part of the other: "berlin" ~ "berlin germany").
-- Why 0.7 for titles (pg_trgm's default 0.3 is far too loose): "sales manager"
-- vs "sales manager dach" 0.74 and "account executive" vs "senior account
-- executive" 0.72 are reposts; "product manager" vs "project manager" 0.60 and
-- "senior backend engineer" vs "senior frontend engineer" 0.58 are not.
--
-- When several A qualify, B's parent is the URL match first, then the A last
-- seen most recently, then the most similar title, then the larger id. Every
-- parent is older than its child, so links form trees; a cluster is a tree and
-- its id is the root's id, which is the earliest posting of the cluster.
--
-- Incremental and idempotent. Two flags say what changed since the last call:
-- repost_pending (a new posting, or its title/location/url changed: look for
-- the posting it reposts) and repost_origin_pending (it disappeared, came
-- back, or its title/location/url changed: look again at the postings that
-- may repost it). A call compares the repost_pending postings, and the
-- postings whose parent is origin-pending, with all their candidates; and the
-- origin-pending postings that disappeared with the postings that appeared
-- after them (these keep their current parent unless a better one shows up).
-- Nothing else can have changed. It clears the flags it examined in the same
-- statement, so a second call finds nothing to do and changes nothing.
-- full_scan => true re-examines every posting in scope (after a change of
-- window_days). The title similarity is computed only for pairs that pass
-- the date rule, the location only for pairs with similar titles, and only
-- the qualifying pairs are kept.
-- ===========================================================================

-- ---------------------------------------------------------------------------
-- ops_private.locations_similar(a, b): the location rule
-- ---------------------------------------------------------------------------
create or replace function ops_private.locations_similar(a text, b text)
returns boolean language sql immutable parallel safe set search_path = '' as $$
  select a = b
      or (a <> '' and b <> ''
          and (extensions.similarity(a, b) >= 0.5
               or extensions.word_similarity(a, b) >= 0.8
               or extensions.word_similarity(b, a) >= 0.8))
$$;

comment on function ops_private.locations_similar(text, text) is
  'Repost location rule over normalized locations: equal (both empty included), or pg_trgm similarity >= 0.5, or '
  'word_similarity >= 0.8 in either direction (one is a word-wise part of the other: "berlin" ~ "berlin germany", '
  '"frankfurt am main" ~ "frankfurt"; "berlin" vs "bern" 0.33/0.6 is not). One empty and one non-empty: not similar.';

revoke all on function ops_private.locations_similar(text, text) from public;

-- ---------------------------------------------------------------------------
-- ops.detect_reposts(source_id, window_days, full_scan)
-- ---------------------------------------------------------------------------
-- jit off: the planner's estimates over the whole postings table pass jit_above_cost, and compiling
-- took about a second of each nightly call at 2,000 sources, more than it saves for a statement run
-- once a night (PostgreSQL docs, "When to JIT?": for short queries the overhead is often higher)
create or replace function ops.detect_reposts(
  source_id bigint default null,
  window_days integer default 30,
  full_scan boolean default false)
returns jsonb language plpgsql security definer set search_path = '' set jit = off as $$
#variable_conflict use_column
declare
  c_title_threshold constant real := 0.7;
  v_source bigint := detect_reposts.source_id;
  v_window integer := detect_reposts.window_days;
  v_examined integer;
  v_changed integer;
  v_sources bigint[];
  v_min_date date;
  v_cluster_changes integer := 0;
  v_cluster_ids bigint[];
  v_cluster_roots bigint[];
  v_totals jsonb;
begin
  if v_window is null or v_window < 1 or v_window > 365 then
    raise exception using errcode = '22023', message = format('window_days must be between 1 and 365, got %s', v_window);
  end if;

  if detect_reposts.full_scan then
    update ops.postings p set repost_pending = true, repost_origin_pending = true
     where (v_source is null or p.source_id = v_source) and not (p.repost_pending and p.repost_origin_pending);
  end if;

  -- -------------------------------------------------------------------------
  -- 1. new parents for every posting that may have changed, in one statement
  --    (one snapshot: the flags cleared are exactly the flags examined)
  -- -------------------------------------------------------------------------
  with pend_b as (
    select p.id from ops.postings p
     where p.repost_pending and (v_source is null or p.source_id = v_source)
  ),
  pend_a as (
    select p.id from ops.postings p
     where p.repost_origin_pending and (v_source is null or p.source_id = v_source)
  ),
  -- re-examined in full: new/changed postings, and those whose parent changed
  recheck_ids as (
    select id from pend_b
    union
    select c.id from ops.postings c join pend_a on c.repost_of = pend_a.id
  ),
  recheck as (
    select p.id, p.source_id, p.first_seen_date, p.url_key, p.normalized_title, p.normalized_location
      from ops.postings p join recheck_ids using (id)
  ),
  -- title rule: every posting that disappeared 1..window days before B appeared
  title_hits as (
    select a.id as a_id, b.id as b_id, a.last_seen_date as a_last, false as url_match,
           extensions.similarity(a.normalized_title, b.normalized_title) as title_similarity
      from recheck b
      join ops.postings a
        on a.source_id = b.source_id
       and not a.active
       and a.inactive_since_date >= b.first_seen_date - v_window
       and b.first_seen_date - a.last_seen_date between 1 and v_window
     where extensions.similarity(a.normalized_title, b.normalized_title) >= c_title_threshold
       and ops_private.locations_similar(a.normalized_location, b.normalized_location)
  ),
  -- URL rule: the same url_key, A older, B within the window of A's last sighting
  url_hits as (
    select a.id as a_id, b.id as b_id, a.last_seen_date as a_last, true as url_match,
           extensions.similarity(a.normalized_title, b.normalized_title) as title_similarity
      from recheck b
      join ops.postings a
        on a.source_id = b.source_id
       and a.url_key = b.url_key
       and (a.first_seen_date, a.id) < (b.first_seen_date, b.id)
       and b.first_seen_date - a.last_seen_date <= v_window
  ),
  -- a posting that disappeared (or changed) against the postings that appeared after it
  origin_hits as (
    select a.id as a_id, b.id as b_id, a.last_seen_date as a_last, false as url_match,
           extensions.similarity(a.normalized_title, b.normalized_title) as title_similarity
      from pend_a
      join ops.postings a on a.id = pend_a.id and not a.active
      join ops.postings b
        on b.source_id = a.source_id
       and b.first_seen_date between a.last_seen_date + 1 and a.last_seen_date + v_window
     where not exists (select 1 from recheck_ids r where r.id = b.id)
       and extensions.similarity(a.normalized_title, b.normalized_title) >= c_title_threshold
       and ops_private.locations_similar(a.normalized_location, b.normalized_location)
  ),
  -- the current parents of those postings are still valid (neither side changed) and compete
  current_links as (
    select a.id as a_id, b.id as b_id, a.last_seen_date as a_last,
           coalesce(a.url_key = b.url_key and (a.first_seen_date, a.id) < (b.first_seen_date, b.id)
                    and b.first_seen_date - a.last_seen_date <= v_window, false) as url_match,
           extensions.similarity(a.normalized_title, b.normalized_title) as title_similarity
      from ops.postings b
      join ops.postings a on a.id = b.repost_of
     where b.id in (select o.b_id from origin_hits o)
  ),
  best as (
    select distinct on (b_id) b_id, a_id
      from (select * from title_hits union all select * from url_hits
            union all select * from origin_hits union all select * from current_links) hits
     order by b_id, url_match desc, a_last desc, title_similarity desc, a_id desc
  ),
  targets as (
    -- examined as a possible repost: gets its best parent (or none)
    select id, true as examined from recheck_ids
    union all
    -- met by a new possible original: gets its best parent (the current one competed)
    select distinct o.b_id, true from origin_hits o
    union all
    -- only examined as a possible original: keeps its parent, loses its flag
    select id, false from pend_a
     where id not in (select id from recheck_ids) and id not in (select o.b_id from origin_hits o)
  ),
  decided as (
    select t.id, cur.repost_of as old_parent,
           case when t.examined then best.a_id else cur.repost_of end as new_parent
      from targets t
      join ops.postings cur on cur.id = t.id
      left join best on best.b_id = t.id
  ),
  changed as (
    update ops.postings p
       set repost_of = d.new_parent,
           repost_pending = false,
           repost_origin_pending = false,
           updated_at = case when p.repost_of is distinct from d.new_parent then ops_private.now() else p.updated_at end
      from decided d
     where p.id = d.id
       and (p.repost_of is distinct from d.new_parent or p.repost_pending or p.repost_origin_pending)
    returning p.source_id, p.first_seen_date, d.old_parent is distinct from d.new_parent as link_changed
  )
  select (select count(*) from targets where examined),
         count(*) filter (where link_changed),
         array_agg(distinct source_id) filter (where link_changed),
         min(first_seen_date) filter (where link_changed)
    into v_examined, v_changed, v_sources, v_min_date
    from changed;

  -- -------------------------------------------------------------------------
  -- 2. clusters of the sources whose links changed: cluster_id = root id
  -- -------------------------------------------------------------------------
  if detect_reposts.full_scan then
    select array_agg(s.id) into v_sources
      from ops.sources s where v_source is null or s.id = v_source;
  end if;

  if v_sources is not null then
    -- every member of a tree with its root and its stored cluster id (carried along, so that finding the
    -- members to change joins no posting again)
    with recursive tree (id, root, cluster_id) as (
      select distinct par.id, par.id, par.cluster_id
        from ops.postings c
        join ops.postings par on par.id = c.repost_of
       where c.source_id = any (v_sources) and c.repost_of is not null and par.repost_of is null
      union all
      select c.id, t.root, c.cluster_id
        from tree t
        join ops.postings c on c.repost_of = t.id
    ),
    target as (
      select t.id, t.root
        from tree t
       where t.cluster_id is distinct from t.root
      union all
      select p.id, null
        from ops.postings p
       where p.source_id = any (v_sources) and p.cluster_id is not null
         and not exists (select 1 from tree t where t.id = p.id)
    )
    select array_agg(target.id), array_agg(target.root) into v_cluster_ids, v_cluster_roots from target;

    -- written from the arrays: the planner then knows how few rows change and updates them by primary
    -- key (estimated from the recursion, it hashed a scan of every posting: seconds at 1.8 M postings)
    update ops.postings p
       set cluster_id = t.root
      from unnest(v_cluster_ids, v_cluster_roots) as t (id, root)
     where p.id = t.id;
    get diagnostics v_cluster_changes = row_count;

    -- 3. keep the snapshots' repost counts of the changed dates current
    update ops.snapshots s
       set repost_count = c.reposts
      from (
        select s2.id,
               (select count(*) from ops.postings p
                 where p.source_id = s2.source_id and p.first_seen_date = s2.snapshot_date
                   and p.repost_of is not null)::integer as reposts
          from ops.snapshots s2
         where s2.source_id = any (v_sources)
           and (v_min_date is null or s2.snapshot_date >= v_min_date)
        -- counted once per snapshot (pulled up, the count was evaluated for the comparison and the SET each)
        offset 0
      ) c
     where s.id = c.id and s.repost_count <> c.reposts
       -- the same rows, named for the planner: read through the (source_id, snapshot_date) index instead
       -- of a scan of every snapshot
       and s.source_id = any (v_sources) and (v_min_date is null or s.snapshot_date >= v_min_date);
  end if;

  select jsonb_build_object(
           'reposts', count(*) filter (where p.repost_of is not null),
           'clusters', count(distinct p.cluster_id))
    into v_totals
    from ops.postings p
   where (v_source is null or p.source_id = v_source)
     and (p.repost_of is not null or p.cluster_id is not null);

  return jsonb_build_object(
    'examined', v_examined,
    'links_changed', v_changed,
    'cluster_rows_changed', v_cluster_changes,
    'window_days', v_window) || v_totals;
end
$$;

comment on function ops.detect_reposts(bigint, integer, boolean) is
  'Pipeline RPC (service_role): repost detection for source_id (null: all sources). B reposts the earlier posting A '
  'of the same source when (title rule) A disappeared, B was first seen 1..window_days days after A''s last sighting, '
  'pg_trgm similarity of the normalized titles >= 0.7 and the locations are similar (equal, similarity >= 0.5, or '
  'word_similarity >= 0.8 either way); or (URL rule) both have the same url_key, A is older and B appeared at most '
  'window_days after A''s last sighting. Sets repost_of (best parent: URL match, then most recently seen A, then most '
  'similar title, then larger id) and cluster_id (the id of the cluster''s earliest posting, on every member; null '
  'outside clusters), and refreshes ops.snapshots.repost_count of the dates it changed. Incremental and idempotent '
  '(see repost_pending, repost_origin_pending): a second call changes nothing. full_scan re-examines everything, e.g. after changing '
  'window_days. Returns {examined, links_changed, cluster_rows_changed, window_days, reposts, clusters}.';

revoke all on function ops.detect_reposts(bigint, integer, boolean) from public, anon, authenticated;
grant execute on function ops.detect_reposts(bigint, integer, boolean) to service_role;
