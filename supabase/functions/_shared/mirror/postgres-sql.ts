// SQL of the local mirror target: a Postgres table with the same columns and the same MERGE
// semantics as the BigQuery table, so the whole export runs for real without BigQuery.

import { KEY_COLUMNS, MIRROR_DATASET, MIRROR_TABLE, SCHEMA_V1, TYPE_NAMES } from "./schema.ts";

const TABLE = `${MIRROR_DATASET}.${MIRROR_TABLE}`;
const NAMES = SCHEMA_V1.map((c) => c.name);
const NON_KEY = NAMES.filter((n) => !(KEY_COLUMNS as readonly string[]).includes(n));

function sqlLiteral(value: string | number): string {
  return typeof value === "number" ? String(value) : `'${value.replaceAll("'", "''")}'`;
}

const COLUMN_DEFINITIONS = SCHEMA_V1.map((c) => {
  const notNull = c.mode === "REQUIRED" ? " not null" : "";
  const check = "allowed" in c ? ` check (${c.name} in (${c.allowed.map(sqlLiteral).join(", ")}))` : "";
  return `  ${c.name} ${TYPE_NAMES[c.type].postgres}${notNull}${check},`;
});

/**
 * Creates schema `monitoring` and table `monitoring.daily_summary` when missing. `mirrored_at`
 * is local-only bookkeeping (when the row was last written), not part of schema v1.
 */
export const POSTGRES_TABLE_DDL = [
  `create schema if not exists ${MIRROR_DATASET};`,
  `create table if not exists ${TABLE} (`,
  ...COLUMN_DEFINITIONS,
  "  mirrored_at timestamptz not null default now(),",
  `  primary key (${KEY_COLUMNS.join(", ")})`,
  ");",
].join("\n");

/**
 * Upserts a batch in one statement. Parameter $1: `JSON.stringify(rows)` of NormalizedRow[]. It is
 * typed text, not jsonb, so that drivers send the string as is (postgres.js would JSON-encode a
 * string bound to a jsonb parameter a second time).
 *
 * The source is de-duplicated by key keeping the last occurrence (highest ordinality): MERGE
 * raises "MERGE command cannot affect row a second time" when two source rows match one target
 * row. One statement is one transaction, so a failure leaves no half-merged day. The command's
 * row count is the number of rows upserted.
 */
export const POSTGRES_MERGE_SQL = [
  `merge into ${TABLE} as t`,
  "using (",
  `  select distinct on (${KEY_COLUMNS.join(", ")}) ${NAMES.join(", ")}`,
  "  from rows from (",
  `    jsonb_to_recordset($1::text::jsonb) as (${
    SCHEMA_V1.map((c) => `${c.name} ${TYPE_NAMES[c.type].postgres}`).join(", ")
  })`,
  `  ) with ordinality as r(${NAMES.join(", ")}, ord)`,
  `  order by ${KEY_COLUMNS.join(", ")}, ord desc`,
  ") as s",
  `on ${KEY_COLUMNS.map((k) => `t.${k} = s.${k}`).join(" and ")}`,
  `when matched then update set ${NON_KEY.map((n) => `${n} = s.${n}`).join(", ")}, mirrored_at = now()`,
  `when not matched then insert (${NAMES.join(", ")}, mirrored_at)`,
  `  values (${NAMES.map((n) => `s.${n}`).join(", ")}, now());`,
].join("\n");
