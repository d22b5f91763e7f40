-- ===========================================================================
-- Efficiency score per source and day: how efficiently a company hires, as
-- seen in its postings, 0 (poor) .. 100 (excellent).
--
-- Score window: the 90 days ending on the score date (score_date - 89 ..
-- score_date). Components, each 0..100 (higher is better):
--
--   lifespan   (40%)  shorter is better: a posting that disappears quickly was
--                     filled quickly. Postings open at the score date (age so
--                     far) and postings that disappeared in the window
--                     (last_seen_date - first_seen_date), averaged:
--                     100 * max(0, 1 - avg_lifespan_days / 90)
--                     (0 days = 100, 45 days = 50, 90 days or more = 0).
--                     No data: the source has no such posting.
--   reposts    (30%)  fewer is better: of the postings first seen in the
--                     window, the share that are reposts (repost_of set):
--                     100 * (1 - reposts / new postings).
--                     No data: no posting first seen in the window.
--   surveys    (20%)  optional input ops.survey_responses, ratings 1..5 in
--                     the window: 100 * (avg rating - 1) / 4.
--                     No data: no response in the window.
--   candidates (10%)  optional input ops.candidate_signals, values -1..1 in
--                     the window: 50 * (avg value + 1).
--                     No data: no signal in the window.
--
-- Weight redistribution: a component without data is left out and the
-- weights of the components with data are scaled up proportionally so they
-- sum to 1: score = sum(w_i * c_i) / sum(w_i) over the components i with data.
-- Example: no surveys and no candidate signals -> lifespan 40/70 = 57.14%,
-- reposts 30/70 = 42.86%. No component with data -> score is null.
-- The effective weights are stored with every score.
-- ===========================================================================

-- ---------------------------------------------------------------------------
-- ops.scores
-- ---------------------------------------------------------------------------
create table ops.scores (
  id bigint generated always as identity primary key,
  source_id bigint not null references ops.sources (id) on delete cascade,
  score_date date not null,
  score numeric(5, 2) check (score between 0 and 100),

  lifespan_score numeric(5, 2) check (lifespan_score between 0 and 100),
  repost_score numeric(5, 2) check (repost_score between 0 and 100),
  survey_score numeric(5, 2) check (survey_score between 0 and 100),
  candidate_score numeric(5, 2) check (candidate_score between 0 and 100),

  -- effective weights after redistribution (null: component without data)
  lifespan_weight numeric(5, 4),
  repost_weight numeric(5, 4),
  survey_weight numeric(5, 4),
  candidate_weight numeric(5, 4),

  -- the inputs, for explanation
  lifespan_postings integer not null default 0,
  avg_lifespan_days numeric(8, 2),
  new_postings integer not null default 0,
  reposts integer not null default 0,
  survey_responses integer not null default 0,
  avg_survey_rating numeric(4, 2),
  candidate_signals integer not null default 0,
  avg_candidate_signal numeric(5, 4),

  computed_at timestamptz not null default ops_private.now(),
  unique (source_id, score_date)
);

comment on table ops.scores is
  'Efficiency score per source and day (unique), 0..100, written by ops.compute_scores. Weighted 40% lifespan, 30% '
  'reposts, 20% surveys, 10% candidate signals over the 90-day window ending on score_date; the weight of a component '
  'without data is redistributed proportionally over the components with data (score = sum(w*c) / sum(w)); null '
  'when no component has data.';
comment on column ops.scores.lifespan_score is 'Shorter is better: 100 * max(0, 1 - avg_lifespan_days / 90); postings open on score_date count with their age, postings that disappeared in the window with last_seen_date - first_seen_date.';
comment on column ops.scores.repost_score is 'Fewer is better: 100 * (1 - reposts / new_postings) over postings first seen in the window.';
comment on column ops.scores.survey_score is '100 * (avg_survey_rating - 1) / 4 over ops.survey_responses in the window (ratings 1..5); null without responses.';
comment on column ops.scores.candidate_score is '50 * (avg_candidate_signal + 1) over ops.candidate_signals in the window (values -1..1); null without signals.';
comment on column ops.scores.lifespan_weight is 'Effective weight after redistribution: 0.40 / (sum of the nominal weights of the components with data); null without data.';

create index scores_date_idx on ops.scores (score_date);

call ops_private.viewers_read('ops.scores');

-- ---------------------------------------------------------------------------
-- ops.compute_scores(score_date, source_id)
-- ---------------------------------------------------------------------------
-- jit off: the planner's estimates over the whole postings table pass jit_above_cost, and compiling
-- took about a second of each nightly call at 2,000 sources, more than it saves for a statement run
-- once a night (PostgreSQL docs, "When to JIT?": for short queries the overhead is often higher)
create or replace function ops.compute_scores(
  score_date date default (ops_private.berlin_today()),
  source_id bigint default null)
returns jsonb language plpgsql security definer set search_path = '' set jit = off as $$
#variable_conflict use_column
declare
  -- nominal weights and the normalization constants (see the migration banner)
  c_w_lifespan constant numeric := 0.40;
  c_w_reposts constant numeric := 0.30;
  c_w_surveys constant numeric := 0.20;
  c_w_candidates constant numeric := 0.10;
  c_window_days constant integer := 90;
  c_lifespan_zero_days constant numeric := 90;
  v_date date := compute_scores.score_date;
  v_from date := compute_scores.score_date - (c_window_days - 1);
  v_rows integer;
  v_scored integer;
begin
  if v_date is null then
    raise exception using errcode = '22023', message = 'score_date is required';
  end if;

  with inputs as (
    select s.id as source_id, l.n_life, l.avg_life, r.n_new, r.n_reposts, sv.n_surveys, sv.avg_rating,
           cs.n_signals, cs.avg_signal
      from ops.sources s
      cross join lateral (
        select count(*)::integer as n_life,
               avg(case when p.active or p.inactive_since_date > v_date then v_date - p.first_seen_date
                        else p.last_seen_date - p.first_seen_date end) as avg_life
          from ops.postings p
         where p.source_id = s.id
           and p.first_seen_date <= v_date
           -- open on the score date, or disappeared within the window
           and (p.active or p.inactive_since_date >= v_from)
      ) l
      cross join lateral (
        select count(*)::integer as n_new, count(*) filter (where p.repost_of is not null)::integer as n_reposts
          from ops.postings p
         where p.source_id = s.id and p.first_seen_date between v_from and v_date
      ) r
      cross join lateral (
        select count(*)::integer as n_surveys, avg(sr.rating) as avg_rating
          from ops.survey_responses sr
         where sr.source_id = s.id and sr.response_date between v_from and v_date
      ) sv
      cross join lateral (
        select count(*)::integer as n_signals, avg(cs.value) as avg_signal
          from ops.candidate_signals cs
         where cs.source_id = s.id and cs.signal_date between v_from and v_date
      ) cs
     where compute_scores.source_id is null or s.id = compute_scores.source_id
  ),
  components as (
    select i.*,
           case when n_life > 0 then 100 * greatest(0, 1 - avg_life / c_lifespan_zero_days) end as c_life,
           case when n_new > 0 then 100 * (1 - n_reposts::numeric / n_new) end as c_reposts,
           case when n_surveys > 0 then 100 * (avg_rating - 1) / 4 end as c_surveys,
           case when n_signals > 0 then 50 * (avg_signal + 1) end as c_candidates
      from inputs i
  ),
  weighted as (
    select c.*,
           -- the nominal weights of the components that have data
           (case when c_life is not null then c_w_lifespan else 0 end
            + case when c_reposts is not null then c_w_reposts else 0 end
            + case when c_surveys is not null then c_w_surveys else 0 end
            + case when c_candidates is not null then c_w_candidates else 0 end) as w_sum
      from components c
  ),
  written as (
    insert into ops.scores as t (
      source_id, score_date, score, lifespan_score, repost_score, survey_score, candidate_score,
      lifespan_weight, repost_weight, survey_weight, candidate_weight,
      lifespan_postings, avg_lifespan_days, new_postings, reposts, survey_responses, avg_survey_rating,
      candidate_signals, avg_candidate_signal, computed_at)
    select w.source_id, v_date,
           round((coalesce(c_w_lifespan * c_life, 0) + coalesce(c_w_reposts * c_reposts, 0)
                  + coalesce(c_w_surveys * c_surveys, 0) + coalesce(c_w_candidates * c_candidates, 0))
                 / nullif(w_sum, 0), 2),
           round(c_life, 2), round(c_reposts, 2), round(c_surveys, 2), round(c_candidates, 2),
           round(case when c_life is not null then c_w_lifespan / w_sum end, 4),
           round(case when c_reposts is not null then c_w_reposts / w_sum end, 4),
           round(case when c_surveys is not null then c_w_surveys / w_sum end, 4),
           round(case when c_candidates is not null then c_w_candidates / w_sum end, 4),
           n_life, round(avg_life, 2), n_new, n_reposts, n_surveys, round(avg_rating, 2),
           n_signals, round(avg_signal, 4), ops_private.now()
      from weighted w
    on conflict (source_id, score_date) do update set
      score = excluded.score,
      lifespan_score = excluded.lifespan_score,
      repost_score = excluded.repost_score,
      survey_score = excluded.survey_score,
      candidate_score = excluded.candidate_score,
      lifespan_weight = excluded.lifespan_weight,
      repost_weight = excluded.repost_weight,
      survey_weight = excluded.survey_weight,
      candidate_weight = excluded.candidate_weight,
      lifespan_postings = excluded.lifespan_postings,
      avg_lifespan_days = excluded.avg_lifespan_days,
      new_postings = excluded.new_postings,
      reposts = excluded.reposts,
      survey_responses = excluded.survey_responses,
      avg_survey_rating = excluded.avg_survey_rating,
      candidate_signals = excluded.candidate_signals,
      avg_candidate_signal = excluded.avg_candidate_signal,
      computed_at = excluded.computed_at
    returning t.score
  )
  select count(*), count(score) into v_rows, v_scored from written;

  return jsonb_build_object('score_date', v_date, 'rows', v_rows, 'scored', v_scored);
end
$$;

comment on function ops.compute_scores(date, bigint) is
  'Pipeline RPC (service_role): computes the efficiency score of every source (or source_id) for score_date '
  '(default: today in Europe/Berlin) and upserts ops.scores (idempotent). Weights 40% lifespan, 30% reposts, '
  '20% surveys, 10% candidate signals over the 90 days ending on score_date; a component without data (no posting '
  'for lifespan, no new posting for reposts, no survey response, no candidate signal in the window) is left out and '
  'its weight is redistributed proportionally: score = sum(w_i * c_i) / sum(w_i) over the components with data; '
  'null when none has data. Normalizations: lifespan 100 * max(0, 1 - avg days / 90) (shorter is better); reposts '
  '100 * (1 - reposts / new postings) (fewer is better); surveys 100 * (avg rating 1..5 - 1) / 4; candidates '
  '50 * (avg value -1..1 + 1). Run ops.detect_reposts first so that the day''s reposts count. '
  'Returns {score_date, rows, scored}.';

revoke all on function ops.compute_scores(date, bigint) from public, anon, authenticated;
grant execute on function ops.compute_scores(date, bigint) to service_role;
