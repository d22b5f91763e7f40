-- ===========================================================================
-- Logs: every line a worker reports, appended in batches by ops.append_logs.
-- No foreign key to jobs: append_logs checks the job once per batch instead of
-- once per line, and retention removes old lines in bounded batches.
--
-- Gap-free reading: readers page a job's lines by `id > last seen` (SSE resume,
-- after_id). An id is drawn at insert but becomes visible at commit, so with two
-- writers on one job, id 11 can commit before id 10 and a reader would skip 10
-- for good. Every writer therefore takes ops_private.lock_job_log(job) before it
-- inserts: the lock is held to commit, so a job's ids are drawn in commit order
-- (the identity sequence has cache 1, so ids are global draw order), and a reader
-- that sees id N of a job also sees every smaller id of that job.
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

comment on table ops.logs is 'Log lines of jobs, appended in batches; id orders lines and is the SSE event id; within a job, ids are assigned in commit order (ops_private.lock_job_log).';

-- ---------------------------------------------------------------------------
-- ops_private.lock_job_log: serializes the log writers of one job until commit
-- ---------------------------------------------------------------------------
create or replace function ops_private.lock_job_log(p_job_id bigint)
returns void
language sql
volatile
set search_path = ''
as $$
  -- A transaction-level advisory lock, not the job's row lock: heartbeats and claims of the job go on
  -- while lines are appended. Two jobs whose ids share the low 31 bits merely share a lock.
  select pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('ops.logs'), (p_job_id & 2147483647)::integer)
$$;

comment on function ops_private.lock_job_log(bigint) is
  'Call before inserting log lines of a job: holds the job''s log lock to commit, so the job''s log ids are assigned in commit order and id > cursor paging is gap-free.';

revoke all on function ops_private.lock_job_log(bigint) from public;

create index logs_job_idx on ops.logs (job_id, id);
create index logs_source_ts_idx on ops.logs (source_id, ts);
create index logs_ts_idx on ops.logs using brin (ts) with (pages_per_range = 32);
create index logs_problem_idx on ops.logs (level, ts) where level in ('WARNING', 'ERROR', 'CRITICAL');

call ops_private.viewers_read('ops.logs');
