-- ===========================================================================
-- The playbook: what to do about a problem. One row per error category
-- (ops.error_categories), problem reason (ops.daily_summary_v.problem_reasons)
-- and alert rule (ops.alerts_v.rule), editable in Studio by operators (every
-- edit lands in ops.audit_log). The digest and the alerts API attach the row
-- of a problem's root cause and of each alert as its suggested action.
--
-- The seeded guidance follows the operations guidance the designs came from:
-- keep block rates under 10% and timeout rates under 5%; on blocks raise the
-- portal's rate limit and check portal-specific limits; when a breaker trips
-- again and again, read the error log by type and adjust the portal
-- configuration or the breaker's threshold and cooldown; reset a breaker only
-- when the cause is clear; act at once on critical errors.
-- ===========================================================================

create table ops.playbook (
  kind text not null check (kind in ('error_category', 'problem_reason', 'alert_rule')),
  key text not null check (key ~ '^[a-z][a-z0-9_]{0,59}$'),
  title text not null check (length(title) between 1 and 200),
  action text not null check (length(action) between 1 and 2000),
  updated_at timestamptz not null default ops_private.now(),
  primary key (kind, key)
);

comment on table ops.playbook is
  'Suggested actions per error category, problem reason and alert rule; edit in Studio (audited). Shown with every problem and alert of the digest.';

insert into ops.playbook (kind, key, title, action) values
  -- error categories -------------------------------------------------------
  ('error_category', 'block_403', 'The portal refuses us (403)',
   'Raise the portal''s rate limit (POST /control/rate-limit) and check the portal''s own limits and robots rules; keep the block rate under 10%. Reset the breaker only once the cause is clear.'),
  ('error_category', 'block_429', 'Rate limited (429)',
   'Raise the portal''s rate limit so that the block rate stays under 10%; Retry-After is honoured, so repeated 429s mean the interval is too short for this portal.'),
  ('error_category', 'captcha', 'A captcha or bot check',
   'Slow the portal down (rate limit) and check whether the site changed its bot protection; if it persists, pause the portal and move it to a browser-based scraper.'),
  ('error_category', 'login_redirect', 'Redirected to a login page',
   'Open the career page by hand: the listing may have moved behind a login or to a new URL. Fix the adapter config (URL) or pause the portal.'),
  ('error_category', 'parsing', 'The markup or format changed',
   'Read the error log by type for this portal, compare the page with the adapter''s selectors or feed format, and update the adapter config; results stay incomplete until then.'),
  ('error_category', 'network_timeout', 'Requests time out',
   'Check the portal''s response times; raise request_timeout_seconds or the rate limit moderately. Keep the timeout rate under 5%.'),
  ('error_category', 'network_connection', 'Connection errors',
   'Check DNS and reachability of the portal; if the host moved, update the adapter config. Retries cover short outages.'),
  ('error_category', 'http_5xx', 'The portal answers with server errors',
   'Usually the portal''s own outage: wait for the next night; if it lasts several days, contact the site owner or pause the portal.'),
  ('error_category', 'http_4xx', 'Other client errors (404, 410, ...)',
   'The listing URL may be gone: check the career page by hand and update the adapter config.'),
  ('error_category', 'data_quality', 'Data present but implausible',
   'Compare the postings with the site by hand; check the adapter''s field mapping.'),
  ('error_category', 'validation', 'Invalid configuration',
   'Fix the source''s adapter config (Studio: ops.sources.adapter_config); the error message names the field.'),
  ('error_category', 'duplicate', 'Duplicate data',
   'Usually harmless; check the adapter''s pagination if it grows.'),
  ('error_category', 'circuit_open', 'Skipped: the circuit breaker is open',
   'Read the error log by type to find what opened the breaker and fix that first. If the breaker trips again and again, adjust the portal configuration or the breaker''s threshold and cooldown; reset it (POST /control/portals/:key/breaker-reset) only when the cause is clear.'),
  ('error_category', 'timeout', 'The job exceeded its timeout',
   'The portal has grown or slowed down: raise the job timeout or lower max pages; check the run''s log for the slow step.'),
  ('error_category', 'lost_worker', 'The worker stopped',
   'A function instance died (memory or wall clock). The sweeper retried it; if it repeats, read the job''s log for the last step.'),
  ('error_category', 'cancelled', 'Cancelled by an operator',
   'Start the scrape again when ready (POST /jobs).'),
  ('error_category', 'unknown', 'An unclassified error',
   'Read the error log; add a classification rule in Studio (ops.classification_rules) so that it gets a category and a playbook entry.'),
  -- problem reasons --------------------------------------------------------
  ('problem_reason', 'no_data', 'No run finished',
   'Check that the nightly pipeline ran (GET /pipeline/history) and that the portal is active; start a scrape by hand if needed.'),
  ('problem_reason', 'run_failed', 'The run failed',
   'Open the job''s log and the errors by type; the root cause names the category to act on.'),
  ('problem_reason', 'run_cancelled', 'The run was cancelled',
   'Start the scrape again when ready.'),
  ('problem_reason', 'run_skipped', 'The run was skipped',
   'A breaker skip or a paused portal: see the root cause; reset the breaker only when the cause is clear.'),
  ('problem_reason', 'run_partial', 'The run was incomplete',
   'Some pages failed: read the errors by type for the portal; the next night usually completes.'),
  ('problem_reason', 'zero_items', 'The run found nothing',
   'A silent failure: open the career page by hand. If it lists jobs, the markup or API changed: update the adapter config.'),
  ('problem_reason', 'volume_drop', 'Far fewer jobs than usual',
   'Compare with the site by hand: a real hiring freeze needs nothing; a paging or filter change needs an adapter fix.'),
  ('problem_reason', 'field_drop', 'Key fields came back empty',
   'The scraper runs but a field (location, description, posting date, ...) is missing far more often than usual: the markup or API changed. Compare a posting with the site and fix the adapter''s field mapping.'),
  ('problem_reason', 'high_block_rate', 'Block rate over 10%',
   'Raise the portal''s rate limit and check portal-specific limits; keep blocks under 10%.'),
  ('problem_reason', 'high_timeout_rate', 'Timeout rate over 5%',
   'Raise the rate limit or request_timeout_seconds moderately; keep timeouts under 5%.'),
  -- alert rules ------------------------------------------------------------
  ('alert_rule', 'consecutive_failed_days', 'Failing night after night',
   'Act at once when critical: read the root cause and its error log by type, fix the portal configuration, then reset the breaker if one is open.'),
  ('alert_rule', 'no_data', 'No data from an active source',
   'Check the nightly pipeline and the portal''s state; start a scrape by hand.'),
  ('alert_rule', 'slo_breach', 'The SLO is breached',
   'The source fails too often over the SLO window: fix the recurring cause (see its problems), or pause it and tell its consumers.'),
  ('alert_rule', 'volume_drop', 'Far fewer jobs than usual',
   'Compare with the site by hand; fix the adapter if paging or filters changed.'),
  ('alert_rule', 'high_block_rate', 'Block rate over 10%',
   'Raise the portal''s rate limit and check portal-specific limits.'),
  ('alert_rule', 'high_timeout_rate', 'Timeout rate over 5%',
   'Raise the rate limit or the request timeout moderately.'),
  ('alert_rule', 'field_drop', 'Key fields came back empty',
   'Compare a posting with the site: the source changed its markup or API for that field. Fix the adapter''s field mapping; the next night shows whether the share is back.'),
  ('alert_rule', 'stale_mirror', 'The BI mirror is stale',
   'Check GET /mirror/status for the last export''s error and run the export again (POST /mirror {"action":"export"}); it is idempotent.'),
  ('alert_rule', 'notification_failing', 'Notifications do not get through',
   'Check the channel''s deliveries (ops.notification_deliveries) for the response code; fix the webhook URL or key in Vault or the environment.');

-- ---------------------------------------------------------------------------
-- Row level security: viewers read; operators edit in Studio (audited)
-- ---------------------------------------------------------------------------
call ops_private.viewers_read('ops.playbook');
call ops_private.operators_edit('ops.playbook');

create trigger playbook_audit after insert or update or delete on ops.playbook
  for each row execute function ops_private.audit_change('update_playbook');

-- ---------------------------------------------------------------------------
-- ops_private.suggested_action(kind, key): the playbook row as JSON, or null
-- ---------------------------------------------------------------------------
create or replace function ops_private.suggested_action(p_kind text, p_key text)
returns jsonb language sql stable set search_path = '' as $$
  select jsonb_build_object('key', p.key, 'title', p.title, 'action', p.action)
  from ops.playbook p
  where p.kind = p_kind and p.key = p_key
$$;

comment on function ops_private.suggested_action(text, text) is
  'The playbook entry {key, title, action} for an error category, problem reason or alert rule; null when there is none.';

revoke all on function ops_private.suggested_action(text, text) from public, anon;
grant execute on function ops_private.suggested_action(text, text) to authenticated, service_role;
