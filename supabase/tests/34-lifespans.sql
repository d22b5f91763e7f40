-- ===========================================================================
-- 34 ops.posting_lifespans_v: last seen minus first seen for postings that
-- disappeared, today (Europe/Berlin) minus first seen for open ones
-- ===========================================================================
begin;
set search_path = extensions, public;
select plan(8);

-- a posting written directly (fixture): dates relative to today in Berlin
create function pg_temp.posting(p_ext text, p_first int, p_last int, p_inactive int) returns void language sql as $$
  insert into ops.postings (source_id, external_id, title, normalized_title, content_hash, first_seen_date,
                            last_seen_date, active, inactive_since, inactive_since_date)
  select s.id, p_ext, p_ext, p_ext, md5(p_ext), t - p_first, t - p_last, p_inactive is null,
         case when p_inactive is not null then now() end, t - p_inactive
    from ops.sources s, (select (now() at time zone 'Europe/Berlin')::date as t) today
   where s.key = 'acme'
$$;
create function pg_temp.lifespan(p_ext text) returns int language sql as $$
  select lifespan_days from ops.posting_lifespans_v where external_id = p_ext
$$;

insert into ops.sources (key, display_name, adapter) values ('acme', 'Acme', 'lever');
--                      first  last  disappeared (days ago)
select pg_temp.posting('gone', 10, 3, 2);        -- disappeared: 10 - 3 = 7
select pg_temp.posting('open', 5, 0, null);      -- open, seen today: 5
select pg_temp.posting('missed', 4, 1, null);    -- open, missed by today's partial run: still alive today, 4
select pg_temp.posting('today', 0, 0, null);     -- new today: 0
select pg_temp.posting('one-night', 8, 8, 7);    -- seen one night only: 0

select is(pg_temp.lifespan('gone'), 7, 'a disappeared posting: last seen minus first seen');
select is(pg_temp.lifespan('open'), 5, 'an open posting: today minus first seen');
select is(pg_temp.lifespan('missed'), 4, 'an open posting missed by a partial run still counts up to today');
select is(pg_temp.lifespan('today'), 0, 'first seen today: 0 days');
select is(pg_temp.lifespan('one-night'), 0, 'seen on one night only: 0 days');
select is((select lifespan_end_date from ops.posting_lifespans_v where external_id = 'missed'),
  (now() at time zone 'Europe/Berlin')::date, 'an open posting''s lifespan ends today (Berlin)');
select is((select count(*)::int from ops.posting_lifespans_v), 5, 'every posting has a lifespan');

select tests.as_viewer();
select is((select sum(lifespan_days)::int from ops.posting_lifespans_v), 16, 'a viewer reads the lifespans (7+5+4+0+0)');

select * from finish();
rollback;
