-- ===========================================================================
-- Errors: classified, deduplicated error events. One taxonomy of categories
-- (operators may add their own), classification rules editable in Studio,
-- deduplication by fingerprint per source, hourly counts for trends.
-- ===========================================================================

-- ---------------------------------------------------------------------------
-- ops.error_categories: the taxonomy
-- ---------------------------------------------------------------------------
create table ops.error_categories (
  category text primary key check (category ~ '^[a-z][a-z0-9_]{0,39}$'),
  description text not null,
  default_severity text not null check (default_severity in ('low', 'medium', 'high', 'critical')),
  -- blocked: counts towards the block rate; retryable: a retry may help
  is_block boolean not null default false,
  retryable boolean not null default false,
  built_in boolean not null default false
);

insert into ops.error_categories (category, description, default_severity, is_block, retryable, built_in) values
  ('block_403', 'Forbidden (401/403): the portal refuses us', 'high', true, false, true),
  ('block_429', 'Too many requests (429): rate limited', 'medium', true, true, true),
  ('captcha', 'A captcha or bot-check page instead of content', 'high', true, false, true),
  ('login_redirect', 'Redirected to a login page', 'high', true, false, true),
  ('parsing', 'The response could not be parsed or the markup changed', 'high', false, false, true),
  ('network_timeout', 'The request or the job timed out', 'medium', false, true, true),
  ('network_connection', 'Connection refused, reset or DNS failure', 'medium', false, true, true),
  ('http_5xx', 'Server error (5xx) from the portal', 'medium', false, true, true),
  ('http_4xx', 'Other client error (4xx) from the portal', 'medium', false, false, true),
  ('data_quality', 'Data present but implausible (empty, dropped volume, bad fields)', 'medium', false, false, true),
  ('validation', 'Invalid input or configuration', 'high', false, false, true),
  ('duplicate', 'Duplicate data or a duplicate request', 'low', false, false, true),
  ('circuit_open', 'Skipped because the portal''s circuit breaker is open', 'medium', false, false, true),
  ('timeout', 'The job exceeded its timeout', 'high', false, false, true),
  ('lost_worker', 'The worker stopped heartbeating and the job was ended', 'high', false, true, true),
  ('cancelled', 'Cancelled by an operator', 'low', false, false, true),
  ('unknown', 'Not classified by any rule', 'medium', false, false, true);

-- ---------------------------------------------------------------------------
-- ops.classification_rules: first matching rule (lowest priority) wins
-- ---------------------------------------------------------------------------
create table ops.classification_rules (
  id bigint generated always as identity primary key,
  priority integer not null default 100,
  http_status integer check (http_status between 100 and 599),
  -- case-insensitive regular expression over the error message
  message_pattern text,
  category text not null references ops.error_categories (category),
  severity text check (severity in ('low', 'medium', 'high', 'critical')),
  active boolean not null default true,
  description text,
  check (http_status is not null or message_pattern is not null)
);

comment on table ops.classification_rules is 'Editable in Studio: an error matching http_status and/or message_pattern gets this category (lowest priority first).';

create index classification_rules_category_idx on ops.classification_rules (category);

insert into ops.classification_rules (priority, http_status, message_pattern, category, severity, description) values
  (10, null, 'captcha|are you a robot|cf-challenge|verify you are human', 'captcha', null, 'Bot checks'),
  (20, null, 'login|sign[ -]?in required', 'login_redirect', null, 'Login walls'),
  (30, 401, null, 'block_403', null, 'Unauthorized'),
  (31, 403, null, 'block_403', null, 'Forbidden'),
  (32, 429, null, 'block_429', null, 'Rate limited'),
  (40, null, 'timed? ?out|timeout|deadline exceeded', 'network_timeout', null, 'Timeouts'),
  (50, null, 'econnrefused|econnreset|connection (refused|reset|closed)|dns|enotfound|network', 'network_connection', null, 'Connection errors'),
  (60, 500, null, 'http_5xx', null, null),
  (61, 502, null, 'http_5xx', null, null),
  (62, 503, null, 'http_5xx', null, null),
  (63, 504, null, 'http_5xx', null, null),
  (70, null, 'parse|unexpected token|malformed|invalid (json|xml)|selector|markup', 'parsing', null, 'Parsing'),
  (80, null, 'validation|required field|invalid config', 'validation', null, 'Validation'),
  (90, null, 'duplicate', 'duplicate', null, null),
  (100, 404, null, 'http_4xx', 'low', 'Not found'),
  (101, 410, null, 'http_4xx', 'low', 'Gone');

-- ---------------------------------------------------------------------------
-- ops.errors: deduplicated by (source, fingerprint)
-- ---------------------------------------------------------------------------
create table ops.errors (
  id bigint generated always as identity primary key,
  source_id bigint references ops.sources (id) on delete cascade,
  -- the job of the latest occurrence
  job_id bigint,
  fingerprint text not null,
  category text not null references ops.error_categories (category),
  severity text not null check (severity in ('low', 'medium', 'high', 'critical')),
  http_status integer,
  portal text,
  url text,
  message text not null,
  details jsonb,
  count integer not null default 1 check (count >= 1),
  first_seen timestamptz not null default ops_private.now(),
  last_occurrence timestamptz not null default ops_private.now(),
  unique nulls not distinct (source_id, fingerprint)
);

comment on column ops.errors.fingerprint is 'md5 of category + message with numbers, ids and URLs normalized away: the deduplication key per source.';

create index errors_category_last_idx on ops.errors (category, last_occurrence desc);
create index errors_last_idx on ops.errors (last_occurrence desc);
create index errors_job_idx on ops.errors (job_id);

-- ---------------------------------------------------------------------------
-- ops.error_hourly: occurrences per hour, source and category (for trends)
-- ---------------------------------------------------------------------------
create table ops.error_hourly (
  hour timestamptz not null,
  source_id bigint references ops.sources (id) on delete cascade,
  category text not null references ops.error_categories (category),
  count integer not null check (count >= 0),
  unique nulls not distinct (hour, source_id, category)
);

create index error_hourly_category_idx on ops.error_hourly (category, hour);
create index error_hourly_source_idx on ops.error_hourly (source_id, hour);

-- ---------------------------------------------------------------------------
-- Row level security
-- ---------------------------------------------------------------------------
call ops_private.viewers_read('ops.error_categories', 'ops.classification_rules', 'ops.errors', 'ops.error_hourly');
