-- ===========================================================================
-- 82 data-quality monitoring: key-field shares per source and day against the
-- source's baseline, the field_drop problem reason and alert.
--
-- Source dq82 (created Nov 1), one completed run of 10 items a night Nov 1..6,
-- snapshots of 10 postings seen each day:
--   with_title 10 every day (share 1.0)
--   with_location 10 on Nov 1..5 (1.0), 0 on Nov 6   -> baseline 1.0, share 0: a drop (empty)
--   with_description 2 every day (0.2)                -> baseline 0.2 < 0.5: never monitored
--   with_posted_at 10 on Nov 1..5, 6 on Nov 6 (0.6)   -> 0.6 > 1.0 x 0.5: no drop
--   with_url 8 on Nov 1..5 (0.8), 4 on Nov 6 (0.4)    -> 0.4 <= 0.8 x 0.5 = 0.4: a drop (thinner)
-- Source dq82b: with_url 4 of 10 every day (0.4) and 0 on Nov 6: below the
-- monitored share 0.5, never a drop; with_location 10, 6 on Nov 6 (0.6 > 0.5): no drop.
-- Nov 1..3 have fewer than 3 baseline days: no judgement.
-- Clock Nov 6 09:00 Berlin.
-- ===========================================================================
begin;
set search_path = extensions, public;
select plan(9);

set local ops.now = '2026-11-06 09:00+01';

insert into ops.sources (key, display_name, adapter, created_at) values
  ('dq82', 'DQ', 'greenhouse', '2026-11-01 01:00+01'), ('dq82b', 'DQ b', 'greenhouse', '2026-11-01 01:00+01');

with j as (
  insert into ops.jobs (type, status, source_id, run_date, started_at, finished_at)
  select 'scrape', 'completed', s.id, d::date, (d::date + time '02:00') at time zone 'Europe/Berlin',
         (d::date + time '02:01') at time zone 'Europe/Berlin'
  from ops.sources s, generate_series('2026-11-01'::date, '2026-11-06', '1 day') d
  where s.key in ('dq82', 'dq82b')
  returning id, source_id, run_date, started_at, finished_at
)
insert into ops.scrape_runs (job_id, source_id, run_date, status, items_found, requests, started_at, finished_at)
select id, source_id, run_date, 'completed', 10, 5, started_at, finished_at from j;

insert into ops.snapshots (source_id, snapshot_date, posting_count, new_count, active_count, disappeared_count,
                           repost_count, with_title, with_location, with_description, with_posted_at, with_url)
select s.id, d::date, 10, 0, 10, 0, 0, 10,
       case when d::date < '2026-11-06' then 10 when s.key = 'dq82' then 0 else 6 end,
       2, case when d::date < '2026-11-06' then 10 else 6 end,
       case when s.key = 'dq82b' and d::date < '2026-11-06' then 4 when s.key = 'dq82b' then 0
            when d::date < '2026-11-06' then 8 else 4 end
from ops.sources s, generate_series('2026-11-01'::date, '2026-11-06', '1 day') d
where s.key in ('dq82', 'dq82b');

select results_eq(
  $$select field, round(share::numeric, 2), round(baseline_share::numeric, 2), baseline_days, is_drop
      from ops.data_quality_v where source_key = 'dq82' and run_date = '2026-11-06' order by field$$,
  $$values ('description', 0.20, 0.20, 5, false),
           ('location', 0.00, 1.00, 5, true),
           ('posted_at', 0.60, 1.00, 5, false),
           ('title', 1.00, 1.00, 5, false),
           ('url', 0.40, 0.80, 5, true)$$,
  'Nov 6: location (empty) and url (halved) dropped; description is below the monitored share; posted_at only fell to 0.6');

select results_eq(
  $$select field, round(share::numeric, 2), round(baseline_share::numeric, 2), is_drop
      from ops.data_quality_v where source_key = 'dq82b' and run_date = '2026-11-06' order by field$$,
  $$values ('description', 0.20, 0.20, false), ('location', 0.60, 1.00, false), ('posted_at', 0.60, 1.00, false),
           ('title', 1.00, 1.00, false), ('url', 0.00, 0.40, false)$$,
  'dq82b: a field below the monitored share (url 0.4) never alarms; location fell only to 0.6');

select is(
  (select count(*)::int from ops.data_quality_v where source_key = 'dq82' and run_date <= '2026-11-03' and baseline_share is not null),
  0, 'fewer than 3 baseline days: no baseline, no judgement');

select results_eq(
  $$select final_status, problem_reasons, dq_fields, root_cause_category
      from ops.daily_summary_v where company_key = 'dq82' and run_date = '2026-11-06'$$,
  $$values ('partial', array['field_drop'], array['location', 'url'], 'field_drop')$$,
  'the day is partial with reason field_drop naming the fields; it is its own root cause');

select is(
  (select count(*)::int from ops.daily_summary_v where company_key = 'dq82' and run_date < '2026-11-06' and final_status <> 'success'),
  0, 'the days before stay successful');

select results_eq(
  $$select alert_id, severity, message from ops.alerts_v where rule = 'field_drop' and source_key = 'dq82'$$,
  $$values ('field_drop:dq82:2026-11-06', 'high',
            'dq82: key fields came back empty on 2026-11-06: location 0% of 10 postings (baseline 100%), url 40% of 10 postings (baseline 80%)')$$,
  'the field_drop alert says which fields and how far they fell');

select is(
  jsonb_path_query_first(ops.digest('2026-11-06'), '$.problems[*] ? (@.company_key == "dq82")') -> 'suggested_action' ->> 'key'
    || ' ' || (jsonb_path_query_first(ops.digest('2026-11-06'), '$.problems[*] ? (@.company_key == "dq82")') ->> 'fields_dropped'),
  'field_drop ["location", "url"]', 'the digest names the dropped fields and suggests the field_drop playbook entry');

-- ops.take_snapshot counts the fields of the postings seen on the date
insert into ops.sources (key, display_name, adapter, created_at) values ('dq82c', 'DQ c', 'lever', '2026-11-01 01:00+01');
insert into ops.postings (source_id, external_id, title, normalized_title, location, locations, description, posted_at,
                          url, url_key, content_hash, first_seen_date, last_seen_date)
select s.id, v.ext, 'Engineer', 'engineer', v.loc, v.locs::jsonb, v.descr, v.posted::timestamptz, v.url,
       nullif(rtrim(split_part(v.url, '#', 1), '/'), ''), md5(v.ext),
       '2026-11-05', '2026-11-06'
from ops.sources s,
     (values ('a', 'Berlin', '[{"name": "Berlin", "city": "Berlin", "region": null, "country": "DE"}]', 'Build things', null, null),
             ('b', 'Hamburg', '[{"name": "Hamburg", "city": "Hamburg", "region": null, "country": "DE"}]', ' ', '2026-11-01', 'https://example.org/b'),
             ('c', null, '[]', null, null, null)) v (ext, loc, locs, descr, posted, url)
where s.key = 'dq82c';
select results_eq(
  $$select posting_count, with_title, with_location, with_description, with_posted_at, with_url
      from ops.take_snapshot((select id from ops.sources where key = 'dq82c'), '2026-11-06')$$,
  $$values (3, 3, 2, 1, 1, 1)$$,
  'take_snapshot: 3 postings seen: all with a title, 2 with a location, 1 with a description (a blank one does not count), 1 with a posting date, 1 with a url');

-- the fields come back on Nov 7: the day is successful again
set local ops.now = '2026-11-07 09:00+01';
with j as (
  insert into ops.jobs (type, status, source_id, run_date, started_at, finished_at)
  select 'scrape', 'completed', id, '2026-11-07', '2026-11-07 02:00+01', '2026-11-07 02:01+01' from ops.sources where key = 'dq82'
  returning id, source_id, run_date, started_at, finished_at
)
insert into ops.scrape_runs (job_id, source_id, run_date, status, items_found, requests, started_at, finished_at)
select id, source_id, run_date, 'completed', 10, 5, started_at, finished_at from j;
insert into ops.snapshots (source_id, snapshot_date, posting_count, new_count, active_count, disappeared_count,
                           repost_count, with_title, with_location, with_description, with_posted_at, with_url)
select id, '2026-11-07', 10, 0, 10, 0, 0, 10, 10, 2, 10, 8 from ops.sources where key = 'dq82';
select results_eq(
  $$select final_status, change_vs_yesterday from ops.daily_summary_v where company_key = 'dq82' and run_date = '2026-11-07'$$,
  $$values ('success', 'recovered')$$,
  'Nov 7: the fields are back, the source recovered');

select * from finish();
rollback;
