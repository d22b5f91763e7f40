-- ===========================================================================
-- Jobs: every unit of work (pipeline, scrape, snapshot, lifespan, repost,
-- score, mirror, backfill, manual jobs) is a row here, claimed by workers with
-- FOR UPDATE SKIP LOCKED. Lineage: parent_id and root_id. Only SQL functions
-- write this table (see the job queue functions migration).
-- ===========================================================================

-- ---------------------------------------------------------------------------
-- ops.job_types: per-type policy
-- ---------------------------------------------------------------------------
create table ops.job_types (
  type text primary key check (type ~ '^[a-z][a-z0-9_]{0,39}$'),
  description text not null,
  -- exclusive: at most one pending or running job of this type (a second start is a 409)
  exclusive boolean not null default false,
  timeout_seconds integer not null default 3600 check (timeout_seconds between 1 and 86400),
  max_attempts integer not null default 3 check (max_attempts between 1 and 20),
  -- a running job whose heartbeat is older than this is considered lost
  lease_seconds integer not null default 60 check (lease_seconds between 5 and 3600),
  -- edge function that executes jobs of this type (woken from SQL when a job becomes
  -- runnable: 20261126100000_wake_workers_and_manual_starts.sql)
  worker_function text,
  -- at most this many workers are woken per transaction that makes jobs of this type runnable
  wake_fanout integer not null default 1 check (wake_fanout between 1 and 32)
);

comment on table ops.job_types is 'Policy per job type: exclusivity, timeout, attempts, lease, worker function and how many of its workers a wake-up starts.';

insert into ops.job_types (type, description, exclusive, timeout_seconds, max_attempts, lease_seconds, worker_function) values
  ('pipeline', 'Nightly pipeline run: parent of all phase jobs', true, 3600, 1, 120, 'pipeline'),
  ('scrape', 'Scrape one source', false, 900, 3, 60, 'scrape'),
  ('snapshot', 'Daily snapshot of one source', false, 300, 3, 60, 'pipeline'),
  ('lifespan', 'Posting lifespans', false, 300, 3, 60, 'pipeline'),
  ('repost', 'Repost detection', false, 600, 3, 60, 'pipeline'),
  ('score', 'Efficiency scores', false, 300, 3, 60, 'pipeline'),
  ('mirror', 'Export the daily summary to the BigQuery mirror', true, 600, 3, 60, 'mirror'),
  ('backfill', 'Re-run scrapes for a date range', true, 3600, 1, 120, 'pipeline'),
  ('external', 'A run reported by a scraper outside Supabase', false, 3600, 1, 300, null);

-- a pipeline's scrape jobs fan out to 4 workers (each claims until none is left): on 2 cores
-- more help little (scripts/bench/pipeline.ts)
update ops.job_types set wake_fanout = 4 where type = 'scrape';

-- ---------------------------------------------------------------------------
-- ops.jobs
-- ---------------------------------------------------------------------------
create table ops.jobs (
  id bigint generated always as identity primary key,
  type text not null references ops.job_types (type),
  params jsonb not null default '{}'::jsonb check (jsonb_typeof(params) = 'object'),
  status text not null default 'pending'
    check (status in ('pending', 'running', 'completed', 'partial', 'failed', 'cancelled', 'skipped')),
  priority integer not null default 0,
  run_after timestamptz not null default ops_private.now(),

  attempt integer not null default 0 check (attempt >= 0),
  max_attempts integer not null default 3 check (max_attempts >= 1),
  locked_by text,
  heartbeat_at timestamptz,
  lease_seconds integer not null default 60 check (lease_seconds > 0),
  timeout_at timestamptz,
  cancel_requested boolean not null default false,

  parent_id bigint references ops.jobs (id) on delete cascade,
  root_id bigint references ops.jobs (id) on delete cascade,
  source_id bigint references ops.sources (id) on delete set null,
  -- Europe/Berlin date of the nightly run this job belongs to
  run_date date,
  -- the exclusive-type guard: set to the type for exclusive types while pending or running
  singleton_key text,
  idempotency_key text unique,

  progress_done integer not null default 0 check (progress_done >= 0),
  progress_total integer check (progress_total >= 0),
  -- checkpoint of a long job that continues in a follow-up invocation
  cursor jsonb,
  result jsonb,
  error text,
  error_category text,

  created_by text,
  created_at timestamptz not null default ops_private.now(),
  started_at timestamptz,
  finished_at timestamptz,
  updated_at timestamptz not null default ops_private.now(),

  check ((status in ('completed', 'partial', 'failed', 'cancelled', 'skipped')) = (finished_at is not null))
);

comment on table ops.jobs is 'Every unit of work; a queue claimed with FOR UPDATE SKIP LOCKED. Written only by ops.* SQL functions.';
comment on column ops.jobs.root_id is 'The top of this job''s lineage (a pipeline run); null for a root job itself.';
comment on column ops.jobs.lease_seconds is 'Visibility timeout: a running job without a heartbeat for this long is re-queued or failed by the sweeper.';

-- claim order: runnable pending jobs by priority then age
create index jobs_claim_idx on ops.jobs (type, priority desc, run_after, id) where status = 'pending';
-- the sweeper: running jobs by heartbeat
create index jobs_running_idx on ops.jobs (heartbeat_at) where status = 'running';
create unique index jobs_singleton_idx on ops.jobs (singleton_key) where status in ('pending', 'running');
create index jobs_parent_idx on ops.jobs (parent_id);
create index jobs_root_idx on ops.jobs (root_id);
create index jobs_source_idx on ops.jobs (source_id, created_at desc);
-- jobs of a type by age; the included columns let the per-type statistics of the last 30 days
-- (ops.job_type_stats_v) read the index alone instead of the wide job rows (status, started_at,
-- finished_at and attempt are indexed elsewhere already, so this costs no HOT update)
create index jobs_type_created_idx on ops.jobs (type, created_at desc) include (status, started_at, finished_at, attempt, id);
create index jobs_finished_idx on ops.jobs (finished_at) where finished_at is not null;

-- ---------------------------------------------------------------------------
-- Row level security: viewers read; writes go through SQL functions
-- ---------------------------------------------------------------------------
call ops_private.viewers_read('ops.job_types', 'ops.jobs');
