-- ===========================================================================
-- 36 ops.compute_scores: component normalizations, the 40/30/20/10 weights,
-- redistribution of the weights of missing optional inputs, idempotency
-- ===========================================================================
begin;
set search_path = extensions, public;
select plan(16);

create function pg_temp.posting(p_key text, p_ext text, p_first date, p_last date, p_gone date) returns void language sql as $$
  insert into ops.postings (source_id, external_id, title, normalized_title, content_hash, first_seen_date,
                            last_seen_date, active, inactive_since, inactive_since_date)
  select s.id, p_ext, p_ext, p_ext, md5(p_ext), p_first, p_last, p_gone is null,
         case when p_gone is not null then now() end, p_gone
    from ops.sources s where s.key = p_key
$$;
create function pg_temp.score(p_key text) returns ops.scores language sql as $$
  select sc.* from ops.scores sc join ops.sources s on s.id = sc.source_id
   where s.key = p_key and sc.score_date = '2026-06-30'
$$;

insert into ops.sources (key, display_name, adapter) values
  ('acme', 'Acme', 'lever'), ('signals', 'Signals only', 'lever'), ('nothing', 'No data', 'lever');

-- acme, score date 2026-06-30, window 2026-04-02 .. 2026-06-30
--                           ext       first         last          gone          lifespan as of 06-30
select pg_temp.posting('acme', 'a', '2026-06-01', '2026-06-10', '2026-06-11'); -- disappeared:  9
select pg_temp.posting('acme', 'b', '2026-06-12', '2026-06-30', null);         -- open:        18 (repost of a)
select pg_temp.posting('acme', 'c', '2026-06-03', '2026-06-30', null);         -- open:        27
select pg_temp.posting('acme', 'd', '2026-06-12', '2026-06-28', null);         -- open (missed by a partial run): 18
select pg_temp.posting('acme', 'old', '2026-01-01', '2026-03-01', '2026-03-02'); -- disappeared before the window: not counted
select pg_temp.posting('acme', 'future', '2026-07-05', '2026-07-05', null);    -- after the score date: not counted
update ops.postings set repost_of = (select id from ops.postings where external_id = 'a') where external_id = 'b';

-- lifespan: avg (9 + 18 + 27 + 18) / 4 = 18 days -> 100 * (1 - 18/90) = 80
-- reposts: 1 of 4 postings first seen in the window -> 100 * (1 - 1/4) = 75
-- no surveys, no signals -> (0.4 * 80 + 0.3 * 75) / 0.7 = 54.5 / 0.7 = 77.857... -> 77.86
select is(ops.compute_scores('2026-06-30') - 'score_date', '{"rows": 3, "scored": 1}',
  'a row for each of the three sources, one of them (acme) with data');
select results_eq(
  $$select score, lifespan_score, repost_score, survey_score, candidate_score,
           lifespan_weight, repost_weight, survey_weight, candidate_weight from pg_temp.score('acme')$$,
  $$values (77.86, 80.00, 75.00, null::numeric, null::numeric, 0.5714, 0.4286, null::numeric, null::numeric)$$,
  'without optional inputs: 40% and 30% scaled to 4/7 and 3/7');
select results_eq(
  $$select lifespan_postings, avg_lifespan_days, new_postings, reposts, survey_responses, candidate_signals
      from pg_temp.score('acme')$$,
  $$values (4, 18.00, 4, 1, 0, 0)$$,
  'the inputs: 4 postings, 18 days on average, 1 repost of 4 new');

-- ---------------------------------------------------------------------------
-- With surveys: ratings 4 and 5 -> 100 * (4.5 - 1) / 4 = 87.5 (one outside the window is ignored)
-- (32 + 22.5 + 0.2 * 87.5) / 0.9 = 72 / 0.9 = 80
-- ---------------------------------------------------------------------------
insert into ops.survey_responses (source_id, response_date, rating)
  select id, d, r from ops.sources, (values ('2026-06-01'::date, 4), ('2026-06-30', 5), ('2026-03-01', 1)) v(d, r)
   where key = 'acme';
select ops.compute_scores('2026-06-30');
select results_eq(
  $$select score, survey_score, lifespan_weight, repost_weight, survey_weight, candidate_weight from pg_temp.score('acme')$$,
  $$values (80.00, 87.50, 0.4444, 0.3333, 0.2222, null::numeric)$$,
  'with surveys: weights 4/9, 3/9, 2/9');

-- ---------------------------------------------------------------------------
-- With candidate signals too: values 0.5 and -0.1 -> 50 * (0.2 + 1) = 60
-- all four inputs: 32 + 22.5 + 17.5 + 0.1 * 60 = 78
-- ---------------------------------------------------------------------------
insert into ops.candidate_signals (source_id, signal_date, kind, value)
  select id, d, k, v from ops.sources, (values ('2026-06-20'::date, 'offer_accepted', 0.5), ('2026-06-21', 'withdrawn', -0.1)) x(d, k, v)
   where key = 'acme';
select ops.compute_scores('2026-06-30');
select results_eq(
  $$select score, lifespan_score, repost_score, survey_score, candidate_score,
           lifespan_weight, repost_weight, survey_weight, candidate_weight from pg_temp.score('acme')$$,
  $$values (78.00, 80.00, 75.00, 87.50, 60.00, 0.4000, 0.3000, 0.2000, 0.1000)$$,
  'all inputs: the nominal weights 40/30/20/10');

-- ---------------------------------------------------------------------------
-- Only one input: it carries the whole weight; no input: no score
-- ---------------------------------------------------------------------------
insert into ops.candidate_signals (source_id, signal_date, kind, value)
  select id, '2026-06-30', 'offer_accepted', 1 from ops.sources where key = 'signals';
select ops.compute_scores('2026-06-30');
select results_eq(
  $$select score, candidate_score, candidate_weight, lifespan_weight, repost_weight from pg_temp.score('signals')$$,
  $$values (100.00, 100.00, 1.0000, null::numeric, null::numeric)$$,
  'only candidate signals: weight 100%');
select results_eq(
  $$select score, lifespan_score, repost_score, survey_score, candidate_score from pg_temp.score('nothing')$$,
  $$values (null::numeric, null::numeric, null::numeric, null::numeric, null::numeric)$$,
  'no data at all: a row without a score');

-- ---------------------------------------------------------------------------
-- Normalization edges
-- ---------------------------------------------------------------------------
-- postings open for 120 and 89 days: avg 104.5 -> lifespan score 0, not negative;
-- the only posting first seen in the window (n3) is a repost -> 0
select pg_temp.posting('nothing', 'n1', '2026-03-02', '2026-06-30', null);
select pg_temp.posting('nothing', 'n2', '2026-03-01', '2026-03-01', '2026-03-02');
select pg_temp.posting('nothing', 'n3', '2026-04-02', '2026-06-30', null);
update ops.postings set repost_of = (select id from ops.postings where external_id = 'n2') where external_id = 'n3';
select ops.compute_scores('2026-06-30', (select id from ops.sources where key = 'nothing'));
select results_eq(
  $$select score, lifespan_score, avg_lifespan_days, repost_score, new_postings from pg_temp.score('nothing')$$,
  $$values (0.00, 0.00, 104.50, 0.00, 1)$$,
  'an average lifespan over 90 days scores 0 (clamped) and 1 repost of 1 new scores 0');
select is((select count(*)::int from ops.scores where score_date = '2026-06-30'), 3, 'idempotent: one row per source and day');

-- an earlier score date sees the data as of that date
select ops.compute_scores('2026-06-15', (select id from ops.sources where key = 'acme'));
-- as of 06-15: a (9, disappeared), b (3), c (12), d (3) -> avg 6.75 -> 100 * (1 - 6.75/90) = 92.5
-- surveys 06-01 only: rating 4 -> 75; no signals yet; reposts 1 of 4 -> 75
-- (0.4 * 92.5 + 0.3 * 75 + 0.2 * 75) / 0.9 = (37 + 22.5 + 15) / 0.9 = 82.777... -> 82.78
select results_eq(
  $$select score, lifespan_score, survey_score, candidate_score from ops.scores sc join ops.sources s on s.id = sc.source_id
     where s.key = 'acme' and sc.score_date = '2026-06-15'$$,
  $$values (82.78, 92.50, 75.00, null::numeric)$$,
  'a past score date uses the data as of that date');

-- ---------------------------------------------------------------------------
-- The rules are documented
-- ---------------------------------------------------------------------------
select ok(obj_description('ops.compute_scores(date, bigint)'::regprocedure, 'pg_proc') ~ 'redistributed proportionally',
  'the function comment documents the redistribution rule');
select ok(obj_description('ops.scores'::regclass, 'pg_class') ~ 'redistributed proportionally',
  'the table comment documents the redistribution rule');
select is((select coalesce(lifespan_weight, 0) + coalesce(repost_weight, 0) + coalesce(survey_weight, 0)
                  + coalesce(candidate_weight, 0) from pg_temp.score('acme')), 1.0000, 'the effective weights sum to 1');
select ok((select count(*) from pg_description d join pg_attribute a on a.attrelid = d.objoid and a.attnum = d.objsubid
            where d.objoid = 'ops.scores'::regclass and a.attname in ('lifespan_score', 'repost_score', 'survey_score', 'candidate_score')) = 4,
  'each component''s normalization is documented on its column');
select throws_ok($$select ops.compute_scores(null)$$, '22023', 'score_date is required', 'a null score date is rejected');
select lives_ok($$select ops.compute_scores()$$, 'the default score date is today in Berlin');

select * from finish();
rollback;
