-- ===========================================================================
-- Sources: the companies, portals and job boards that are scraped.
-- ===========================================================================

create table ops.sources (
  id bigint generated always as identity primary key,
  key text not null unique check (key ~ '^[a-z0-9][a-z0-9_.-]{0,62}$'),
  display_name text not null check (length(display_name) between 1 and 200),
  adapter text not null,
  adapter_config jsonb not null default '{}'::jsonb check (jsonb_typeof(adapter_config) = 'object'),
  active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

comment on table ops.sources is 'Companies, portals and job boards that are scraped; one adapter each.';

-- ---------------------------------------------------------------------------
-- Row level security
-- ---------------------------------------------------------------------------
alter table ops.sources enable row level security;

revoke all on ops.sources from public, anon, authenticated, service_role;
grant select on ops.sources to authenticated;
grant select, insert, update, delete on ops.sources to service_role;

create policy sources_read on ops.sources
  for select to authenticated
  using ((select ops_private.is_viewer()));
