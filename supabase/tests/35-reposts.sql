-- ===========================================================================
-- 35 ops.detect_reposts: title variants (pg_trgm similarity >= 0.7) with a
-- similar location after a disappearance within the window, the same URL under
-- a new id, what is NOT a repost, clusters keyed by the earliest posting,
-- idempotency and the incremental path
-- ===========================================================================
begin;
set search_path = extensions, public;
select plan(25);

-- a posting written directly (fixture); p_gone = inactive_since_date (null: active)
create function pg_temp.posting(p_key text, p_ext text, p_title text, p_location text, p_url text,
                                p_first date, p_last date, p_gone date) returns void language sql as $$
  insert into ops.postings (source_id, external_id, title, normalized_title, location, normalized_location, url,
                            url_key, content_hash, first_seen_date, last_seen_date, active, inactive_since,
                            inactive_since_date)
  select s.id, p_ext, p_title, ops_private.normalize_text(p_title), p_location,
         coalesce(ops_private.normalize_text(p_location), ''), p_url,
         nullif(rtrim(split_part(p_url, '#', 1), '/'), ''), md5(p_ext), p_first, p_last,
         p_gone is null, case when p_gone is not null then now() end, p_gone
    from ops.sources s where s.key = p_key
$$;
create function pg_temp.id(p_ext text) returns bigint language sql as $$
  select id from ops.postings where external_id = p_ext
$$;
create function pg_temp.parent(p_ext text) returns text language sql as $$
  select a.external_id from ops.postings b left join ops.postings a on a.id = b.repost_of where b.external_id = p_ext
$$;
create function pg_temp.cluster(p_ext text) returns text language sql as $$
  select c.external_id from ops.postings b left join ops.postings c on c.id = b.cluster_id where b.external_id = p_ext
$$;

insert into ops.sources (key, display_name, adapter) values ('acme', 'Acme', 'lever'), ('beta', 'Beta', 'lever');

--                       source  ext   title                             location           url                                   first         last          gone
-- a chain of title variants: de1 -> de2 -> de3 (gaps of 5 days)
select pg_temp.posting('acme', 'de1', 'Senior Data Engineer (m/w/d)', 'Berlin',          null, '2026-03-01', '2026-03-10', '2026-03-11');
select pg_temp.posting('acme', 'de2', 'Senior Data Engineer (w/m/d)', 'Berlin, Germany', null, '2026-03-15', '2026-03-20', '2026-03-21');
select pg_temp.posting('acme', 'de3', 'Senior Data-Engineer',         'Berlin',          null, '2026-03-25', '2026-03-30', null);
-- a title variant: "Sales Manager" -> "Sales Manager DACH" (similarity 0.74)
select pg_temp.posting('acme', 'sm1', 'Sales Manager',                'Munich',          null, '2026-03-01', '2026-03-04', '2026-03-05');
select pg_temp.posting('acme', 'sm2', 'Sales Manager DACH',           'Munich (Bavaria)', null, '2026-03-06', '2026-03-30', null);
-- similar but different jobs: "Product Manager" vs "Project Manager" (similarity 0.60)
select pg_temp.posting('acme', 'pm1', 'Product Manager',              'Hamburg',         null, '2026-03-01', '2026-03-05', '2026-03-06');
select pg_temp.posting('acme', 'pm2', 'Project Manager',              'Hamburg',         null, '2026-03-08', '2026-03-30', null);
-- outside the 30-day window: 50 days after the disappearance
select pg_temp.posting('acme', 'be1', 'Backend Engineer',             'Cologne',         null, '2026-01-01', '2026-01-10', '2026-01-11');
select pg_temp.posting('acme', 'be2', 'Backend Engineer',             'Cologne',         null, '2026-03-01', '2026-03-30', null);
-- the same title in another city is another job
select pg_temp.posting('acme', 'de-muc', 'Senior Data Engineer',      'Munich',          null, '2026-03-25', '2026-03-30', null);
-- the same title while the first one is still open: two openings, not a repost
select pg_temp.posting('acme', 'qa1', 'QA Engineer',                  'Leipzig',         null, '2026-03-01', '2026-03-30', null);
select pg_temp.posting('acme', 'qa2', 'QA Engineer',                  'Leipzig',         null, '2026-03-20', '2026-03-30', null);
-- the same URL under a new external id (trailing slash and fragment ignored), whatever the title
select pg_temp.posting('acme', 'url1', 'Account Executive',           'Berlin', 'https://acme.example/jobs/42',        '2026-03-02', '2026-03-30', null);
select pg_temp.posting('acme', 'url2', 'Key Account Manager',         'Berlin', 'https://acme.example/jobs/42/#apply', '2026-03-20', '2026-03-30', null);
-- another source never reposts acme's postings
select pg_temp.posting('beta', 'beta-de', 'Senior Data Engineer',     'Berlin',          null, '2026-03-12', '2026-03-30', null);

select is(ops.detect_reposts() - 'examined' - 'cluster_rows_changed',
  '{"links_changed": 4, "reposts": 4, "clusters": 3, "window_days": 30}',
  'four reposts in three clusters');
select is(pg_temp.parent('de2'), 'de1', 'title variant (m/w/d) -> (w/m/d), location "Berlin" ~ "Berlin, Germany"');
select is(pg_temp.parent('de3'), 'de2', 'the next variant reposts the latest disappeared one');
select is(pg_temp.parent('sm2'), 'sm1', '"Sales Manager" -> "Sales Manager DACH" (similarity 0.74 >= 0.7)');
select is(pg_temp.parent('url2'), 'url1', 'the same URL under a new external id');
select is(
  array[pg_temp.cluster('de1'), pg_temp.cluster('de2'), pg_temp.cluster('de3')],
  array['de1', 'de1', 'de1'], 'the chain is one cluster keyed by its earliest posting');
select is(array[pg_temp.cluster('url1'), pg_temp.cluster('url2')], array['url1', 'url1'], 'the URL cluster');
select is(pg_temp.parent('pm2'), null, '"Product Manager" vs "Project Manager" (0.60) is no repost');
select is(pg_temp.parent('be2'), null, 'a reappearance 50 days later is outside the 30-day window');
select is(pg_temp.parent('de-muc'), null, 'the same title in another city is no repost');
select is(pg_temp.parent('qa2'), null, 'the same title while the first is still open is no repost');
select is(pg_temp.parent('beta-de'), null, 'another source''s posting is no repost');
select is((select count(*)::int from ops.postings where cluster_id is null), 8,
  'postings without reposts have no cluster');

-- ---------------------------------------------------------------------------
-- Idempotent
-- ---------------------------------------------------------------------------
select is(ops.detect_reposts() - 'window_days',
  '{"examined": 0, "links_changed": 0, "cluster_rows_changed": 0, "reposts": 4, "clusters": 3}',
  'a second call finds nothing to do and changes nothing');

-- ---------------------------------------------------------------------------
-- Incremental: a disappearance confirmed after the repost appeared
-- (qa1 was last seen on 03-18, partial runs missed it, qa2 appeared on 03-20,
-- a complete run on 03-22 retires qa1): qa2 becomes a repost of qa1
-- ---------------------------------------------------------------------------
update ops.postings set last_seen_date = '2026-03-18', active = false, inactive_since = now(),
       inactive_since_date = '2026-03-22', repost_origin_pending = true
 where external_id = 'qa1';
select is((ops.detect_reposts() ->> 'links_changed')::int, 1, 'the late disappearance links one repost');
select is(pg_temp.parent('qa2'), 'qa1', 'qa2 reposts qa1 (2 days after its last sighting)');
select is(pg_temp.cluster('qa2'), 'qa1', 'and joins qa1''s cluster');

-- a new posting after the end of the chain joins the chain's cluster
update ops.postings set last_seen_date = '2026-03-31', active = false, inactive_since = now(),
       inactive_since_date = '2026-04-01', repost_origin_pending = true
 where external_id = 'de3';
select pg_temp.posting('acme', 'de4', 'Senior Data Engineer', 'Berlin', null, '2026-04-03', '2026-04-03', null);
select ops.detect_reposts((select id from ops.sources where key = 'acme'));
select is(array[pg_temp.parent('de4'), pg_temp.cluster('de4')], array['de3', 'de1'],
  'de4 reposts de3 and belongs to cluster de1');

-- a reposted posting that comes back under its own id breaks the title link
update ops.postings set last_seen_date = '2026-04-03', active = true, inactive_since = null,
       inactive_since_date = null, repost_origin_pending = true
 where external_id = 'sm1';
select ops.detect_reposts();
select is(array[pg_temp.parent('sm2'), pg_temp.cluster('sm2'), pg_temp.cluster('sm1')], array[null, null, null]::text[],
  'when sm1 is open again, sm2 is no repost of it and the cluster dissolves');

-- a disappearance confirmed later competes with the current parent: the most recently seen wins
select pg_temp.posting('beta', 'ux1', 'UX Designer', 'Berlin', null, '2026-03-01', '2026-03-05', '2026-03-06');
select pg_temp.posting('beta', 'ux2', 'UX Designer', 'Berlin', null, '2026-03-02', '2026-03-08', null);
select pg_temp.posting('beta', 'ux3', 'UX Designer', 'Berlin', null, '2026-03-10', '2026-03-30', null);
select ops.detect_reposts((select id from ops.sources where key = 'beta'));
select is(pg_temp.parent('ux3'), 'ux1', 'while ux2 is open, ux3 reposts ux1');
update ops.postings set active = false, inactive_since = now(), inactive_since_date = '2026-03-12',
       repost_origin_pending = true
 where external_id = 'ux2';
select ops.detect_reposts((select id from ops.sources where key = 'beta'));
select is(array[pg_temp.parent('ux3'), pg_temp.cluster('ux3'), pg_temp.cluster('ux2'), pg_temp.cluster('ux1')],
  array['ux2', 'ux2', 'ux2', null],
  'once ux2 is gone, ux3 reposts ux2 (seen more recently); the cluster moves to ux2 and ux1 leaves it');

-- ---------------------------------------------------------------------------
-- A wider window, re-examined in full
-- ---------------------------------------------------------------------------
select is((ops.detect_reposts(null, 60, true) ->> 'links_changed')::int, 1, 'with a 60-day window one more link');
select is(pg_temp.parent('be2'), 'be1', 'be2 (50 days later) is a repost within 60 days');
select is(ops.detect_reposts(null, 60) ->> 'links_changed', '0', 'and a repeat changes nothing');
select throws_ok($$select ops.detect_reposts(null, 0)$$, '22023', null, 'a window below one day is rejected');

select * from finish();
rollback;
