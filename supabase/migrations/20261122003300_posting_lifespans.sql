-- ===========================================================================
-- Posting lifespans: days between the first and the last sighting.
--
-- A view, not a stored column filled by a nightly function. The lifespan is a
-- pure function of three columns of the posting and of today's date; storing
-- it would mean rewriting every open posting every night (its lifespan grows
-- by one each day: 20,000 row updates, index and WAL traffic for 200 sources x
-- 100 postings) and it would be stale between runs. The view computes it on
-- read from the row (a subtraction per row, no join), is always current, and
-- is as fast as reading ops.postings itself. The pipeline's lifespan phase
-- therefore stores nothing; ops.compute_scores evaluates the same rule as of
-- its score date, and snapshots keep the daily history.
-- ===========================================================================

create or replace view ops.posting_lifespans_v
with (security_invoker = true)
as
select p.id as posting_id,
       p.source_id,
       p.external_id,
       p.title,
       p.first_seen_date,
       p.last_seen_date,
       p.active,
       p.inactive_since_date,
       case
         when p.active then greatest((select ops_private.berlin_today()), p.last_seen_date)
         else p.last_seen_date
       end as lifespan_end_date,
       case
         when p.active then greatest((select ops_private.berlin_today()), p.last_seen_date)
         else p.last_seen_date
       end - p.first_seen_date as lifespan_days,
       p.cluster_id,
       p.repost_of
  from ops.postings p;

comment on view ops.posting_lifespans_v is
  'Lifespan of every posting in whole days: for a posting that disappeared, last_seen_date - first_seen_date; for an '
  'open (active) posting, today (Europe/Berlin) - first_seen_date (it is still alive today). A posting seen on one '
  'night only has lifespan 0. Dates are the run dates, so backfilled nights count correctly. security_invoker: '
  'readers see what the RLS of ops.postings lets them see (viewers and operators).';
comment on column ops.posting_lifespans_v.lifespan_days is
  'Days from first sighting to last sighting (disappeared postings) or to today (open postings).';

revoke all on ops.posting_lifespans_v from public, anon, authenticated, service_role;
grant select on ops.posting_lifespans_v to authenticated, service_role;
