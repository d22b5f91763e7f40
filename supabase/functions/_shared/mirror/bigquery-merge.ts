// The BigQuery MERGE of the mirror: statement text, its ARRAY<STRUCT> parameter and the
// jobs.query request bodies, split only where BigQuery's request size limit forces it.
//
// Why MERGE from UNNEST(@rows) rather than a staging table loaded by a load job:
// - Requests. One jobs.query carries statement and rows: 1 request per export (plus the token
//   and the table check). Staging needs a multipart upload (load job), waiting for it, then the
//   MERGE, then dropping or truncating the stage: 3-4 requests more, and a second job to poll.
// - Quotas. Mutating DML is limited per table to 2 running and 20 queued statements and 25
//   statements per 10 s; we run 1 per export (a few at most), far inside. Load jobs allow 1,500
//   per table per day, also fine, but they would be spent on a table that only exists to be
//   merged from. An ARRAY parameter is one parameter whatever its length, so the 10,000
//   parameter limit does not apply to row count; the parameter values do not count towards the
//   1 MB statement text limit either. What binds is the 10 MB request size (statement plus
//   parameters): 3 days x 2,000 companies is about 3 MB, so one request; beyond 10 MB the rows
//   are split into several MERGE statements, each holding whole run_dates.
// - Atomicity. One MERGE is one implicit transaction: it applies all its rows or none. Splitting
//   only between run_dates keeps every day all-or-nothing even when an export needs several
//   statements; a failed export is repaired by re-running it (MERGE is idempotent).
// - No streaming inserts anywhere: rows streamed with tabledata.insertAll cannot be changed by
//   DML for about 30 minutes, which would break corrections.
//
// De-duplication happens in the statement (QUALIFY ... ROW_NUMBER() over the array offset, last
// occurrence wins) so every statement is correct on its own whatever the caller passes; MERGE
// fails when two source rows match one target row. Since a key includes run_date and batches
// hold whole days, duplicates of a key always land in the same statement.

import { KEY_COLUMNS, type NormalizedRow, SCHEMA_V1, TYPE_NAMES } from "./schema.ts";

const ROWS_PARAMETER = "rows";

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

export interface MergeRequestOptions {
  /** `project.dataset.table` */
  tableRef: string;
  location: string;
  /** jobs.query `timeoutMs`: how long the call waits for the job before answering. */
  timeoutMs: number;
  maxRequestBytes: number;
}

/**
 * Serialized jobs.query bodies for the rows: one when they fit into maxRequestBytes (the usual case),
 * otherwise several, each holding whole run_dates. Throws MirrorRequestTooLargeError before
 * anything is sent when a single day does not fit.
 */
export function mergeRequestBodies(rows: readonly NormalizedRow[], options: MergeRequestOptions): string[] {
  if (rows.length === 0) return [];
  const encoder = new TextEncoder();
  const requestFor = (values: unknown[]) => ({
    query: mergeStatement(options.tableRef),
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
          `${options.maxRequestBytes}-byte BigQuery request limit; a day is never split across statements`,
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
