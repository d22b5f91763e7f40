-- ===========================================================================
-- Daily error rollups, maintained incrementally from ops.error_hourly (which
-- ops.record_errors maintains): per Berlin date, source and category, and per
-- Berlin date and category with the number of sources affected. The daily
-- trend reads these (90 days x categories rows) instead of aggregating
-- hundreds of thousands of hourly rows. Like the run rollup, they keep their
-- history when old hourly rows are deleted by retention.
-- ===========================================================================

-- ---------------------------------------------------------------------------
-- Tables
-- ---------------------------------------------------------------------------
create table ops.error_daily (
  day date not null,
  source_id bigint references ops.sources (id) on delete cascade,
  category text not null references ops.error_categories (category),
  count bigint not null check (count >= 0),
  unique nulls not distinct (day, source_id, category)
);

comment on table ops.error_daily is
  'Error occurrences per Europe/Berlin date (of the hour''s start), source and category: the sum of ops.error_hourly.count.';

create index error_daily_source_idx on ops.error_daily (source_id, day);
create index error_daily_category_fk_idx on ops.error_daily (category);

create table ops.error_daily_category (
  day date not null,
  category text not null references ops.error_categories (category),
  occurrences bigint not null check (occurrences >= 0),
  sources_affected integer not null check (sources_affected >= 0),
  primary key (day, category)
);

comment on table ops.error_daily_category is
  'Error occurrences per Europe/Berlin date and category, and how many sources had at least one (errors without a source are counted in occurrences only).';

create index error_daily_category_category_idx on ops.error_daily_category (category, day);

call ops_private.viewers_read('ops.error_daily', 'ops.error_daily_category');

-- ---------------------------------------------------------------------------
-- ops_private.add_error_daily(day, source, category, delta)
-- ---------------------------------------------------------------------------
create or replace function ops_private.add_error_daily(p_day date, p_source_id bigint, p_category text, p_delta bigint)
returns void language plpgsql security definer set search_path = '' as $$
declare
  v_new boolean;
begin
  if p_delta = 0 then
    return;
  end if;
  insert into ops.error_daily as e (day, source_id, category, count)
  values (p_day, p_source_id, p_category, greatest(p_delta, 0))
  on conflict (day, source_id, category) do update set count = greatest(e.count + p_delta, 0)
  returning (xmax = 0) into v_new;

  insert into ops.error_daily_category as c (day, category, occurrences, sources_affected)
  values (p_day, p_category, greatest(p_delta, 0), case when v_new and p_source_id is not null then 1 else 0 end)
  on conflict (day, category) do update set
    occurrences = greatest(c.occurrences + p_delta, 0),
    sources_affected = c.sources_affected + case when v_new and p_source_id is not null then 1 else 0 end;
end
$$;

-- ---------------------------------------------------------------------------
-- Trigger on ops.error_hourly
-- ---------------------------------------------------------------------------
create or replace function ops_private.error_hourly_rollup_trigger()
returns trigger language plpgsql security definer set search_path = '' as $$
begin
  if tg_op = 'UPDATE' and (old.hour, old.source_id, old.category) is not distinct from (new.hour, new.source_id, new.category) then
    perform ops_private.add_error_daily((new.hour at time zone 'Europe/Berlin')::date, new.source_id, new.category,
                                        new.count::bigint - old.count);
  else
    if tg_op = 'UPDATE' then
      perform ops_private.add_error_daily((old.hour at time zone 'Europe/Berlin')::date, old.source_id, old.category, -old.count::bigint);
    end if;
    perform ops_private.add_error_daily((new.hour at time zone 'Europe/Berlin')::date, new.source_id, new.category, new.count);
  end if;
  return null;
end
$$;

create trigger error_hourly_rollup
  after insert or update on ops.error_hourly
  for each row
  execute function ops_private.error_hourly_rollup_trigger();

-- ---------------------------------------------------------------------------
-- ops_private.rebuild_error_daily(): set-based rebuild from ops.error_hourly
-- (bulk loads with the trigger disabled, repairs). Days that no longer have
-- hourly rows keep their rollup rows.
-- ---------------------------------------------------------------------------
create or replace function ops_private.rebuild_error_daily()
returns integer language plpgsql security definer set search_path = '' as $$
declare
  v_rows integer;
begin
  create temp table error_daily_rebuild on commit drop as
    select (h.hour at time zone 'Europe/Berlin')::date as day, h.source_id, h.category, sum(h.count)::bigint as count
    from ops.error_hourly h
    group by 1, 2, 3;

  delete from ops.error_daily e using (select distinct day from error_daily_rebuild) d where e.day = d.day;
  insert into ops.error_daily (day, source_id, category, count) select day, source_id, category, count from error_daily_rebuild;
  get diagnostics v_rows = row_count;

  delete from ops.error_daily_category c using (select distinct day from error_daily_rebuild) d where c.day = d.day;
  insert into ops.error_daily_category (day, category, occurrences, sources_affected)
  select day, category, sum(count), count(source_id) from error_daily_rebuild group by day, category;

  drop table error_daily_rebuild;
  return v_rows;
end
$$;

revoke all on function
  ops_private.add_error_daily(date, bigint, text, bigint),
  ops_private.error_hourly_rollup_trigger(),
  ops_private.rebuild_error_daily()
  from public, anon, authenticated;
grant execute on function ops_private.rebuild_error_daily() to service_role;
