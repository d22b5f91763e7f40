-- ===========================================================================
-- Data-quality monitoring: "the scraper runs but locations came back empty".
--
-- Per source and Berlin date, the share of the postings seen that day (the
-- daily snapshot's posting_count) that carry each key field: title, location
-- (at least one), description, posted_at (the source's publication date), url
-- (ops.snapshots.with_*). ops.data_quality_v compares each share with the
-- source's baseline:
--   baseline_share  the mean share over the previous 14 dates (date - 14 ..
--                   date - 1) whose snapshot saw at least one posting; NULL
--                   with fewer than drop_min_baseline_days (3) such dates;
--   is_drop         baseline_share >= dq_min_baseline_share [0.5] (a field the
--                   source rarely fills never alarms) and share <= baseline_share
--                   * (1 - dq_drop_threshold [0.5]) (it halved or worse).
-- A drop is a problem: the snapshot trigger writes the dropped fields into
-- ops.daily_source_stats.dq_fields, which makes the day partial with reason
-- field_drop (a completed or partial best run), and ops.alerts_v raises
-- field_drop. Days without a snapshot or without postings are not judged.
-- ===========================================================================

insert into ops.settings (key, value, description) values
  ('dq_min_baseline_share', '0.5', 'A key field is monitored for a source only when its baseline share of postings is at least this.'),
  ('dq_drop_threshold', '0.5', 'A key field''s share dropped when it is at most baseline x (1 - this): halved by default.')
on conflict (key) do nothing;

-- ---------------------------------------------------------------------------
-- ops.data_quality_v: one row per source, snapshot date and key field
-- ---------------------------------------------------------------------------
create or replace view ops.data_quality_v
with (security_invoker = true)
as
select
  s.source_id,
  src.key as source_key,
  s.snapshot_date as run_date,
  f.field,
  s.posting_count,
  f.with_field,
  f.with_field::double precision / s.posting_count as share,
  b.baseline_share,
  b.baseline_days,
  (b.baseline_share >= ops_private.setting_numeric('dq_min_baseline_share', 0.5)
    and f.with_field::double precision / s.posting_count
        <= b.baseline_share * (1 - ops_private.setting_numeric('dq_drop_threshold', 0.5))) is true as is_drop
from ops.snapshots s
join ops.sources src on src.id = s.source_id
cross join lateral (values
  ('title', s.with_title), ('location', s.with_location), ('description', s.with_description),
  ('posted_at', s.with_posted_at), ('url', s.with_url)) f (field, with_field)
cross join lateral (
  select
    case when count(*) >= ops_private.setting_numeric('drop_min_baseline_days', 3) then avg(x.share) end as baseline_share,
    count(*)::integer as baseline_days
  from (
    select (case f.field when 'title' then p.with_title when 'location' then p.with_location
                         when 'description' then p.with_description when 'posted_at' then p.with_posted_at
                         else p.with_url end)::double precision / p.posting_count as share
    from ops.snapshots p
    where p.source_id = s.source_id and p.snapshot_date between s.snapshot_date - 14 and s.snapshot_date - 1
      and p.posting_count > 0
  ) x
) b
where s.posting_count > 0;

comment on view ops.data_quality_v is
$$Per source, date and key field (title, location, description, posted_at, url): share = postings seen that day with the field / postings seen (ops.snapshots); baseline_share = mean share of the previous 14 dates with postings (NULL below drop_min_baseline_days); is_drop when baseline_share >= dq_min_baseline_share (0.5) and share <= baseline_share * (1 - dq_drop_threshold (0.5)).$$;

revoke all on ops.data_quality_v from public, anon, authenticated, service_role;
grant select on ops.data_quality_v to authenticated, service_role;

-- ---------------------------------------------------------------------------
-- Trigger: a snapshot written -> the day's dropped fields into the rollup,
-- then the day's status and reasons recomputed
-- ---------------------------------------------------------------------------
create or replace function ops_private.snapshots_quality_trigger()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  update ops.daily_source_stats d
     set dq_fields = coalesce((select array_agg(q.field order by q.field) from ops.data_quality_v q
                                where q.source_id = new.source_id and q.run_date = new.snapshot_date and q.is_drop), '{}')
   where d.source_id = new.source_id and d.run_date = new.snapshot_date;
  if found then
    perform ops_private.recompute_daily_source_derived(new.source_id, new.snapshot_date, new.snapshot_date);
  end if;
  return null;
end
$$;

revoke all on function ops_private.snapshots_quality_trigger() from public, anon, authenticated, service_role;

create trigger snapshots_quality
  after insert or update on ops.snapshots
  for each row execute function ops_private.snapshots_quality_trigger();
