-- ===========================================================================
-- Extensions. Installed into the `extensions` schema (never `public`), except
-- pg_cron, which always lives in its own `cron` schema.
-- ===========================================================================

create extension if not exists pg_cron with schema pg_catalog;
create extension if not exists pg_trgm with schema extensions;
