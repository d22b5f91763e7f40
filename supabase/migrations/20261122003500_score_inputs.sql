-- ===========================================================================
-- Optional inputs of the efficiency score: survey responses and candidate
-- signals per source. Both start empty; whoever has such data loads it (an
-- import with the service key, or Studio). A source without rows in the score
-- window simply has no value for that component, and ops.compute_scores
-- redistributes its weight (see 20261122003600_scores.sql).
-- ===========================================================================

-- ---------------------------------------------------------------------------
-- ops.survey_responses: hiring-process surveys (e.g. hiring managers, candidates)
-- ---------------------------------------------------------------------------
create table ops.survey_responses (
  id bigint generated always as identity primary key,
  source_id bigint not null references ops.sources (id) on delete cascade,
  response_date date not null,
  -- 1 (very poor) .. 5 (excellent)
  rating smallint not null check (rating between 1 and 5),
  respondent text,
  comment text,
  created_at timestamptz not null default ops_private.now()
);

comment on table ops.survey_responses is
  'Optional score input (20%): survey ratings 1..5 per source and date. Component = 100 * (avg rating - 1) / 4 over the score window.';
comment on column ops.survey_responses.rating is '1 = very poor .. 5 = excellent.';

create index survey_responses_source_date_idx on ops.survey_responses (source_id, response_date);

-- ---------------------------------------------------------------------------
-- ops.candidate_signals: what candidates do (applications, accepted/declined
-- offers, withdrawals, reviews), each mapped to a value in [-1, 1]
-- ---------------------------------------------------------------------------
create table ops.candidate_signals (
  id bigint generated always as identity primary key,
  source_id bigint not null references ops.sources (id) on delete cascade,
  signal_date date not null,
  kind text not null check (kind ~ '^[a-z][a-z0-9_]{0,39}$'),
  -- -1 (clearly negative, e.g. offer declined) .. +1 (clearly positive, e.g. offer accepted)
  value numeric(4, 3) not null check (value between -1 and 1),
  details jsonb,
  created_at timestamptz not null default ops_private.now()
);

comment on table ops.candidate_signals is
  'Optional score input (10%): candidate signals per source and date, each valued -1 (negative) .. +1 (positive). '
  'Component = 50 * (avg value + 1) over the score window.';

create index candidate_signals_source_date_idx on ops.candidate_signals (source_id, signal_date);

-- ---------------------------------------------------------------------------
-- Row level security: viewers read (the common rule, ops_private.viewers_read);
-- beyond it, the service role loads the data
-- ---------------------------------------------------------------------------
call ops_private.viewers_read('ops.survey_responses', 'ops.candidate_signals');
grant insert, update, delete on ops.survey_responses, ops.candidate_signals to service_role;
