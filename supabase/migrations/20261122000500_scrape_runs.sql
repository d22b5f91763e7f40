-- ===========================================================================
-- Scrape runs: the typed metrics of one scrape job. Counters add up across the
-- invocations of a checkpointed job. Written only by ops.* SQL functions.
-- ===========================================================================

create table ops.scrape_runs (
  job_id bigint primary key references ops.jobs (id) on delete cascade,
  source_id bigint not null references ops.sources (id) on delete cascade,
  -- Europe/Berlin date of the nightly run (a 01:30 UTC run in winter is still that night's date)
  run_date date not null,
  status text not null default 'running'
    check (status in ('running', 'completed', 'partial', 'failed', 'cancelled', 'skipped')),

  links_checked integer not null default 0 check (links_checked >= 0),
  links_ok integer not null default 0 check (links_ok >= 0),
  links_failed integer not null default 0 check (links_failed >= 0),
  items_found integer not null default 0 check (items_found >= 0),
  items_new integer not null default 0 check (items_new >= 0),
  items_updated integer not null default 0 check (items_updated >= 0),
  items_rejected integer not null default 0 check (items_rejected >= 0),
  requests integer not null default 0 check (requests >= 0),
  http_failures integer not null default 0 check (http_failures >= 0),
  blocked_403 integer not null default 0 check (blocked_403 >= 0),
  blocked_429 integer not null default 0 check (blocked_429 >= 0),
  timeouts integer not null default 0 check (timeouts >= 0),
  captchas integer not null default 0 check (captchas >= 0),
  -- sum of request durations, so that the average stays exact across invocations
  request_time_ms_total numeric(14, 1) not null default 0 check (request_time_ms_total >= 0),
  avg_request_ms numeric(10, 1) generated always as
    (case when requests > 0 then round(request_time_ms_total / requests, 1) end) stored,
  execution_time_sec numeric(10, 3) not null default 0 check (execution_time_sec >= 0),
  breaker_triggered boolean not null default false,
  breaker_trips integer not null default 0 check (breaker_trips >= 0),
  portal_stats jsonb not null default '{}'::jsonb check (jsonb_typeof(portal_stats) = 'object'),

  started_at timestamptz not null default ops_private.now(),
  finished_at timestamptz
);

comment on table ops.scrape_runs is 'Typed metrics of one scrape job; counters add up across checkpointed invocations.';
comment on column ops.scrape_runs.http_failures is 'Requests that failed for any reason (non-2xx after retries, timeouts, connection errors), blocks included.';

create index scrape_runs_source_date_idx on ops.scrape_runs (source_id, run_date);
create index scrape_runs_date_idx on ops.scrape_runs (run_date);
-- the last 24 hours of runs (ops.scrape_last_24h_v)
create index scrape_runs_started_idx on ops.scrape_runs (started_at);

call ops_private.viewers_read('ops.scrape_runs');
