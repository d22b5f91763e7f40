// STAND-IN, NOT BIGQUERY. A small local HTTP server imitating the few parts of the BigQuery REST
// API v2 and Google's OAuth 2.0 token endpoint that the mirror uses, for contract tests:
//
// - records every request (method, path, query, headers, parsed body) for exact assertions;
// - POST /token: verifies the JWT bearer assertion's RS256 signature with the configured public
//   key and its claims (iss, scope, aud = this endpoint, iat, exp <= iat + 3600), issues a token;
// - requires `Authorization: Bearer <issued or configured token>` on every API call (401 else);
// - jobs.query runs the mirror's script statement by statement, in the job's `location` (the
//   request's, BigQuery's default US when absent), and stops at the first failing statement,
//   keeping the effects of the earlier ones, as BigQuery does. It recognizes statements by
//   simple prefix parsing, NOT by parsing SQL: statements end with ";" at the end of a line, and
//   only these forms are understood (anything else is a 400 invalidQuery):
//     CREATE SCHEMA IF NOT EXISTS `project.dataset` [OPTIONS (location = "...")]
//         creates the dataset in memory when missing (its location must match the job's);
//     CREATE TABLE IF NOT EXISTS `project.dataset.table` (name TYPE [NOT NULL], ...)
//         creates the table when missing, with the column list split on commas (no nested
//         types); the dataset must exist in the job's location;
//     MERGE `project.dataset.table` ...
//         does not read the statement beyond the table name: it upserts the @rows ARRAY<STRUCT>
//         parameter keyed by (company_key, run_date), last duplicate winning (the mirror's MERGE
//         semantics), all rows or none; struct fields must be the table's columns and NOT NULL
//         columns must not get NULL;
//     SELECT @@row_count AS name
//         the script's result: one row with the rows the previous MERGE touched.
//   It can answer jobComplete:false first so that jobs.getQueryResults polling gets exercised;
// - failNext() makes the next (matching) request fail with an error in Google's real JSON shape,
//   before any statement runs; failNextStatement() makes the next matching statement fail
//   inside the script (the statements before it keep their effects).
//
// Everything else real BigQuery does (SQL, types beyond the parameter's, quotas, permissions) is
// out of scope, and its error messages are imitations.

import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: unknown;
  /** What the stand-in answered. */
  response?: { status: number; body: unknown };
}

/** An error as BigQuery reports it, e.g. { status: 403, reason: "quotaExceeded", message: "..." }. */
export interface StandInError {
  status: number;
  reason: string;
  message: string;
}

export interface StandInOptions {
  /** RS256 public key of the service account whose assertions /token accepts. */
  publicKey?: CryptoKey;
  /** The service account's client_email: the required `iss`. */
  clientEmail?: string;
  /** Access tokens accepted without an exchange (the access-token mode). */
  staticTokens?: string[];
  /** getQueryResults polls a job needs before it reports completion. Default 0: jobs.query completes. */
  pollsBeforeComplete?: number;
  /** Clock in ms since the epoch, for JWT time checks. Default Date.now. */
  now?: () => number;
}

export interface VerifiedAssertion {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
}

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

interface Job {
  projectId: string;
  location: string;
  pollsLeft: number;
  /** The result of the script's final SELECT, if it had one. */
  result?: { name: string; value: number };
}

const BIGQUERY_SCOPE = "https://www.googleapis.com/auth/bigquery";
const JWT_BEARER_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer";
const CLOCK_SKEW_SEC = 60;
const STATUS_NAMES: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  409: "ALREADY_EXISTS",
  429: "RESOURCE_EXHAUSTED",
  500: "INTERNAL",
  503: "UNAVAILABLE",
};

class HttpError extends Error {
  constructor(readonly error: StandInError) {
    super(error.message);
  }
}

export class BigQueryStandIn {
  readonly requests: RecordedRequest[] = [];
  readonly assertions: VerifiedAssertion[] = [];
  /** Keyed "project:dataset": where CREATE SCHEMA put it, and the statement. */
  readonly datasets = new Map<string, { location: string; ddl: string }>();
  /** Keyed "project:dataset.table": what CREATE TABLE made. */
  readonly tables = new Map<string, StandInTable>();
  /** Keyed "project:dataset.table", then "company_key|run_date". */
  readonly tableRows = new Map<string, Map<string, Record<string, unknown>>>();
  private readonly tokens = new Map<string, number>();
  private readonly jobs = new Map<string, Job>();
  private readonly failures: { error: StandInError; path?: RegExp }[] = [];
  private readonly statementFailures: { error: StandInError; statement: RegExp }[] = [];
  private jobCounter = 0;

  private constructor(
    private readonly server: ReturnType<typeof createServer>,
    readonly url: string,
    private readonly options: StandInOptions,
  ) {
    for (const token of options.staticTokens ?? []) this.tokens.set(token, Number.POSITIVE_INFINITY);
  }

  static async start(options: StandInOptions = {}): Promise<BigQueryStandIn> {
    let standIn: BigQueryStandIn | undefined;
    const server = createServer((req, res) => void standIn!.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    standIn = new BigQueryStandIn(server, `http://127.0.0.1:${port}`, options);
    return standIn;
  }

  get apiUrl(): string {
    return `${this.url}/bigquery/v2`;
  }

  get tokenUrl(): string {
    return `${this.url}/token`;
  }

  /** The next request whose path matches (any request by default) fails with this error. */
  failNext(error: StandInError, path?: RegExp): void {
    this.failures.push({ error, path });
  }

  /**
   * The next script statement matching `statement` (e.g. /^MERGE/) fails with this error: the
   * script stops there, the statements before it keep their effects, and jobs.query answers
   * with the error (as BigQuery does for a job that fails within timeoutMs).
   */
  failNextStatement(error: StandInError, statement: RegExp): void {
    this.statementFailures.push({ error, statement });
  }

  /** Rows of a table, sorted by key. */
  rowsOf(tableKey: string): Record<string, unknown>[] {
    const rows = this.tableRows.get(tableKey) ?? new Map();
    return [...rows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => this.server.close((e) => (e ? reject(e) : resolve())));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.url);
    const text = await readBody(req);
    const contentType = req.headers["content-type"] ?? "";
    const body = text === ""
      ? undefined
      : contentType.startsWith("application/json")
      ? parseJson(text)
      : contentType.startsWith("application/x-www-form-urlencoded")
      ? Object.fromEntries(new URLSearchParams(text))
      : text;
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
    const recorded: RecordedRequest = {
      method: req.method ?? "GET",
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
      body,
    };
    this.requests.push(recorded);

    const isToken = url.pathname === "/token";
    try {
      const failure = this.failures.findIndex((f) => !f.path || f.path.test(url.pathname));
      if (failure >= 0) throw new HttpError(this.failures.splice(failure, 1)[0].error);
      const answer = isToken ? await this.token(recorded) : this.api(recorded);
      send(res, recorded, 200, answer);
    } catch (thrown) {
      // Anything unexpected (e.g. an undecodable JWT) is still answered, as a 500 in the API's shape.
      const { status, reason, message } = thrown instanceof HttpError ? thrown.error : {
        status: 500,
        reason: "internalError",
        message: thrown instanceof Error ? thrown.message : String(thrown),
      };
      send(
        res,
        recorded,
        status,
        isToken ? { error: reason, error_description: message } : {
          error: {
            code: status,
            message,
            errors: [{ message, domain: /quota|rateLimit/.test(reason) ? "usageLimits" : "global", reason }],
            status: STATUS_NAMES[status] ?? "UNKNOWN",
          },
        },
      );
    }
  }

  private async token(request: RecordedRequest): Promise<unknown> {
    const form = (request.body ?? {}) as Record<string, string>;
    const grant = (description: string) =>
      new HttpError({ status: 400, reason: "invalid_grant", message: description });
    if (request.method !== "POST") throw grant("token requests must be POST");
    if (form.grant_type !== JWT_BEARER_GRANT) {
      throw new HttpError({
        status: 400,
        reason: "unsupported_grant_type",
        message: `Invalid grant_type: ${form.grant_type}`,
      });
    }
    const parts = (form.assertion ?? "").split(".");
    if (parts.length !== 3) throw grant("Invalid JWT: not three dot-separated parts");
    const [header, claims] = parts.slice(0, 2).map((p) =>
      JSON.parse(new TextDecoder().decode(base64UrlDecode(p)))
    );
    if (header.alg !== "RS256") throw grant(`Invalid JWT: alg ${header.alg}, expected RS256`);
    if (!this.options.publicKey) throw grant("stand-in has no public key configured");
    const valid = await crypto.subtle.verify(
      "RSASSA-PKCS1-v1_5",
      this.options.publicKey,
      base64UrlDecode(parts[2]),
      new TextEncoder().encode(`${parts[0]}.${parts[1]}`),
    );
    if (!valid) throw grant("Invalid JWT Signature.");
    const nowSec = Math.floor((this.options.now ?? Date.now)() / 1000);
    if (claims.iss !== this.options.clientEmail) {
      throw grant(`Invalid JWT: iss ${claims.iss} is not the service account`);
    }
    if (claims.aud !== this.tokenUrl) {
      throw grant(`Invalid JWT: aud ${claims.aud}, expected ${this.tokenUrl}`);
    }
    if (!String(claims.scope ?? "").split(" ").includes(BIGQUERY_SCOPE)) {
      throw new HttpError({ status: 400, reason: "invalid_scope", message: `scope lacks ${BIGQUERY_SCOPE}` });
    }
    const { iat, exp } = claims;
    if (
      typeof iat !== "number" || typeof exp !== "number" || iat > nowSec + CLOCK_SKEW_SEC || exp <= nowSec ||
      exp - iat > 3600
    ) {
      throw grant(
        "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.",
      );
    }
    this.assertions.push({ header, claims });
    const token = `standin-${crypto.randomUUID()}`;
    const lifetimeSec = exp - iat;
    this.tokens.set(token, (nowSec + lifetimeSec) * 1000);
    return { access_token: token, expires_in: lifetimeSec, token_type: "Bearer" };
  }

  private api(request: RecordedRequest): unknown {
    const auth = /^Bearer (.+)$/.exec(request.headers.authorization ?? "");
    const expiresAt = auth ? this.tokens.get(auth[1]) : undefined;
    if (expiresAt === undefined || expiresAt <= (this.options.now ?? Date.now)()) {
      throw new HttpError({
        status: 401,
        reason: "authError",
        message:
          "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie " +
          "or other valid authentication credential.",
      });
    }
    const route = `${request.method} ${request.path.replace(/^\/bigquery\/v2/, "")}`;
    let m: RegExpExecArray | null;
    if ((m = /^POST \/projects\/([^/]+)\/queries$/.exec(route))) return this.query(m[1], request.body);
    if ((m = /^GET \/projects\/([^/]+)\/queries\/([^/]+)$/.exec(route))) return this.queryResults(m[1], m[2]);
    throw new HttpError({ status: 404, reason: "notFound", message: `Not found: ${route}` });
  }

  private query(projectId: string, body: unknown): unknown {
    const q = body as {
      query?: string;
      useLegacySql?: boolean;
      parameterMode?: string;
      location?: string;
      queryParameters?: QueryParameter[];
    };
    if (q?.useLegacySql !== false) {
      throw new HttpError({
        status: 400,
        reason: "invalidQuery",
        message: "stand-in only runs GoogleSQL (useLegacySql:false)",
      });
    }
    const location = q.location ?? "US";
    const statements = (q.query ?? "").split(/;[ \t]*(?:\n|$)/).map((t) => t.trim()).filter(Boolean);
    if (statements.length === 0) {
      throw new HttpError({ status: 400, reason: "invalidQuery", message: "Syntax error: empty query" });
    }
    let rowCount: number | undefined;
    let result: Job["result"];
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
        const param = q.queryParameters?.find((p) => p.name === "rows");
        if (q.parameterMode !== "NAMED" || !param) {
          throw new HttpError({
            status: 400,
            reason: "invalidQuery",
            message: "Query parameter 'rows' not found",
          });
        }
        rowCount = this.applyMerge(this.tableIn(m[1], location), param);
      } else if ((m = /^SELECT @@row_count AS (\w+)$/i.exec(statement))) {
        result = { name: m[1], value: rowCount ?? -1 };
      } else {
        throw new HttpError({
          status: 400,
          reason: "invalidQuery",
          message: `stand-in does not understand the statement: ${statement.slice(0, 60)}`,
        });
      }
    }
    const jobId = `standin_job_${++this.jobCounter}`;
    const job: Job = { projectId, location, pollsLeft: this.options.pollsBeforeComplete ?? 0, result };
    this.jobs.set(jobId, job);
    return this.jobAnswer(jobId, job);
  }

  /** `project.dataset` -> "project:dataset" */
  private createSchema(name: string, optionLocation: string | undefined, jobLocation: string, ddl: string) {
    const [project, dataset, ...rest] = name.split(".");
    if (!project || !dataset || rest.length > 0) {
      throw new HttpError({ status: 400, reason: "invalidQuery", message: `Invalid schema name: ${name}` });
    }
    if (optionLocation !== undefined && optionLocation.toLowerCase() !== jobLocation.toLowerCase()) {
      throw new HttpError({
        status: 400,
        reason: "invalidQuery",
        message:
          `Location ${optionLocation} of dataset ${project}:${dataset} does not match the job's location ${jobLocation}`,
      });
    }
    const key = `${project}:${dataset}`;
    if (!this.datasets.has(key)) this.datasets.set(key, { location: optionLocation ?? jobLocation, ddl });
  }

  private createTable(name: string, columnList: string, jobLocation: string, ddl: string) {
    const [project, dataset, table, ...rest] = name.split(".");
    if (!project || !dataset || !table || rest.length > 0) {
      throw new HttpError({ status: 400, reason: "invalidQuery", message: `Invalid table name: ${name}` });
    }
    this.datasetIn(`${project}:${dataset}`, jobLocation);
    const columns = columnList.split(",").map((definition) => {
      const c = /^\s*(\w+)\s+(\w+)(\s+NOT\s+NULL)?\s*$/i.exec(definition);
      if (!c) {
        throw new HttpError({
          status: 400,
          reason: "invalidQuery",
          message: `stand-in does not understand the column definition: ${definition.trim()}`,
        });
      }
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
      throw new HttpError({
        status: 404,
        reason: "notFound",
        message: `Not found: Dataset ${datasetKey} was not found in location ${jobLocation}`,
      });
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
      throw new HttpError({
        status: 404,
        reason: "notFound",
        message: `Not found: Table ${tableKey} was not found in location ${jobLocation}`,
      });
    }
    return tableKey;
  }

  private queryResults(projectId: string, jobId: string): unknown {
    const job = this.jobs.get(jobId);
    if (!job || job.projectId !== projectId) {
      throw new HttpError({
        status: 404,
        reason: "notFound",
        message: `Not found: Job ${projectId}:${jobId}`,
      });
    }
    job.pollsLeft = Math.max(0, job.pollsLeft - 1);
    return this.jobAnswer(jobId, job);
  }

  private jobAnswer(jobId: string, job: Job): unknown {
    const complete = job.pollsLeft === 0;
    const answer: Record<string, unknown> = {
      kind: "bigquery#queryResponse",
      jobReference: { projectId: job.projectId, jobId, location: job.location },
      jobComplete: complete,
    };
    if (complete && job.result) {
      // The script's result is its last statement's: the SELECT's one row.
      answer.schema = { fields: [{ name: job.result.name, type: "INTEGER", mode: "NULLABLE" }] };
      answer.rows = job.result.value < 0
        ? [{ f: [{ v: null }] }]
        : [{ f: [{ v: String(job.result.value) }] }];
      answer.totalRows = "1";
    } else if (complete) {
      answer.totalRows = "0";
    }
    return answer;
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
      throw new HttpError({
        status: 400,
        reason: "invalidQuery",
        message: `@rows fields (${names.join(", ")}) are not the columns of ${tableKey}`,
      });
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
          throw new HttpError({
            status: 400,
            reason: "invalidQuery",
            message: `Required field ${column.name} cannot be null`,
          });
        }
      }
    }
    const table = this.tableRows.get(tableKey)!;
    for (const [key, row] of deduped) table.set(key, row);
    return deduped.size;
  }
}

interface QueryParameter {
  name?: string;
  parameterType?: {
    type: string;
    arrayType?: { type: string; structTypes?: { name: string; type: { type: string } }[] };
  };
  parameterValue?: { arrayValues?: { structValues?: Record<string, { value?: string | null }> }[] };
}

function decodeScalar(type: string, value: string | null): unknown {
  if (value === null) return null;
  if (type === "INT64" || type === "FLOAT64") {
    const number = Number(value);
    if (!Number.isFinite(number) || (type === "INT64" && !Number.isInteger(number))) {
      throw new HttpError({
        status: 400,
        reason: "invalidQuery",
        message: `Invalid ${type} value: ${value}`,
      });
    }
    return number;
  }
  if (type === "DATE" && !/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    throw new HttpError({ status: 400, reason: "invalidQuery", message: `Invalid DATE value: ${value}` });
  }
  return value;
}

/** Unparseable JSON is recorded as its text; the route then rejects it like any bad body. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function base64UrlDecode(text: string): Uint8Array<ArrayBuffer> {
  const base64 = text.replace(/-/g, "+").replace(/_/g, "/");
  return Uint8Array.from(atob(base64 + "=".repeat((4 - (base64.length % 4)) % 4)), (c) => c.charCodeAt(0));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function send(res: ServerResponse, recorded: RecordedRequest, status: number, body: unknown): void {
  recorded.response = { status, body };
  res.writeHead(status, { "content-type": "application/json; charset=UTF-8" });
  res.end(JSON.stringify(body));
}
