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
-- Incremental and idempotent: postings carry repost_pending (set on insert,
-- deactivation, reactivation and title/location/url change). A call compares
-- the pending postings (and those whose parent is pending) with all their
-- candidates, and the pending disappeared postings with the postings that
-- appeared after them; nothing else can have changed. It then clears the flag,
-- so a second call finds nothing to do and changes nothing. full_scan => true
-- re-examines every posting in scope (after a change of window_days).
-- ===========================================================================

create or replace function ops.detect_reposts(
  source_id bigint default null,
  window_days integer default 30,
  full_scan boolean default false)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
#variable_conflict use_column
declare
  c_title_threshold constant real := 0.7;
  c_location_threshold constant real := 0.5;
  c_location_word_threshold constant real := 0.8;
  v_source bigint := detect_reposts.source_id;
  v_window integer := detect_reposts.window_days;
  v_examined integer;
  v_pairs integer;
  v_changed integer;
  v_sources bigint[];
  v_min_date date;
  v_cluster_changes integer := 0;
  v_totals jsonb;
begin
  if v_window is null or v_window < 1 or v_window > 365 then
    raise exception using errcode = '22023', message = format('window_days must be between 1 and 365, got %s', v_window);
  end if;

  if detect_reposts.full_scan then
    update ops.postings p set repost_pending = true
     where (v_source is null or p.source_id = v_source) and not p.repost_pending;
  end if;

  -- -------------------------------------------------------------------------
  -- 1. new parents for every posting that may have changed, in one statement
  -- -------------------------------------------------------------------------
  with pend as (
    select p.id, p.source_id
      from ops.postings p
     where p.repost_pending and (v_source is null or p.source_id = v_source)
  ),
  -- re-examined in full: pending postings and those whose parent is pending
  recheck_ids as (
    select id from pend
    union
    select c.id from ops.postings c join pend on c.repost_of = pend.id
  ),
  recheck as (
    select p.* from ops.postings p join recheck_ids using (id)
  ),
  pairs_recheck as (
    -- title rule candidates: disappeared before B appeared, within the window
    select a.id as a_id, b.id as b_id
      from recheck b
      join ops.postings a
        on a.source_id = b.source_id
       and not a.active
       and a.inactive_since_date >= b.first_seen_date - v_window
       and b.first_seen_date - a.last_seen_date between 1 and v_window
    union
    -- URL rule candidates
    select a.id, b.id
      from recheck b
      join ops.postings a
        on a.source_id = b.source_id
       and a.url_key = b.url_key
       and a.id <> b.id
     where b.url_key is not null
  ),
  -- disappeared pending postings against postings that appeared after them
  pairs_new_a as (
    select a.id as a_id, b.id as b_id
      from pend
      join ops.postings a on a.id = pend.id and not a.active
      join ops.postings b
        on b.source_id = a.source_id
       and b.first_seen_date between a.last_seen_date + 1 and a.last_seen_date + v_window
     where not exists (select 1 from recheck_ids r where r.id = b.id)
  ),
  -- their current links compete with the new candidates
  pairs_current as (
    select b.repost_of as a_id, b.id as b_id
      from ops.postings b
     where b.id in (select b_id from pairs_new_a) and b.repost_of is not null
  ),
  pairs as (
    select * from pairs_recheck
    union
    select * from pairs_new_a
    union
    select * from pairs_current
  ),
  judged as (
    select pr.a_id, pr.b_id, a.last_seen_date as a_last, q.url_match, q.title_similarity,
           q.url_match or (
             not a.active
             and b.first_seen_date - a.last_seen_date between 1 and v_window
             and q.title_similarity >= c_title_threshold
             and (a.normalized_location = b.normalized_location
                  or (a.normalized_location <> '' and b.normalized_location <> ''
                      and (extensions.similarity(a.normalized_location, b.normalized_location) >= c_location_threshold
                           or extensions.word_similarity(a.normalized_location, b.normalized_location) >= c_location_word_threshold
                           or extensions.word_similarity(b.normalized_location, a.normalized_location) >= c_location_word_threshold)))
           ) as qualifies
      from pairs pr
      join ops.postings a on a.id = pr.a_id
      join ops.postings b on b.id = pr.b_id
      cross join lateral (
        select coalesce(a.url_key = b.url_key
                        and (a.first_seen_date, a.id) < (b.first_seen_date, b.id)
                        and b.first_seen_date - a.last_seen_date <= v_window, false) as url_match,
               extensions.similarity(a.normalized_title, b.normalized_title) as title_similarity
      ) q
  ),
  best as (
    select distinct on (b_id) b_id, a_id
      from judged
     where qualifies
     order by b_id, url_match desc, a_last desc, title_similarity desc, a_id desc
  ),
  affected as (
    select id as b_id from recheck_ids
    union
    select b_id from pairs_new_a
  ),
  decided as (
    select af.b_id, cur.repost_of as old_parent, best.a_id as new_parent
      from affected af
      join ops.postings cur on cur.id = af.b_id
      left join best using (b_id)
  ),
  changed as (
    update ops.postings p
       set repost_of = d.new_parent,
           repost_pending = false,
           updated_at = case when p.repost_of is distinct from d.new_parent then now() else p.updated_at end
      from decided d
     where p.id = d.b_id
       and (p.repost_of is distinct from d.new_parent or p.repost_pending)
    returning p.source_id, p.first_seen_date, d.old_parent is distinct from d.new_parent as link_changed
  )
  select (select count(*) from affected),
         (select count(*) from pairs),
         count(*) filter (where link_changed),
         array_agg(distinct source_id) filter (where link_changed),
         min(first_seen_date) filter (where link_changed)
    into v_examined, v_pairs, v_changed, v_sources, v_min_date
    from changed;

  -- -------------------------------------------------------------------------
  -- 2. clusters of the sources whose links changed: cluster_id = root id
  -- -------------------------------------------------------------------------
  if detect_reposts.full_scan then
    select array_agg(s.id) into v_sources
      from ops.sources s where v_source is null or s.id = v_source;
  end if;

  if v_sources is not null then
    with recursive tree (id, root) as (
      select distinct par.id, par.id
        from ops.postings c
        join ops.postings par on par.id = c.repost_of
       where c.source_id = any (v_sources) and c.repost_of is not null and par.repost_of is null
      union all
      select c.id, t.root
        from tree t
        join ops.postings c on c.repost_of = t.id
    ),
    target as (
      select t.id, t.root
        from tree t join ops.postings p on p.id = t.id
       where p.cluster_id is distinct from t.root
      union all
      select p.id, null
        from ops.postings p
       where p.source_id = any (v_sources) and p.cluster_id is not null
         and not exists (select 1 from tree t where t.id = p.id)
    )
    update ops.postings p
       set cluster_id = target.root
      from target
     where p.id = target.id;
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
      ) c
     where s.id = c.id and s.repost_count <> c.reposts;
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
    'pairs_compared', v_pairs,
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
  '(see repost_pending): a second call changes nothing. full_scan re-examines everything, e.g. after changing '
  'window_days. Returns {examined, pairs_compared, links_changed, cluster_rows_changed, window_days, reposts, clusters}.';

revoke all on function ops.detect_reposts(bigint, integer, boolean) from public, anon, authenticated;
grant execute on function ops.detect_reposts(bigint, integer, boolean) to service_role;
