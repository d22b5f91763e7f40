// The BigQuery side of an export as one multi-statement query (a script): its text, its
// ARRAY<STRUCT> parameter and the jobs.query request bodies, split only where BigQuery's request
// size limit forces it. Each request carries the whole script:
//
//   CREATE SCHEMA IF NOT EXISTS `project.monitoring` OPTIONS (location = "EU");
//   CREATE TABLE IF NOT EXISTS `project.monitoring.daily_summary` (company_key STRING NOT NULL, ...);
//   MERGE `project.monitoring.daily_summary` AS t USING (... UNNEST(@rows) ...) AS s ...;
//   SELECT @@row_count AS upserted;
//
// Why one script per request rather than DDL requests (datasets.insert / tables.insert, or a DDL
// query) before the MERGE:
// - Requests. BigQuery runs any query text with several statements as a script, in one job, and
//   jobs.query waits for that job like for any query (up to timeoutMs; then jobs.getQueryResults
//   polls the same job) and answers with the result of the script's last statement. So an export
//   is the token exchange plus one jobs.query, the first export into a project included: 2
//   requests (1 with a given access token), whatever the row count up to the 10 MB limit. A
//   separate DDL call would cost one more on every export, because each export uses a fresh
//   target that knows nothing of earlier ones.
// - Quotas. The DDL statements are not DML: they do not count against the per-table DML limits
//   (2 running and 20 queued mutating statements, 25 per 10 s), which only the one MERGE per
//   request uses. IF NOT EXISTS on existing objects is a no-op that scans no bytes. DDL on
//   datasets and permanent tables is not allowed inside a BigQuery transaction, and none is
//   needed (see atomicity).
// - Atomicity. A script is not a transaction: each statement commits on its own and the script
//   stops at the first failing one, failing its job with that statement's error (which the caller
//   surfaces with the API's message). The DDL is idempotent, and the MERGE is one statement, so
//   it applies all its rows or none: a failure never leaves a half-merged day, and a re-run
//   repairs it. Splitting only between run_dates keeps every day all-or-nothing when an export
//   needs several requests; each of them is self-contained (DDL included), so a retry of any
//   one does not depend on an earlier one.
// - Location. The job runs where the request's `location` says (EU by default), which is also
//   where CREATE SCHEMA puts the dataset (its OPTIONS location must match the job's) and where
//   the MERGE finds the table. A missing dataset cannot tell BigQuery where to run the job, so
//   the location is always sent.
// - Permissions. CREATE SCHEMA IF NOT EXISTS needs bigquery.datasets.create on the project even
//   when the dataset exists (BigQuery checks the permission first): grant BigQuery Data Editor
//   on the project, not only on a pre-created dataset.
// - Row count. @@row_count after a DML statement in a script is the rows it inserted or updated;
//   the final SELECT returns it as the script's result (one row, column `upserted`).
//
// Why MERGE from UNNEST(@rows) rather than a staging table loaded by a load job:
// - Requests. One jobs.query carries statement and rows. Staging needs a multipart upload (load
//   job), waiting for it, then the MERGE, then dropping or truncating the stage: 3-4 requests
//   more, and a second job to poll.
// - Quotas. We run 1 mutating DML statement per export (a few at most), far inside the limits
//   above. Load jobs allow 1,500 per table per day, also fine, but they would be spent on a table
//   that only exists to be merged from. An ARRAY parameter is one parameter whatever its length,
//   so the 10,000 parameter limit does not apply to row count; the parameter values do not count
//   towards the 1 MB query text limit either (the script is about 2 KB). What binds is the 10 MB
//   request size (script plus parameters): 3 days x 2,000 companies is about 2.5 MB, so one
//   request; beyond 10 MB the rows are split into several requests, each holding whole run_dates.
// - No streaming inserts anywhere: rows streamed with tabledata.insertAll cannot be changed by
//   DML for about 30 minutes, which would break corrections.
//
// De-duplication happens in the statement (QUALIFY ... ROW_NUMBER() over the array offset, last
// occurrence wins) so every statement is correct on its own whatever the caller passes; MERGE
// fails when two source rows match one target row. Since a key includes run_date and batches
// hold whole days, duplicates of a key always land in the same statement.

import {
  bigQueryColumnDefinitions,
  KEY_COLUMNS,
  MIRROR_DATASET,
  MIRROR_TABLE,
  type NormalizedRow,
  SCHEMA_V1,
  TYPE_NAMES,
} from "./schema.ts";

const ROWS_PARAMETER = "rows";
/** The name of the script's result column: the rows the MERGE inserted or updated. */
export const UPSERTED_COLUMN = "upserted";

const NAMES = SCHEMA_V1.map((c) => c.name);
const NON_KEY = NAMES.filter((n) => !(KEY_COLUMNS as readonly string[]).includes(n));

/** `project.dataset.table`; the caller validates the parts (no backticks can get in). */
function mergeStatement(tableRef: string): string {
  return [
    `MERGE \`${tableRef}\` AS t`,
    "USING (",
    `  SELECT ${NAMES.map((n) => `r.${n}`).join(", ")}`,
    `  FROM UNNEST(@${ROWS_PARAMETER}) AS r WITH OFFSET AS ord`,
    // WHERE TRUE: older GoogleSQL front ends require WHERE/GROUP BY/HAVING next to QUALIFY.
    "  WHERE TRUE",
    `  QUALIFY ROW_NUMBER() OVER (PARTITION BY ${
      KEY_COLUMNS.map((k) => `r.${k}`).join(", ")
    } ORDER BY ord DESC) = 1`,
    ") AS s",
    `ON ${KEY_COLUMNS.map((k) => `t.${k} = s.${k}`).join(" AND ")}`,
    `WHEN MATCHED THEN UPDATE SET ${NON_KEY.map((n) => `${n} = s.${n}`).join(", ")}`,
    `WHEN NOT MATCHED THEN INSERT (${NAMES.join(", ")})`,
    `  VALUES (${NAMES.map((n) => `s.${n}`).join(", ")})`,
  ].join("\n");
}

/** The DDL at the head of every script: dataset and table, each created only when missing. */
function ddlStatements(projectId: string, location: string): string[] {
  return [
    `CREATE SCHEMA IF NOT EXISTS \`${projectId}.${MIRROR_DATASET}\`\n  OPTIONS (location = "${location}")`,
    [
      `CREATE TABLE IF NOT EXISTS \`${projectId}.${MIRROR_DATASET}.${MIRROR_TABLE}\` (`,
      bigQueryColumnDefinitions().map((definition) => `  ${definition}`).join(",\n"),
      ")",
    ].join("\n"),
  ];
}

/**
 * The script of one request: the DDL, then (with rows) the MERGE and the SELECT of its row count.
 * `projectId` and `location` are validated by the caller (no backtick or quote can get in).
 */
export function exportScript(projectId: string, location: string, withRows: boolean): string {
  const statements = ddlStatements(projectId, location);
  if (withRows) {
    statements.push(
      mergeStatement(`${projectId}.${MIRROR_DATASET}.${MIRROR_TABLE}`),
      `SELECT @@row_count AS ${UPSERTED_COLUMN}`,
    );
  }
  return statements.map((statement) => `${statement};`).join("\n");
}

/** The type of @rows: ARRAY<STRUCT<...>> with the schema's columns, in order, GoogleSQL names. */
function rowsParameterType() {
  return {
    type: "ARRAY",
    arrayType: {
      type: "STRUCT",
      structTypes: SCHEMA_V1.map((c) => ({ name: c.name, type: { type: TYPE_NAMES[c.type].googleSql } })),
    },
  };
}

/** One array element: every scalar travels as a string (the API's wire form), NULL as null. */
function encodeRow(row: NormalizedRow) {
  const structValues: Record<string, { value: string | null }> = {};
  for (const name of NAMES) {
    const value = row[name];
    structValues[name] = { value: value === null ? null : String(value) };
  }
  return { structValues };
}

export class MirrorRequestTooLargeError extends Error {
  override name = "MirrorRequestTooLargeError";
}

export interface ExportRequestOptions {
  projectId: string;
  /** The job's location, also the dataset's (CREATE SCHEMA ... OPTIONS (location)). */
  location: string;
  /** jobs.query `timeoutMs`: how long the call waits for the job before answering. */
  timeoutMs: number;
  maxRequestBytes: number;
}

/**
 * Serialized jobs.query bodies for the rows: one when they fit into maxRequestBytes (the usual case),
 * otherwise several, each holding whole run_dates. No rows: one DDL-only script, so that the table
 * exists after every export. Throws MirrorRequestTooLargeError before anything is sent when a
 * single day does not fit.
 */
export function exportRequestBodies(rows: readonly NormalizedRow[], options: ExportRequestOptions): string[] {
  if (rows.length === 0) {
    return [JSON.stringify({
      query: exportScript(options.projectId, options.location, false),
      useLegacySql: false,
      location: options.location,
      timeoutMs: options.timeoutMs,
    })];
  }
  const encoder = new TextEncoder();
  const script = exportScript(options.projectId, options.location, true);
  const requestFor = (values: unknown[]) => ({
    query: script,
    useLegacySql: false,
    parameterMode: "NAMED",
    queryParameters: [{
      name: ROWS_PARAMETER,
      parameterType: rowsParameterType(),
      parameterValue: { arrayValues: values },
    }],
    location: options.location,
    timeoutMs: options.timeoutMs,
  });
  // JSON.stringify joins array elements with ",", so a body's size is the empty envelope plus
  // each element's size plus its separator: known per row without serializing every candidate
  // batch (counting a separator for every element overestimates by one byte at most).
  const envelopeBytes = encoder.encode(JSON.stringify(requestFor([]))).length;
  const encoded = rows.map((row) => {
    const value = encodeRow(row);
    return { value, bytes: encoder.encode(JSON.stringify(value)).length + 1 };
  });

  const days = new Map<string, number[]>();
  rows.forEach((row, i) => {
    const day = days.get(row.run_date);
    if (day) day.push(i);
    else days.set(row.run_date, [i]);
  });

  const batches: number[][] = [];
  let current: number[] = [];
  let currentBytes = envelopeBytes;
  for (const [runDate, indices] of days) {
    const dayBytes = indices.reduce((sum, i) => sum + encoded[i].bytes, 0);
    if (envelopeBytes + dayBytes > options.maxRequestBytes) {
      throw new MirrorRequestTooLargeError(
        `run_date ${runDate} alone needs about ${envelopeBytes + dayBytes} bytes, over the ` +
          `${options.maxRequestBytes}-byte BigQuery request limit; a day is never split across requests`,
      );
    }
    if (current.length > 0 && currentBytes + dayBytes > options.maxRequestBytes) {
      batches.push(current);
      current = [];
      currentBytes = envelopeBytes;
    }
    for (const i of indices) current.push(i);
    currentBytes += dayBytes;
  }
  batches.push(current);

  // Within a batch, rows keep their input order, so "last occurrence wins" holds.
  return batches.map((batch) => {
    const ordered = batch.sort((a, b) => a - b);
    return JSON.stringify(requestFor(ordered.map((i) => encoded[i].value)));
  });
}
