-- ===========================================================================
-- Audit log: every control action (who, what, before, after, when).
-- Append-only: written by ops.* control functions, never updated or deleted.
-- ===========================================================================

create table ops.audit_log (
  id bigint generated always as identity primary key,
  at timestamptz not null default ops_private.now(),
  actor text not null,
  actor_role text not null,
  action text not null,
  target text,
  before jsonb,
  after jsonb
);

create index audit_log_at_idx on ops.audit_log (at desc);

call ops_private.viewers_read('ops.audit_log');
