-- ===========================================================================
-- Notifications: where the morning answer and new alerts go, and what was
-- sent. The planning, claiming and recording functions are in the
-- notifications migration; the alert on failing channels is in ops.alerts_v.
--
-- ops.notification_channels (edit in Studio; operators, audited)
--   kind        slack (incoming webhook), webhook (generic JSON POST), email
--               (an HTTP e-mail API: POST {from, to, subject, text} with a
--               Bearer key, the shape Resend, Postmark-like APIs take)
--   secret_name the NAME of a Vault secret or environment variable that holds
--               the webhook URL (slack, webhook) or the API key (email). The
--               secret itself is never stored in a row or written to a log.
--   endpoint_url  email: the API's URL (not a secret)
--   recipients, sender  email only
--   owners, tags  routing: a channel gets the companies whose source owner is
--               in owners or that carry one of tags; both null = everything
--   sends_digest      the daily digest (once per Berlin date)
--   min_alert_severity  alerts at least this severe go out during the day
--               (null = no alerts)
-- ops.notification_deliveries: one row per message, idempotent by key
--   digest:<channel>:<date>  and  alert:<channel>:<alert_id>:<seq>; payload is
--   the digest or alert JSON as planned, so a retry sends the same message.
-- ===========================================================================

create table ops.notification_channels (
  id bigint generated always as identity primary key,
  name text not null unique check (name ~ '^[a-z0-9][a-z0-9_.-]{0,62}$'),
  kind text not null check (kind in ('slack', 'webhook', 'email')),
  secret_name text not null check (secret_name ~ '^[A-Za-z_][A-Za-z0-9_]{0,99}$'),
  endpoint_url text check (endpoint_url ~ '^https?://'),
  recipients text[] not null default '{}',
  sender text,
  owners text[],
  tags text[],
  sends_digest boolean not null default true,
  min_alert_severity text default 'critical' check (min_alert_severity in ('low', 'medium', 'high', 'critical')),
  active boolean not null default true,
  created_at timestamptz not null default ops_private.now(),
  updated_at timestamptz not null default ops_private.now(),
  check (kind <> 'email' or (endpoint_url is not null and cardinality(recipients) > 0 and sender is not null))
);

comment on table ops.notification_channels is
  'Where digests and alerts go (Slack webhook, JSON webhook, HTTP e-mail API). secret_name names a Vault secret or env var; the secret is never stored here.';
comment on column ops.notification_channels.secret_name is
  'Name of the Vault secret (vault.decrypted_secrets.name) or environment variable holding the webhook URL or the e-mail API key.';

create table ops.notification_deliveries (
  id bigint generated always as identity primary key,
  channel_id bigint not null references ops.notification_channels (id) on delete cascade,
  kind text not null check (kind in ('digest', 'alert')),
  digest_date date,
  alert_id text,
  notify_seq integer not null default 1 check (notify_seq >= 1),
  severity_rank integer,
  idempotency_key text not null unique,
  payload jsonb not null,
  status text not null default 'pending' check (status in ('pending', 'sending', 'sent', 'failed')),
  attempts integer not null default 0 check (attempts >= 0),
  max_attempts integer not null default 6 check (max_attempts >= 1),
  next_attempt_at timestamptz not null default ops_private.now(),
  locked_at timestamptz,
  last_status_code integer,
  last_error text,
  created_at timestamptz not null default ops_private.now(),
  sent_at timestamptz,
  updated_at timestamptz not null default ops_private.now(),
  check ((kind = 'digest') = (digest_date is not null)),
  check ((kind = 'alert') = (alert_id is not null))
);

comment on table ops.notification_deliveries is
  'Every notification planned, with its attempts and outcome (status, last HTTP status code, error). idempotency_key: digest:<channel>:<date> or alert:<channel>:<alert_id>:<seq>.';

create index notification_deliveries_due_idx on ops.notification_deliveries (next_attempt_at) where status in ('pending', 'sending');
create index notification_deliveries_channel_idx on ops.notification_deliveries (channel_id, alert_id, notify_seq desc);

-- ---------------------------------------------------------------------------
-- Row level security: viewers read; operators edit channels in Studio (audited)
-- ---------------------------------------------------------------------------
call ops_private.viewers_read('ops.notification_channels', 'ops.notification_deliveries');
call ops_private.operators_edit('ops.notification_channels');
grant insert, update, delete on ops.notification_channels to service_role;

create trigger notification_channels_audit after insert or update or delete on ops.notification_channels
  for each row execute function ops_private.audit_change('update_notification_channel');

insert into ops.settings (key, value, description) values
  ('notify_digest_after', '"07:50"',
   'Europe/Berlin local time from which the day''s digest goes out (once per date), after the 07:45 mirror export.'),
  ('notify_renotify_hours', '24', 'An alert that is still open is sent again after this many hours (and at once when it escalates).'),
  ('notify_retry_base_seconds', '30', 'First retry delay of a failed delivery; it doubles with every attempt (capped at one hour).'),
  ('notify_max_attempts', '6', 'Attempts per delivery before it is given up.'),
  ('notify_alert_after_failures', '3', 'A channel whose delivery failed this many times raises the notification_failing alert.')
on conflict (key) do nothing;
