// BigQuery mirror schema v1: the one definition of `monitoring.daily_summary`.
//
// Everything else is derived from SCHEMA_V1: the BigQuery column definitions of the table's
// CREATE TABLE (here; bigquery-merge.ts puts them into the export script), the row normalizer
// (normalize.ts), the local Postgres DDL and MERGE (postgres-sql.ts) and the ARRAY<STRUCT> query
// parameter of the BigQuery MERGE (bigquery-merge.ts). Changing a column
// means changing it here and bumping the version; BigQuery only allows relaxing a column
// (REQUIRED -> NULLABLE) or appending NULLABLE columns in place.
//
// Modes: a column is REQUIRED when the Looker view always defines it (the key, the status and
// the two 0/1 flags derived from it: the view has exactly one row per company and date,
// including `no_data` days). Measurements are NULLABLE because "no run" and "no baseline yet"
// must stay NULL, not 0, or Looker's averages and sums would be wrong.

export const SCHEMA_VERSION = 1;
export const MIRROR_DATASET = "monitoring";
export const MIRROR_TABLE = "daily_summary";
export const KEY_COLUMNS = ["company_key", "run_date"] as const;

export const FINAL_STATUSES = ["success", "partial", "failed", "no_data"] as const;
export type FinalStatus = (typeof FINAL_STATUSES)[number];

/** Legacy BigQuery type names, as the REST table schema and the console show them (GoogleSQL names: TYPE_NAMES). */
export type ColumnType = "STRING" | "DATE" | "INTEGER" | "FLOAT";
export type ColumnMode = "REQUIRED" | "NULLABLE";

export interface ColumnSpec {
  readonly name: string;
  readonly type: ColumnType;
  readonly mode: ColumnMode;
  /** When present, the only values the column may hold (besides NULL when NULLABLE). */
  readonly allowed?: readonly (string | number)[];
}

export const SCHEMA_V1 = [
  { name: "company_key", type: "STRING", mode: "REQUIRED" },
  { name: "run_date", type: "DATE", mode: "REQUIRED" },
  { name: "final_status", type: "STRING", mode: "REQUIRED", allowed: FINAL_STATUSES },
  { name: "is_success", type: "INTEGER", mode: "REQUIRED", allowed: [0, 1] },
  { name: "is_problem", type: "INTEGER", mode: "REQUIRED", allowed: [0, 1] },
  { name: "jobs_processed_best", type: "INTEGER", mode: "NULLABLE" },
  { name: "http_fail_rate_sum", type: "FLOAT", mode: "NULLABLE" },
  { name: "http_block_rate_sum", type: "FLOAT", mode: "NULLABLE" },
  { name: "baseline_jobs_processed_14d", type: "FLOAT", mode: "NULLABLE" },
  { name: "execution_time_sec_best", type: "FLOAT", mode: "NULLABLE" },
] as const satisfies readonly ColumnSpec[];

export type Column = (typeof SCHEMA_V1)[number];
export type ColumnName = Column["name"];

/**
 * How each column type is spelled elsewhere: `googleSql` in the BigQuery DDL and query parameters
 * (GoogleSQL names, which the ARRAY<STRUCT> parameter needs), `postgres` in the local target table. INTEGER is
 * INT64 in BigQuery, hence bigint; FLOAT is FLOAT64, hence double precision (measurements, not
 * money: no NUMERIC needed).
 */
export const TYPE_NAMES = {
  STRING: { googleSql: "STRING", postgres: "text" },
  DATE: { googleSql: "DATE", postgres: "date" },
  INTEGER: { googleSql: "INT64", postgres: "bigint" },
  FLOAT: { googleSql: "FLOAT64", postgres: "double precision" },
} as const satisfies Record<ColumnType, { googleSql: string; postgres: string }>;

type BaseValue<C extends ColumnSpec> = C extends { allowed: readonly (infer A)[] } ? A
  : C["type"] extends "STRING" | "DATE" ? string
  : number;
type ColumnValue<C extends ColumnSpec> = C["mode"] extends "REQUIRED" ? BaseValue<C> : BaseValue<C> | null;

/** A validated row: numbers as JS numbers, NULLs kept, dates as 'YYYY-MM-DD'. */
export type NormalizedRow = { -readonly [C in Column as C["name"]]: ColumnValue<C> };

/**
 * The column definitions of the BigQuery table, in order, as GoogleSQL DDL renders them:
 * `company_key STRING NOT NULL`, ..., `execution_time_sec_best FLOAT64`. REQUIRED is NOT NULL,
 * NULLABLE has no constraint. `allowed` is not rendered: BigQuery has no CHECK constraints, the
 * normalizer enforces it before anything is sent.
 */
export function bigQueryColumnDefinitions(): string[] {
  return SCHEMA_V1.map(({ name, type, mode }) =>
    `${name} ${TYPE_NAMES[type].googleSql}${mode === "REQUIRED" ? " NOT NULL" : ""}`
  );
}

/**
 * Where normalized rows are mirrored to. Implementations: the BigQuery REST target
 * (bigquery.ts) and the local Postgres target (postgres-sql.ts holds its SQL).
 */
export interface MirrorTarget {
  /** Short label for export records and logs, e.g. "bigquery" or "local". */
  name: string;
  /**
   * Makes sure the dataset/schema and table exist when upsert writes; cheap to call before every
   * upsert. Local: creates them now. BigQuery: sends nothing, because every upsert request runs
   * the same IF NOT EXISTS DDL at the head of its script (see bigquery-merge.ts).
   */
  ensureTable(): Promise<void>;
  /**
   * Idempotent upsert keyed by (company_key, run_date); the last of duplicate keys wins. Creates
   * the dataset/schema and table first when missing, also for an empty batch.
   */
  upsert(rows: NormalizedRow[]): Promise<{ upserted: number }>;
}
