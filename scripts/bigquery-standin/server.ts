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
//
// Parts: token.ts (the OAuth token endpoint and bearer check), rest.ts (jobs.query and
// getQueryResults), statements.ts (the statements on in-memory datasets and tables), errors.ts
// (Google's error shapes). This file is the HTTP server: recording, injected failures, routing.

import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { HttpError, notFound, type StandInError, STATUS_NAMES } from "./errors.ts";
import { QueryJobs } from "./rest.ts";
import { Warehouse } from "./statements.ts";
import { TokenEndpoint, type TokenOptions, type VerifiedAssertion } from "./token.ts";

export type { StandInError } from "./errors.ts";
export type { StandInColumn, StandInTable } from "./statements.ts";
export type { VerifiedAssertion } from "./token.ts";

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: unknown;
  /** What the stand-in answered. */
  response?: { status: number; body: unknown };
}

export interface StandInOptions extends TokenOptions {
  /** getQueryResults polls a job needs before it reports completion. Default 0: jobs.query completes. */
  pollsBeforeComplete?: number;
}

export class BigQueryStandIn {
  readonly requests: RecordedRequest[] = [];
  private readonly warehouse = new Warehouse();
  private readonly tokenEndpoint: TokenEndpoint;
  private readonly queryJobs: QueryJobs;
  private readonly failures: { error: StandInError; path?: RegExp }[] = [];

  private constructor(
    private readonly server: ReturnType<typeof createServer>,
    readonly url: string,
    options: StandInOptions,
  ) {
    this.tokenEndpoint = new TokenEndpoint(options, () => this.tokenUrl);
    this.queryJobs = new QueryJobs(this.warehouse, options.pollsBeforeComplete ?? 0);
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

  /** The assertions /token accepted. */
  get assertions(): VerifiedAssertion[] {
    return this.tokenEndpoint.assertions;
  }

  /** Keyed "project:dataset": where CREATE SCHEMA put it, and the statement. */
  get datasets() {
    return this.warehouse.datasets;
  }

  /** Keyed "project:dataset.table": what CREATE TABLE made. */
  get tables() {
    return this.warehouse.tables;
  }

  /** Keyed "project:dataset.table", then "company_key|run_date". */
  get tableRows() {
    return this.warehouse.tableRows;
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
    this.warehouse.failNextStatement(error, statement);
  }

  /** Rows of a table, sorted by key. */
  rowsOf(tableKey: string): Record<string, unknown>[] {
    return this.warehouse.rowsOf(tableKey);
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => this.server.close((e) => (e ? reject(e) : resolve())));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const recorded = await record(req, this.url);
    this.requests.push(recorded);
    const isToken = recorded.path === "/token";
    try {
      const failure = this.failures.findIndex((f) => !f.path || f.path.test(recorded.path));
      if (failure >= 0) throw new HttpError(this.failures.splice(failure, 1)[0].error);
      const answer = isToken
        ? await this.tokenEndpoint.exchange(recorded.method, (recorded.body ?? {}) as Record<string, string>)
        : this.api(recorded);
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

  private api(request: RecordedRequest): unknown {
    this.tokenEndpoint.requireToken(request.headers.authorization);
    const route = `${request.method} ${request.path.replace(/^\/bigquery\/v2/, "")}`;
    let m: RegExpExecArray | null;
    if ((m = /^POST \/projects\/([^/]+)\/queries$/.exec(route))) return this.queryJobs.query(m[1], request.body);
    if ((m = /^GET \/projects\/([^/]+)\/queries\/([^/]+)$/.exec(route))) {
      return this.queryJobs.queryResults(m[1], m[2]);
    }
    throw notFound(`Not found: ${route}`);
  }
}

/** The request as recorded: JSON and form bodies parsed, anything else as text. */
async function record(req: IncomingMessage, base: string): Promise<RecordedRequest> {
  const url = new URL(req.url ?? "/", base);
  const text = await readBody(req);
  const contentType = req.headers["content-type"] ?? "";
  const body = text === ""
    ? undefined
    : contentType.startsWith("application/json")
    ? parseJson(text)
    : contentType.startsWith("application/x-www-form-urlencoded")
    ? Object.fromEntries(new URLSearchParams(text))
    : text;
  return {
    method: req.method ?? "GET",
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])),
    body,
  };
}

/** Unparseable JSON is recorded as its text; the route then rejects it like any bad body. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
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
