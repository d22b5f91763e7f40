// STAND-IN, NOT BIGQUERY: the statements of the BigQuery stand-in (server.ts), on in-memory
// datasets and tables. A script runs statement by statement in the job's location and stops at the
// first failing one, keeping the effects of the earlier ones, as BigQuery does. Statements are
// recognized by simple prefix parsing, NOT by parsing SQL (see server.ts for the forms understood).
import { HttpError, invalidQuery, notFound, type StandInError } from "./errors.ts";

/** A column as the stand-in's CREATE TABLE stores it: the DDL's type name, NOT NULL as REQUIRED. */
export interface StandInColumn {
  name: string;
  type: string;
  mode: "REQUIRED" | "NULLABLE";
}

export interface StandInTable {
  columns: StandInColumn[];
  /** The CREATE TABLE statement that created it. */
  ddl: string;
}

export interface QueryParameter {
  name?: string;
  parameterType?: {
    type: string;
    arrayType?: { type: string; structTypes?: { name: string; type: { type: string } }[] };
  };
  parameterValue?: { arrayValues?: { structValues?: Record<string, { value?: string | null }> }[] };
}

/** The script's result: the final SELECT's one value, if it had one. */
export type ScriptResult = { name: string; value: number } | undefined;

export class Warehouse {
  /** Keyed "project:dataset": where CREATE SCHEMA put it, and the statement. */
  readonly datasets = new Map<string, { location: string; ddl: string }>();
  /** Keyed "project:dataset.table": what CREATE TABLE made. */
  readonly tables = new Map<string, StandInTable>();
  /** Keyed "project:dataset.table", then "company_key|run_date". */
  readonly tableRows = new Map<string, Map<string, Record<string, unknown>>>();
  private readonly statementFailures: { error: StandInError; statement: RegExp }[] = [];

  /** The next statement matching `statement` fails with this error (see BigQueryStandIn.failNextStatement). */
  failNextStatement(error: StandInError, statement: RegExp): void {
    this.statementFailures.push({ error, statement });
  }

  /** Runs a script's statements in `location`, with its named query parameters. */
  run(script: string, location: string, parameters: { mode?: string; values?: QueryParameter[] }): ScriptResult {
    const statements = script.split(/;[ \t]*(?:\n|$)/).map((t) => t.trim()).filter(Boolean);
    if (statements.length === 0) throw invalidQuery("Syntax error: empty query");
    let rowCount: number | undefined;
    let result: ScriptResult;
    for (const statement of statements) {
      const failure = this.statementFailures.findIndex((f) => f.statement.test(statement));
      if (failure >= 0) throw new HttpError(this.statementFailures.splice(failure, 1)[0].error);
      let m: RegExpExecArray | null;
      if (
        (m = /^CREATE SCHEMA IF NOT EXISTS `([^`]+)`(?:\s+OPTIONS\s*\(\s*location\s*=\s*"([^"]*)"\s*\))?$/i
          .exec(statement))
      ) {
        this.createSchema(m[1], m[2], location, statement);
        rowCount = undefined;
      } else if ((m = /^CREATE TABLE IF NOT EXISTS `([^`]+)`\s*\(([\s\S]*)\)$/i.exec(statement))) {
        this.createTable(m[1], m[2], location, statement);
        rowCount = undefined;
      } else if ((m = /^MERGE `([^`]+)`/i.exec(statement))) {
        const param = parameters.values?.find((p) => p.name === "rows");
        if (parameters.mode !== "NAMED" || !param) throw invalidQuery("Query parameter 'rows' not found");
        rowCount = this.applyMerge(this.tableIn(m[1], location), param);
      } else if ((m = /^SELECT @@row_count AS (\w+)$/i.exec(statement))) {
        result = { name: m[1], value: rowCount ?? -1 };
      } else {
        throw invalidQuery(`stand-in does not understand the statement: ${statement.slice(0, 60)}`);
      }
    }
    return result;
  }

  /** Rows of a table, sorted by key. */
  rowsOf(tableKey: string): Record<string, unknown>[] {
    const rows = this.tableRows.get(tableKey) ?? new Map();
    return [...rows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);
  }

  /** `project.dataset` -> "project:dataset" */
  private createSchema(name: string, optionLocation: string | undefined, jobLocation: string, ddl: string) {
    const [project, dataset, ...rest] = name.split(".");
    if (!project || !dataset || rest.length > 0) throw invalidQuery(`Invalid schema name: ${name}`);
    if (optionLocation !== undefined && optionLocation.toLowerCase() !== jobLocation.toLowerCase()) {
      throw invalidQuery(
        `Location ${optionLocation} of dataset ${project}:${dataset} does not match the job's location ${jobLocation}`,
      );
    }
    const key = `${project}:${dataset}`;
    if (!this.datasets.has(key)) this.datasets.set(key, { location: optionLocation ?? jobLocation, ddl });
  }

  private createTable(name: string, columnList: string, jobLocation: string, ddl: string) {
    const [project, dataset, table, ...rest] = name.split(".");
    if (!project || !dataset || !table || rest.length > 0) throw invalidQuery(`Invalid table name: ${name}`);
    this.datasetIn(`${project}:${dataset}`, jobLocation);
    const columns = columnList.split(",").map((definition) => {
      const c = /^\s*(\w+)\s+(\w+)(\s+NOT\s+NULL)?\s*$/i.exec(definition);
      if (!c) throw invalidQuery(`stand-in does not understand the column definition: ${definition.trim()}`);
      return { name: c[1], type: c[2].toUpperCase(), mode: c[3] ? "REQUIRED" : "NULLABLE" } as const;
    });
    const key = `${project}:${dataset}.${table}`;
    if (!this.tables.has(key)) {
      this.tables.set(key, { columns, ddl });
      this.tableRows.set(key, new Map());
    }
  }

  /** The dataset, which must exist in the job's location (BigQuery's "not found" otherwise). */
  private datasetIn(datasetKey: string, jobLocation: string) {
    const dataset = this.datasets.get(datasetKey);
    if (!dataset || dataset.location.toLowerCase() !== jobLocation.toLowerCase()) {
      throw notFound(`Not found: Dataset ${datasetKey} was not found in location ${jobLocation}`);
    }
    return dataset;
  }

  /** `project.dataset.table` -> "project:dataset.table", which must exist in the job's location. */
  private tableIn(name: string, jobLocation: string): string {
    const [project, dataset, table] = name.split(".");
    const datasetKey = `${project}:${dataset}`;
    const tableKey = `${datasetKey}.${table}`;
    if (
      this.datasets.get(datasetKey)?.location.toLowerCase() !== jobLocation.toLowerCase() ||
      !this.tables.has(tableKey)
    ) {
      throw notFound(`Not found: Table ${tableKey} was not found in location ${jobLocation}`);
    }
    return tableKey;
  }

  /**
   * Upserts the ARRAY<STRUCT> rows keyed by (company_key, run_date), all or none; returns the
   * rows touched (inserted or updated), what @@row_count reports after a MERGE.
   */
  private applyMerge(tableKey: string, param: QueryParameter): number {
    const { columns } = this.tables.get(tableKey)!;
    const structTypes = param.parameterType?.arrayType?.structTypes ?? [];
    const names = structTypes.map((t) => t.name);
    if (names.join(",") !== columns.map((c) => c.name).join(",")) {
      throw invalidQuery(`@rows fields (${names.join(", ")}) are not the columns of ${tableKey}`);
    }
    const types = new Map(structTypes.map((t) => [t.name, t.type.type]));
    const deduped = new Map<string, Record<string, unknown>>();
    for (const element of param.parameterValue?.arrayValues ?? []) {
      const row: Record<string, unknown> = {};
      for (const [name, type] of types) {
        row[name] = decodeScalar(type, element.structValues?.[name]?.value ?? null);
      }
      const key = `${row.company_key}|${row.run_date}`;
      deduped.delete(key); // re-insert so that the last occurrence wins
      deduped.set(key, row);
    }
    for (const row of deduped.values()) {
      for (const column of columns) {
        if (column.mode === "REQUIRED" && row[column.name] === null) {
          throw invalidQuery(`Required field ${column.name} cannot be null`);
        }
      }
    }
    const table = this.tableRows.get(tableKey)!;
    for (const [key, row] of deduped) table.set(key, row);
    return deduped.size;
  }
}

function decodeScalar(type: string, value: string | null): unknown {
  if (value === null) return null;
  if (type === "INT64" || type === "FLOAT64") {
    const number = Number(value);
    if (!Number.isFinite(number) || (type === "INT64" && !Number.isInteger(number))) {
      throw invalidQuery(`Invalid ${type} value: ${value}`);
    }
    return number;
  }
  if (type === "DATE" && !/^\d{4}-\d{2}-\d{2}$/.test(value)) throw invalidQuery(`Invalid DATE value: ${value}`);
  return value;
}
