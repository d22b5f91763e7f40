-- ===========================================================================
-- Logs: every line a worker reports, appended in batches by ops.append_logs.
-- No foreign key to jobs: append_logs checks the job once per batch instead of
-- once per line, and retention removes old lines in bounded batches.
-- ===========================================================================

create table ops.logs (
  id bigint generated always as identity primary key,
  job_id bigint not null,
  source_id bigint,
  ts timestamptz not null default ops_private.now(),
  level text not null check (level in ('DEBUG', 'INFO', 'SUCCESS', 'WARNING', 'ERROR', 'CRITICAL')),
  message text not null,
  context jsonb
);

comment on table ops.logs is 'Log lines of jobs, appended in batches; id orders lines and is the SSE event id.';

create index logs_job_idx on ops.logs (job_id, id);
create index logs_source_ts_idx on ops.logs (source_id, ts);
create index logs_ts_idx on ops.logs using brin (ts) with (pages_per_range = 32);
create index logs_problem_idx on ops.logs (level, ts) where level in ('WARNING', 'ERROR', 'CRITICAL');

call ops_private.viewers_read('ops.logs');
