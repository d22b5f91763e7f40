-- ===========================================================================
-- Extensions. Installed into the `extensions` schema (never `public`), except
-- pg_cron, which always lives in its own `cron` schema.
-- ===========================================================================

create extension if not exists pg_cron with schema pg_catalog;
create extension if not exists pg_trgm with schema extensions;

-- pg_net carries ops.dispatch's wake-ups on hosted Supabase, where the platform
-- offers it but does not enable it (docs "pg_net", guides/database/extensions/pg_net).
-- Where it is not offered (the local stack) dispatch uses pg_notify.
do $$
begin
  if exists (select 1 from pg_available_extensions where name = 'pg_net') then
    create extension if not exists pg_net with schema extensions;
  end if;
end
$$;
