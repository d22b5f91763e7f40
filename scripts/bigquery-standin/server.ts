// STAND-IN, NOT BIGQUERY. A small local HTTP server imitating the few parts of the BigQuery REST
// API v2 and Google's OAuth 2.0 token endpoint that the mirror uses, for contract tests:
//
// - records every request (method, path, query, headers, parsed body) for exact assertions;
// - POST /token: verifies the JWT bearer assertion's RS256 signature with the configured public
//   key and its claims (iss, scope, aud = this endpoint, iat, exp <= iat + 3600), issues a token;
// - requires `Authorization: Bearer <issued or configured token>` on every API call (401 else);
// - datasets.insert and tables.insert store the resources (409 Already Exists when present,
//   404 for a table in a missing dataset);
// - jobs.query does NOT parse SQL. It stores statement and parameters, takes the target table
//   from the statement's first backquoted name and, for a MERGE, upserts the @rows ARRAY<STRUCT>
//   parameter into an in-memory table keyed by (company_key, run_date), last duplicate winning:
//   the mirror's MERGE semantics, so tests can assert idempotency. It can answer jobComplete:false
//   first so that jobs.getQueryResults polling gets exercised;
// - failNext() makes the next (matching) request fail with an error in Google's real JSON shape.
//
// Everything else real BigQuery does (SQL, types beyond the parameter's, quotas) is out of scope.

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

interface Job {
  projectId: string;
  location: string;
  pollsLeft: number;
  affectedRows: number;
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
  /** Keyed "project:dataset", the stored datasets.insert body. */
  readonly datasets = new Map<string, { location: string; resource: unknown }>();
  /** Keyed "project:dataset.table", the stored tables.insert body. */
  readonly tables = new Map<string, unknown>();
  /** Keyed "project:dataset.table", then "company_key|run_date". */
  readonly tableRows = new Map<string, Map<string, Record<string, unknown>>>();
  private readonly tokens = new Map<string, number>();
  private readonly jobs = new Map<string, Job>();
  private readonly failures: { error: StandInError; path?: RegExp }[] = [];
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
    if ((m = /^POST \/projects\/([^/]+)\/datasets$/.exec(route))) {
      return this.insertDataset(m[1], request.body);
    }
    if ((m = /^POST \/projects\/([^/]+)\/datasets\/([^/]+)\/tables$/.exec(route))) {
      return this.insertTable(m[1], m[2], request.body);
    }
    if ((m = /^POST \/projects\/([^/]+)\/queries$/.exec(route))) return this.query(m[1], request.body);
    if ((m = /^GET \/projects\/([^/]+)\/queries\/([^/]+)$/.exec(route))) return this.queryResults(m[1], m[2]);
    throw new HttpError({ status: 404, reason: "notFound", message: `Not found: ${route}` });
  }

  private insertDataset(projectId: string, body: unknown): unknown {
    const ref = (body as { datasetReference?: { projectId?: string; datasetId?: string } })?.datasetReference;
    if (ref?.projectId !== projectId || !ref.datasetId) {
      throw new HttpError({
        status: 400,
        reason: "invalid",
        message: "datasetReference does not match the URL",
      });
    }
    const key = `${projectId}:${ref.datasetId}`;
    if (this.datasets.has(key)) {
      throw new HttpError({ status: 409, reason: "duplicate", message: `Already Exists: Dataset ${key}` });
    }
    const location = (body as { location?: string }).location ?? "US";
    this.datasets.set(key, { location, resource: body });
    return { kind: "bigquery#dataset", id: key, datasetReference: ref, location };
  }

  private insertTable(projectId: string, datasetId: string, body: unknown): unknown {
    const dataset = `${projectId}:${datasetId}`;
    if (!this.datasets.has(dataset)) {
      throw new HttpError({ status: 404, reason: "notFound", message: `Not found: Dataset ${dataset}` });
    }
    const ref = (body as { tableReference?: { projectId?: string; datasetId?: string; tableId?: string } })
      ?.tableReference;
    if (ref?.projectId !== projectId || ref.datasetId !== datasetId || !ref.tableId) {
      throw new HttpError({
        status: 400,
        reason: "invalid",
        message: "tableReference does not match the URL",
      });
    }
    const key = `${dataset}.${ref.tableId}`;
    if (this.tables.has(key)) {
      throw new HttpError({ status: 409, reason: "duplicate", message: `Already Exists: Table ${key}` });
    }
    this.tables.set(key, body);
    this.tableRows.set(key, new Map());
    return { kind: "bigquery#table", id: key, type: "TABLE", ...(body as object) };
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
    const target = /`([^`]+)`/.exec(q.query ?? "")?.[1];
    const [project, dataset, table] = target?.split(".") ?? [];
    const datasetKey = `${project}:${dataset}`;
    const location = this.datasets.get(datasetKey)?.location;
    const tableKey = `${datasetKey}.${table}`;
    if (!location || location !== (q.location ?? location) || !this.tables.has(tableKey)) {
      throw new HttpError({
        status: 404,
        reason: "notFound",
        message: `Not found: Table ${tableKey} was not found in location ${q.location ?? "US"}`,
      });
    }
    let affectedRows = 0;
    if (/^\s*MERGE\b/i.test(q.query ?? "")) {
      const param = q.queryParameters?.find((p) => p.name === "rows");
      if (q.parameterMode !== "NAMED" || !param) {
        throw new HttpError({
          status: 400,
          reason: "invalidQuery",
          message: "Query parameter 'rows' not found",
        });
      }
      affectedRows = this.applyMerge(tableKey, param);
    }
    const jobId = `standin_job_${++this.jobCounter}`;
    const job: Job = { projectId, location, pollsLeft: this.options.pollsBeforeComplete ?? 0, affectedRows };
    this.jobs.set(jobId, job);
    return this.jobAnswer(jobId, job);
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
    return {
      kind: "bigquery#queryResponse",
      jobReference: { projectId: job.projectId, jobId, location: job.location },
      jobComplete: complete,
      ...(complete ? { numDmlAffectedRows: String(job.affectedRows), totalRows: "0" } : {}),
    };
  }

  /** Upserts the ARRAY<STRUCT> rows keyed by (company_key, run_date); returns the rows touched. */
  private applyMerge(tableKey: string, param: QueryParameter): number {
    const structTypes = param.parameterType?.arrayType?.structTypes ?? [];
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
