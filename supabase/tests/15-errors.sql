-- ===========================================================================
-- 15 classification rules, fingerprints, ops.record_errors (dedup, hourly)
-- ===========================================================================
begin;
set search_path = extensions, public;
select plan(27);

-- classification (built-in rules)
select is((select row(category, severity)::text from ops.classify_error(403, 'Forbidden')), '(block_403,high)', '403 is block_403, high');
select is((select row(category, severity)::text from ops.classify_error(429, 'slow down')), '(block_429,medium)', '429 is block_429, medium');
select is((select category from ops.classify_error(403, 'Please verify you are human')), 'captcha',
  'a captcha message beats the 403 rule (priority 10 before 31)');
select is((select category from ops.classify_error(null, 'connect ECONNREFUSED 127.0.0.1:9')), 'network_connection', 'ECONNREFUSED');
select is((select category from ops.classify_error(null, 'Request timed out after 30000 ms')), 'network_timeout', 'timeouts');
select is((select category from ops.classify_error(200, 'Unexpected token < in JSON at position 0')), 'parsing', 'parse errors');
select is((select category from ops.classify_error(502, 'Bad Gateway')), 'http_5xx', '502 by rule');
select is((select category from ops.classify_error(507, 'Insufficient Storage')), 'http_5xx', '507 by the 5xx fallback');
select is((select row(category, severity)::text from ops.classify_error(404, 'Not Found')), '(http_4xx,low)', '404: rule severity low');
select is((select category from ops.classify_error(418, 'teapot')), 'http_4xx', '418 by the 4xx fallback');
select is((select row(category, severity)::text from ops.classify_error(null, 'something odd')), '(unknown,medium)', 'no match: unknown');

-- rules are data: operators add categories and rules in Studio
insert into ops.error_categories (category, description, default_severity) values ('geo_block', 'Geo blocked', 'critical');
insert into ops.classification_rules (priority, http_status, message_pattern, category)
  values (5, 403, 'not available in your region', 'geo_block');
select is((select row(category, severity)::text from ops.classify_error(403, 'Not available in your REGION')),
  '(geo_block,critical)', 'a user-defined rule with a lower priority wins, with its category''s severity');
update ops.classification_rules set active = false where category = 'geo_block';
select is((select category from ops.classify_error(403, 'Not available in your region')), 'block_403', 'inactive rules are ignored');

-- fingerprints
select is(ops.normalize_error_message('GET https://acme.example/jobs/123?page=2 failed: 0xDEADbeef id 550e8400-e29b-41d4-a716-446655440000 hash abcdef12 after 12.5 s (acceptable)'),
  'get <url> failed: <hex> id <uuid> hash <hex> after <n> s (acceptable)',
  'URLs, hex ids, UUIDs and numbers are normalized away; words stay');
select is(ops.error_fingerprint('block_403', 'HTTP 403 Forbidden at https://x.com/c/3'),
  md5('block_403:http <n> forbidden at <url>'), 'fingerprint = md5(category:normalized message)');
select isnt(ops.error_fingerprint('block_403', 'x'), ops.error_fingerprint('captcha', 'x'), 'the category is part of the fingerprint');

-- record_errors: dedup per source, counts, hourly
set local ops.now = '2026-11-22 02:30:00+00';
insert into ops.sources (key, display_name, adapter) values ('err', 'Err', 'lever');
create temporary table j as select * from ops.start_job('scrape', 'w1', '{}', (select id from ops.sources where key = 'err'));
create temporary table r as select * from ops.record_errors((select id from j), $$[
  {"message": "HTTP 403 at https://err.example/jobs/1", "http_status": 403, "url": "https://err.example/jobs/1"},
  {"message": "HTTP 403 at https://err.example/jobs/2", "http_status": 403, "url": "https://err.example/jobs/2", "occurred_at": "2026-11-22T01:15:00Z"},
  {"message": "Selector .job-title matched nothing", "portal": "careers"},
  {"message": "odd", "category": "data_quality", "severity": "critical"}
]$$);
select is((select count(*)::int from r), 3, 'four events, three fingerprints');
select is((select row(count, category, url, first_seen, last_occurrence)::text from ops.errors
    where job_id = (select id from j) and category = 'block_403'),
  row(2, 'block_403', 'https://err.example/jobs/1', '2026-11-22 01:15:00+00'::timestamptz, '2026-11-22 02:30:00+00'::timestamptz)::text,
  'two 403s that differ only in their URL are one error: count 2, first and last occurrence, latest URL');
select is((select category from ops.errors where job_id = (select id from j) and portal = 'careers'), 'parsing', 'classified by the rules');
select is((select row(category, severity)::text from ops.errors where message = 'odd' and job_id = (select id from j)),
  '(data_quality,critical)', 'an explicit category and severity override the rules');
set local ops.now = '2026-11-22 03:05:00+00';
select is((select count from ops.record_errors((select id from j), '[{"message": "HTTP 403 at https://err.example/jobs/77", "http_status": 403}]')),
  3, 'a later batch increments the same error');
select is((select last_occurrence from ops.errors where job_id = (select id from j) and category = 'block_403'),
  '2026-11-22 03:05:00+00'::timestamptz, 'and moves last_occurrence');
select is(
  (select array_agg(to_char(hour at time zone 'UTC', 'HH24') || ' ' || category || ' ' || count order by hour, category)
     from ops.error_hourly where source_id = (select source_id from j)),
  array['01 block_403 1', '02 block_403 1', '02 data_quality 1', '02 parsing 1', '03 block_403 1'],
  'error_hourly counts per UTC hour and category');

-- validation: nothing written on a bad batch
select is(tests.error_of(format($$select ops.record_errors(%s, '[{"message": "ok"}, {"http_status": 500}]')$$, (select id from j))) ->> 'field',
  'errors.1.message', 'a missing message is P0400 naming the event');
select is(tests.error_of(format($$select ops.record_errors(%s, '[{"message": "x", "category": "made_up"}]')$$, (select id from j))) ->> 'field',
  'errors.0.category', 'an unknown category is P0400');
select is((select sum(count)::int from ops.errors where job_id = (select id from j)), 5, 'rejected batches wrote nothing');
select is(tests.error_of($$select ops.record_errors(999999, '[]')$$) ->> 'sqlstate', 'P0404', 'an unknown job is P0404');

select * from finish();
rollback;
