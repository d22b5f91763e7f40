// One export of the BI mirror: read reporting.daily_summary_looker_v for the last N Berlin days,
// validate and normalize every row against schema v1, upsert into the target, and record the export
// in ops.mirror_runs through its SQL functions (ops.mirror_export_start / _finish).
//
// Order of events, and what a failure leaves behind:
//   1. ops.mirror_export_start: a 'running' record with the date range (computed in SQL).
//   2. One REPEATABLE READ, READ ONLY transaction reads the view's rows and the watermark (the
//      latest updated_at of the rollup rows behind them), so both describe one snapshot.
//   3. normalizeRows: one invalid value fails the export here, BEFORE anything is written,
//      naming row and field (MirrorRowError).
//   4. target.ensureTable() and target.upsert(rows): one MERGE statement per request (BigQuery:
//      one script per request, its IF NOT EXISTS DDL first, whole days per MERGE), so a failure
//      never leaves a half-merged day.
//   5. ops.mirror_export_finish: completed with rows read/upserted and the watermark, or failed
//      with the error's message (for BigQuery the API's own message). Re-running repairs a failure.
// A dry run does 2 and 3 only and records nothing.

import type { Database } from "../database.types.ts";
import type { Sql } from "../db.ts";
import { type ColumnName, type MirrorTarget, type NormalizedRow, SCHEMA_V1 } from "./schema.ts";
import { MirrorRowError, normalizeRows } from "./normalize.ts";

/** A row of the Looker view, typed by the generated types. */
export type LookerViewRow = Database["reporting"]["Views"]["daily_summary_looker_v"]["Row"];
/** The schema v1 columns of a view row. Fails to compile when the view lacks one of them. */
export type LookerSchemaRow = Pick<LookerViewRow, ColumnName>;

export type MirrorRun = Database["ops"]["Tables"]["mirror_runs"]["Row"];

export interface ExportOptions {
  /** Berlin days to export, ending today. Default 3. */
  days?: number;
  dryRun?: boolean;
  /** What started it: schedule | api | job. Default api. */
  trigger?: string;
  jobId?: number | null;
  /** Progress lines (job logs, function logs). */
  log?: (level: "INFO" | "WARNING" | "ERROR" | "SUCCESS", message: string) => void;
}

export interface ExportRead {
  dateFrom: string;
  dateTo: string;
  rows: LookerSchemaRow[];
  /** max(updated_at) of the rollup rows read; null when the range has no rollup row (all no_data). */
  watermark: string | null;
}

export type ExportResult =
  | {
    dryRun: true;
    target: string;
    dateFrom: string;
    dateTo: string;
    rowsRead: number;
    watermark: string | null;
    /** What would be written, normalized, in key order. */
    rows: NormalizedRow[];
  }
  | { dryRun: false; run: MirrorRun; error: Error | null };

// Schema v1's columns in order; DATE columns as text so that the values match the generated
// types (string) instead of postgres.js's Date objects.
const SELECT_LIST = SCHEMA_V1.map((c) => (c.type === "DATE" ? `${c.name}::text as ${c.name}` : c.name)).join(
  ", ",
);

/**
 * Reads the Looker view for [dateFrom, dateTo] and the watermark in one snapshot. Inactive
 * sources are not in the view, so the watermark only looks at active sources' rollup rows.
 */
export async function readExportRows(sql: Sql, dateFrom: string, dateTo: string): Promise<ExportRead> {
  return await sql.begin("isolation level repeatable read read only", async (tx) => {
    const rows = await tx.unsafe<LookerSchemaRow[]>(
      `select ${SELECT_LIST} from reporting.daily_summary_looker_v
        where run_date between $1::date and $2::date
        order by run_date, company_key`,
      [dateFrom, dateTo],
    );
    const [{ watermark }] = await tx<{ watermark: Date | null }[]>`
      select max(d.updated_at) as watermark
        from ops.daily_source_stats d join ops.sources s on s.id = d.source_id
       where s.active and d.run_date between ${dateFrom}::date and ${dateTo}::date`;
    return { dateFrom, dateTo, rows: [...rows], watermark: watermark ? watermark.toISOString() : null };
  }) as ExportRead;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Runs one export (or a dry run) to `target`. A failed export resolves with `error` set and the
 * failed record; it rejects only when the export cannot even be recorded (database unreachable,
 * bad days: those errors carry their SQLSTATE for the HTTP layer).
 */
export async function runExport(
  sql: Sql,
  target: MirrorTarget,
  options: ExportOptions = {},
): Promise<ExportResult> {
  const days = options.days ?? 3;
  const log = options.log ?? (() => {});

  if (options.dryRun) {
    const [range] = await sql<{ date_from: string; date_to: string }[]>`
      select date_from::text, date_to::text from ops.mirror_date_range(${days})`;
    const read = await readExportRows(sql, range.date_from, range.date_to);
    const rows = normalizeRows(read.rows);
    log(
      "INFO",
      `dry run: would upsert ${rows.length} rows for ${read.dateFrom}..${read.dateTo} into ${target.name} monitoring.daily_summary; nothing written`,
    );
    return {
      dryRun: true,
      target: target.name,
      dateFrom: read.dateFrom,
      dateTo: read.dateTo,
      rowsRead: read.rows.length,
      watermark: read.watermark,
      rows,
    };
  }

  const [started] = await sql<{ id: number; date_from: string; date_to: string }[]>`
    select id, date_from::text, date_to::text
      from ops.mirror_export_start(${target.name}, ${days}, ${options.trigger ?? "api"}, ${
    options.jobId ?? null
  })`;
  log("INFO", `export ${started.id}: ${started.date_from}..${started.date_to} to ${target.name}`);

  let rowsRead = 0;
  let watermark: string | null = null;
  try {
    const read = await readExportRows(sql, started.date_from, started.date_to);
    rowsRead = read.rows.length;
    watermark = read.watermark;
    const rows = normalizeRows(read.rows); // throws MirrorRowError before anything is written
    await target.ensureTable();
    const { upserted } = await target.upsert(rows);
    const run = await finish(sql, started.id, "completed", rowsRead, upserted, watermark, null);
    log("SUCCESS", `export ${run.id}: ${rowsRead} rows read, ${upserted} upserted in ${run.duration_ms} ms`);
    return { dryRun: false, run, error: null };
  } catch (thrown) {
    const error = thrown instanceof Error ? thrown : new Error(String(thrown));
    const prefix = error instanceof MirrorRowError ? "nothing written: " : "";
    log("ERROR", `export ${started.id} failed: ${prefix}${error.message}`);
    const run = await finish(sql, started.id, "failed", rowsRead, 0, watermark, `${prefix}${message(error)}`);
    return { dryRun: false, run, error };
  }
}

async function finish(
  sql: Sql,
  id: number,
  status: "completed" | "failed",
  rowsRead: number,
  rowsUpserted: number,
  watermark: string | null,
  error: string | null,
): Promise<MirrorRun> {
  // to_jsonb: timestamps as ISO text, exactly the generated Row type.
  const [{ run }] = await sql<{ run: MirrorRun }[]>`
    select to_jsonb(r) as run
      from ops.mirror_export_finish(${id}, ${status}, ${rowsRead}, ${rowsUpserted},
                                    ${watermark}::timestamptz, ${error}) r`;
  return run;
}
