import { describe, expect, it } from "vitest";
import { bigQueryColumnDefinitions, SCHEMA_V1 } from "../../../supabase/functions/_shared/mirror/schema.ts";
import {
  POSTGRES_MERGE_SQL,
  POSTGRES_TABLE_DDL,
} from "../../../supabase/functions/_shared/mirror/postgres-sql.ts";

describe("schema v1", () => {
  it("renders the BigQuery column definitions (GoogleSQL DDL) in column order", () => {
    expect(bigQueryColumnDefinitions().join(", ")).toBe(
      "company_key STRING NOT NULL, run_date DATE NOT NULL, final_status STRING NOT NULL, " +
        "is_success INT64 NOT NULL, is_problem INT64 NOT NULL, jobs_processed_best INT64, " +
        "http_fail_rate_sum FLOAT64, http_block_rate_sum FLOAT64, baseline_jobs_processed_14d FLOAT64, " +
        "execution_time_sec_best FLOAT64",
    );
  });

  it("hands out a fresh copy each time", () => {
    bigQueryColumnDefinitions().pop();
    expect(bigQueryColumnDefinitions()).toHaveLength(SCHEMA_V1.length);
  });

  it("renders the local Postgres table with the same columns, key and checks", () => {
    expect(POSTGRES_TABLE_DDL).toBe(
      `create schema if not exists monitoring;
create table if not exists monitoring.daily_summary (
  company_key text not null,
  run_date date not null,
  final_status text not null check (final_status in ('success', 'partial', 'failed', 'no_data')),
  is_success bigint not null check (is_success in (0, 1)),
  is_problem bigint not null check (is_problem in (0, 1)),
  jobs_processed_best bigint,
  http_fail_rate_sum double precision,
  http_block_rate_sum double precision,
  baseline_jobs_processed_14d double precision,
  execution_time_sec_best double precision,
  mirrored_at timestamptz not null default now(),
  primary key (company_key, run_date)
);`,
    );
  });

  it("renders a Postgres MERGE over a source de-duplicated by key, last row winning", () => {
    const columns = SCHEMA_V1.map((c) => c.name).join(", ");
    expect(POSTGRES_MERGE_SQL).toContain("merge into monitoring.daily_summary as t");
    expect(POSTGRES_MERGE_SQL).toContain(`select distinct on (company_key, run_date) ${columns}`);
    expect(POSTGRES_MERGE_SQL).toContain(
      "jsonb_to_recordset($1::text::jsonb) as (company_key text, run_date date,",
    );
    expect(POSTGRES_MERGE_SQL).toContain(`with ordinality as r(${columns}, ord)`);
    expect(POSTGRES_MERGE_SQL).toContain("order by company_key, run_date, ord desc");
    expect(POSTGRES_MERGE_SQL).toContain("on t.company_key = s.company_key and t.run_date = s.run_date");
    expect(POSTGRES_MERGE_SQL).toContain(
      "when matched then update set final_status = s.final_status, is_success = s.is_success,",
    );
    expect(POSTGRES_MERGE_SQL).toContain(`when not matched then insert (${columns}, mirrored_at)`);
  });
});
