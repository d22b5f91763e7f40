-- ===========================================================================
-- 02 one clock: every function, view and default of the project reads the time
-- from ops_private.now(), so `set local ops.now` freezes the whole system.
-- A body that calls now() (or another clock of its own) fails this file.
-- ===========================================================================
begin;
set search_path = extensions, public;
select plan(9);

-- what a clock of its own looks like in SQL text (deparsed views and defaults included),
-- once the one clock's own calls are taken out
create function pg_temp.own(src text) returns text language sql as
  $$select regexp_replace(lower(coalesce(src, '')), 'ops_private\.now\s*\(', 'ops_private.clock(', 'g')$$;
create temporary table own_clock (pattern text) on commit drop;
insert into own_clock values
  ('(^|[^a-z0-9_])now\s*\('), ('current_timestamp'), ('clock_timestamp'), ('statement_timestamp'),
  ('transaction_timestamp'), ('localtimestamp'), ('current_date'), ('current_time'),
  ('current_setting\(''(ops|scrape_ops)\.now');

select is(
  (select coalesce(string_agg(distinct p.oid::regprocedure::text, ', '), '')
     from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname in ('ops', 'ops_private', 'reporting')
      and p.oid <> 'ops_private.now()'::regprocedure
      and exists (select 1 from own_clock c
                   where pg_temp.own(p.prosrc) ~ c.pattern
                      or pg_temp.own(pg_get_expr(p.proargdefaults, 0)) ~ c.pattern)),
  '', 'no function body or argument default reads a clock other than ops_private.now()');

select is(
  (select coalesce(string_agg(distinct c.oid::regclass::text, ', '), '')
     from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname in ('ops', 'ops_private', 'reporting') and c.relkind in ('v', 'm')
      and exists (select 1 from own_clock o where pg_temp.own(pg_get_viewdef(c.oid)) ~ o.pattern)),
  '', 'no view reads a clock other than ops_private.now()');

select is(
  (select coalesce(string_agg(distinct d.adrelid::regclass::text || '.' || a.attname, ', '), '')
     from pg_attrdef d
     join pg_attribute a on a.attrelid = d.adrelid and a.attnum = d.adnum
     join pg_class c on c.oid = d.adrelid join pg_namespace n on n.oid = c.relnamespace
    where n.nspname in ('ops', 'ops_private', 'reporting')
      and exists (select 1 from own_clock o where pg_temp.own(pg_get_expr(d.adbin, d.adrelid)) ~ o.pattern)),
  '', 'no column default reads a clock other than ops_private.now()');

-- the check itself catches a direct now(): a function written against the rule
create function ops_private.tap_bad_clock() returns timestamptz language sql set search_path = '' as
  $$select pg_catalog.now()$$;
select is(
  (select count(*)::int from pg_proc p, own_clock c
    where p.oid = 'ops_private.tap_bad_clock()'::regprocedure and pg_temp.own(p.prosrc) ~ c.pattern),
  1, 'a body calling now() is caught by the check');
drop function ops_private.tap_bad_clock();

-- frozen: the clock, the Berlin calendar, a view, a column default and a write function
set local ops.now = '2030-03-11 23:30:00+00'; -- 00:30 CET on the 12th
select is(ops_private.now(), '2030-03-11 23:30:00+00'::timestamptz, 'ops_private.now() is the frozen time');
select is(ops_private.berlin_today(), '2030-03-12'::date, 'today is the Berlin date of the frozen time');
insert into ops.sources (key, display_name, adapter) values ('tap-clock', 'Clock GmbH', 'greenhouse');
select is((select string_agg(run_date || ' ' || final_status, ', ') from reporting.daily_summary_looker_v
            where company_key = 'tap-clock'),
  '2030-03-12 no_data', 'the Looker view''s days end on the frozen Berlin date');
select is((select created_at from ops.sources where key = 'tap-clock'), '2030-03-11 23:30:00+00'::timestamptz,
  'a column default is the frozen time');
select is((select created_at from ops.enqueue('scrape', '{}', (select id from ops.sources where key = 'tap-clock'))),
  '2030-03-11 23:30:00+00'::timestamptz, 'a write function stamps the frozen time');

select * from finish();
rollback;
