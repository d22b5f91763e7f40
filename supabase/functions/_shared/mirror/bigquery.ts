// BigQuery REST target of the mirror: `monitoring.daily_summary` in the configured project.
//
// HTTP requests per export (ensureTable + upsert on a fresh target, the edge function's case),
// the first export into a project included:
//   1. token (service account only; cached per target until shortly before it expires),
//   2. jobs.query with one script: CREATE SCHEMA IF NOT EXISTS (location EU), CREATE TABLE IF NOT
//      EXISTS (schema v1), the MERGE of all rows and the SELECT of its row count (see
//      bigquery-merge.ts for the design and why it is one script): up to the 10 MB request limit
//      this is one request whatever the row count.
// So 2 (1 with a given access token), within the budget of 3. ensureTable() sends nothing. Rows
// over 10 MB add one jobs.query per further batch of whole days; a job that outlives
// jobs.query's timeoutMs adds jobs.getQueryResults polls.

import { exportRequestBodies, UPSERTED_COLUMN } from "./bigquery-merge.ts";
import { parseServiceAccountKey, type ServiceAccountKey, serviceAccountTokenSource } from "./google-auth.ts";
import type { MirrorTarget, NormalizedRow } from "./schema.ts";

export const DEFAULT_API_URL = "https://bigquery.googleapis.com/bigquery/v2";
export const DEFAULT_LOCATION = "EU";
/** BigQuery's limit is 10 MB per request including parameters; stay in decimal megabytes. */
export const DEFAULT_MAX_REQUEST_BYTES = 10_000_000;
/** Longest single wait we ask BigQuery for: well under proxies' and the edge runtime's 150 s idle limits. */
const LONG_POLL_MS = 30_000;
/** Any single HTTP call is abandoned after this (a long poll plus transfer time). */
const HTTP_TIMEOUT_MS = LONG_POLL_MS + 30_000;

export type BigQueryCredentials =
  /** An OAuth access token with a BigQuery scope, used as is. */
  | { accessToken: string }
  /** A service account key file's JSON text (or the parsed key): exchanged for tokens. */
  | { serviceAccountKey: string | ServiceAccountKey };

export interface BigQueryTargetOptions {
  projectId: string;
  credentials: BigQueryCredentials;
  /** Dataset location. Default DEFAULT_LOCATION ("EU"). */
  location?: string;
  /** Base URL up to and including `/bigquery/v2`. Default DEFAULT_API_URL. */
  apiUrl?: string;
  /** OAuth token endpoint (also the JWT audience). Default: the key's token_uri, else Google's. */
  tokenUrl?: string;
  /** How long upsert waits for each script job before giving up (the job may still finish). Default 120,000. */
  jobTimeoutMs?: number;
  /** Pause between jobs.getQueryResults polls (each of which also long-polls). Default 500. */
  pollIntervalMs?: number;
  /** Request size above which rows are split into several requests (scripts). Default DEFAULT_MAX_REQUEST_BYTES. */
  maxRequestBytes?: number;
  /** Default globalThis.fetch. */
  fetch?: typeof fetch;
  /** Clock in ms since the epoch. Default Date.now. */
  now?: () => number;
}

/** A BigQuery API answer other than success, carrying the API's own message. */
export class BigQueryApiError extends Error {
  override name = "BigQueryApiError";
  constructor(
    readonly operation: string,
    readonly httpStatus: number | null,
    readonly reason: string | null,
    readonly apiMessage: string,
  ) {
    super(
      `BigQuery ${operation} failed: ${httpStatus === null ? "" : `HTTP ${httpStatus} `}` +
        `${reason ? `${reason}: ` : ""}${apiMessage}`,
    );
  }
}

const PROJECT_ID = /^[a-z0-9.:-]+$/i;
/** BigQuery locations: "EU", "US", "europe-west3", ... (it goes into the script as a string literal). */
const LOCATION = /^[a-z0-9-]+$/i;

/**
 * The BigQuery mirror target. Throws at once (before any request) for an invalid project id or
 * location or an unreadable service account key; API failures reject with BigQueryApiError,
 * token failures with GoogleAuthError, rows too big for one request per day with
 * MirrorRequestTooLargeError.
 */
export function createBigQueryTarget(options: BigQueryTargetOptions): MirrorTarget {
  const { projectId } = options;
  if (!PROJECT_ID.test(projectId)) {
    throw new Error(`invalid BigQuery project id: ${JSON.stringify(projectId)}`);
  }
  const location = options.location ?? DEFAULT_LOCATION;
  if (!LOCATION.test(location)) {
    throw new Error(`invalid BigQuery location: ${JSON.stringify(location)}`);
  }
  const apiUrl = (options.apiUrl ?? DEFAULT_API_URL).replace(/\/+$/, "");
  const jobTimeoutMs = options.jobTimeoutMs ?? 120_000;
  const pollIntervalMs = options.pollIntervalMs ?? 500;
  const maxRequestBytes = options.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES;
  const fetchFn = options.fetch ?? globalThis.fetch;
  const now = options.now ?? Date.now;
  const accessToken = tokenSource(options);

  async function call(operation: string, method: "GET" | "POST", path: string, body?: string) {
    const headers: Record<string, string> = { authorization: `Bearer ${await accessToken()}` };
    if (body !== undefined) headers["content-type"] = "application/json";
    let response: Response;
    try {
      response = await fetchFn(`${apiUrl}${path}`, {
        method,
        headers,
        body,
        signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
      });
    } catch (error) {
      throw new BigQueryApiError(
        operation,
        null,
        null,
        error instanceof Error ? error.message : String(error),
      );
    }
    const json = await response.json().catch(() => undefined);
    if (response.ok) return { status: response.status, json };
    throw apiError(operation, response.status, json);
  }

  /** Runs one script request to completion; returns its finished job's answer. */
  async function runScript(body: string): Promise<QueryResults> {
    const deadline = now() + jobTimeoutMs;
    let result = (await call("jobs.query", "POST", `/projects/${projectId}/queries`, body))
      .json as QueryResults;
    while (!result?.jobComplete) {
      const jobId = result?.jobReference?.jobId;
      if (!jobId) {
        throw new BigQueryApiError(
          "jobs.query",
          null,
          null,
          "answer has neither jobComplete nor a jobReference",
        );
      }
      const remaining = deadline - now();
      if (remaining <= 0) {
        throw new BigQueryApiError(
          "jobs.getQueryResults",
          null,
          "timeout",
          `export script job ${jobId} did not finish within ${jobTimeoutMs} ms; it may still complete, and re-running the export is safe`,
        );
      }
      if (pollIntervalMs > 0) await new Promise((resolve) => setTimeout(resolve, pollIntervalMs));
      const query = new URLSearchParams({
        location: result.jobReference?.location ?? location,
        timeoutMs: String(Math.min(remaining, LONG_POLL_MS)),
      });
      const path = `/projects/${projectId}/queries/${encodeURIComponent(jobId)}?${query}`;
      result = (await call("jobs.getQueryResults", "GET", path)).json as QueryResults;
    }
    // A finished job reports failure in errorResult (Job resources) or errors (query answers).
    // A script stops at its first failing statement, and the MERGE applies all its rows or none,
    // so failing the export on any reported error never hides a half-written day.
    const failure = result.status?.errorResult ?? result.errors?.[0];
    if (failure) {
      throw new BigQueryApiError(
        "export script",
        null,
        failure.reason ?? null,
        failure.message ?? "job failed",
      );
    }
    return result;
  }

  return {
    name: "bigquery",
    ensureTable() {
      // Nothing to send: every upsert request creates dataset and table when missing, in the
      // same script as its MERGE (bigquery-merge.ts).
      return Promise.resolve();
    },
    async upsert(rows: NormalizedRow[]) {
      // Planned in full before the first request, so a too-large day fails before any write.
      const bodies = exportRequestBodies(rows, {
        projectId,
        location,
        timeoutMs: Math.min(jobTimeoutMs, LONG_POLL_MS),
        maxRequestBytes,
      });
      let upserted = 0;
      for (const body of bodies) {
        const result = await runScript(body);
        if (rows.length > 0) upserted += upsertedCount(result); // else a DDL-only script: no result
      }
      return { upserted };
    },
  };
}

interface ErrorProto {
  reason?: string;
  message?: string;
}

interface QueryResults {
  jobComplete?: boolean;
  jobReference?: { jobId?: string; location?: string };
  /** The script's result: its last statement's, `SELECT @@row_count AS upserted`. */
  schema?: { fields?: { name?: string }[] };
  rows?: { f?: { v?: unknown }[] }[];
  errors?: ErrorProto[];
  status?: { errorResult?: ErrorProto };
}

/**
 * The `upserted` value of a finished MERGE script's result. The script ends with that SELECT, so
 * a missing value is an error (the MERGE did run: a re-run is safe, it is idempotent).
 */
function upsertedCount(result: QueryResults): number {
  const index = result.schema?.fields?.findIndex((f) => f.name === UPSERTED_COLUMN) ?? -1;
  const value = index < 0 ? undefined : result.rows?.[0]?.f?.[index]?.v;
  const count = typeof value === "string" ? Number(value) : NaN;
  if (!Number.isSafeInteger(count) || count < 0) {
    throw new BigQueryApiError(
      "export script",
      null,
      null,
      `answer lacks the ${UPSERTED_COLUMN} row count (got ${
        JSON.stringify(value ?? null)
      }); the MERGE ran, re-running the export is safe`,
    );
  }
  return count;
}

/** Google's error shape: {"error": {"code", "message", "errors": [{"reason", ...}], "status"}}. */
function apiError(operation: string, httpStatus: number, json: unknown): BigQueryApiError {
  const error = (json as { error?: { message?: string; status?: string; errors?: ErrorProto[] } })?.error;
  return new BigQueryApiError(
    operation,
    httpStatus,
    error?.errors?.[0]?.reason ?? error?.status ?? null,
    error?.message ?? "no error message in the answer",
  );
}

function tokenSource(options: BigQueryTargetOptions): () => Promise<string> {
  const { credentials } = options;
  if ("accessToken" in credentials) return () => Promise.resolve(credentials.accessToken);
  const key = typeof credentials.serviceAccountKey === "string"
    ? parseServiceAccountKey(credentials.serviceAccountKey)
    : credentials.serviceAccountKey;
  return serviceAccountTokenSource(key, {
    tokenUrl: options.tokenUrl,
    fetch: options.fetch,
    now: options.now,
  });
}

/**
 * BigQuery options from environment variables, or null when no credentials are configured (the
 * caller then uses the local target). Takes a plain record so that only index.ts reads Deno.env.
 *
 *   BIGQUERY_PROJECT_ID            required with credentials
 *   BIGQUERY_SERVICE_ACCOUNT_KEY   service account key JSON (a secret), or
 *   BIGQUERY_ACCESS_TOKEN          an access token (short-lived; for tests and one-off runs)
 *   BIGQUERY_LOCATION              default EU
 *   BIGQUERY_API_URL               default https://bigquery.googleapis.com/bigquery/v2
 *   BIGQUERY_TOKEN_URL             default: the key's token_uri, else https://oauth2.googleapis.com/token
 */
export function bigQueryOptionsFromEnv(
  env: Readonly<Record<string, string | undefined>>,
): BigQueryTargetOptions | null {
  const key = env.BIGQUERY_SERVICE_ACCOUNT_KEY || undefined;
  const token = env.BIGQUERY_ACCESS_TOKEN || undefined;
  if (!key && !token) return null;
  if (key && token) throw new Error("set BIGQUERY_SERVICE_ACCOUNT_KEY or BIGQUERY_ACCESS_TOKEN, not both");
  const projectId = env.BIGQUERY_PROJECT_ID;
  if (!projectId) throw new Error("BIGQUERY_PROJECT_ID is required when BigQuery credentials are set");
  return {
    projectId,
    credentials: key ? { serviceAccountKey: key } : { accessToken: token as string },
    location: env.BIGQUERY_LOCATION || undefined,
    apiUrl: env.BIGQUERY_API_URL || undefined,
    tokenUrl: env.BIGQUERY_TOKEN_URL || undefined,
  };
}
