// Contract test of the BigQuery target against the local stand-in (scripts/bigquery-standin):
// exact request documents (the export script with its DDL, MERGE and parameter), JWT signature
// and claims, error surfacing, request budget (token + one jobs.query per export, the first
// export into a project included).

import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  BigQueryApiError,
  bigQueryOptionsFromEnv,
  type BigQueryTargetOptions,
  createBigQueryTarget,
} from "../../../supabase/functions/_shared/mirror/bigquery.ts";
import { MirrorRequestTooLargeError } from "../../../supabase/functions/_shared/mirror/bigquery-merge.ts";
import {
  type NormalizedRow,
  SCHEMA_V1,
  TYPE_NAMES,
} from "../../../supabase/functions/_shared/mirror/schema.ts";
import { BigQueryStandIn } from "../../../scripts/bigquery-standin/server.ts";
import {
  createTestServiceAccount,
  TEST_CLIENT_EMAIL,
  type TestServiceAccount,
} from "../../../scripts/bigquery-standin/service-account.ts";
import { NO_DATA_ROW, SUCCESS_ROW } from "./rows.ts";

const PROJECT = "scrape-ops-test";
const CLIENT_EMAIL = TEST_CLIENT_EMAIL;
const TABLE_KEY = `${PROJECT}:monitoring.daily_summary`;
const QUERIES = `POST /bigquery/v2/projects/${PROJECT}/queries`;

const EXPECTED_DDL = `CREATE SCHEMA IF NOT EXISTS \`${PROJECT}.monitoring\`
  OPTIONS (location = "EU");
CREATE TABLE IF NOT EXISTS \`${PROJECT}.monitoring.daily_summary\` (
  company_key STRING NOT NULL,
  run_date DATE NOT NULL,
  final_status STRING NOT NULL,
  is_success INT64 NOT NULL,
  is_problem INT64 NOT NULL,
  jobs_processed_best INT64,
  http_fail_rate_sum FLOAT64,
  http_block_rate_sum FLOAT64,
  baseline_jobs_processed_14d FLOAT64,
  execution_time_sec_best FLOAT64
);`;

const EXPECTED_MERGE = `MERGE \`${PROJECT}.monitoring.daily_summary\` AS t
USING (
  SELECT r.company_key, r.run_date, r.final_status, r.is_success, r.is_problem, r.jobs_processed_best, r.http_fail_rate_sum, r.http_block_rate_sum, r.baseline_jobs_processed_14d, r.execution_time_sec_best
  FROM UNNEST(@rows) AS r WITH OFFSET AS ord
  WHERE TRUE
  QUALIFY ROW_NUMBER() OVER (PARTITION BY r.company_key, r.run_date ORDER BY ord DESC) = 1
) AS s
ON t.company_key = s.company_key AND t.run_date = s.run_date
WHEN MATCHED THEN UPDATE SET final_status = s.final_status, is_success = s.is_success, is_problem = s.is_problem, jobs_processed_best = s.jobs_processed_best, http_fail_rate_sum = s.http_fail_rate_sum, http_block_rate_sum = s.http_block_rate_sum, baseline_jobs_processed_14d = s.baseline_jobs_processed_14d, execution_time_sec_best = s.execution_time_sec_best
WHEN NOT MATCHED THEN INSERT (company_key, run_date, final_status, is_success, is_problem, jobs_processed_best, http_fail_rate_sum, http_block_rate_sum, baseline_jobs_processed_14d, execution_time_sec_best)
  VALUES (s.company_key, s.run_date, s.final_status, s.is_success, s.is_problem, s.jobs_processed_best, s.http_fail_rate_sum, s.http_block_rate_sum, s.baseline_jobs_processed_14d, s.execution_time_sec_best)`;

const EXPECTED_SCRIPT = `${EXPECTED_DDL}\n${EXPECTED_MERGE};\nSELECT @@row_count AS upserted;`;

/** The columns the stand-in's CREATE TABLE made, as schema v1 defines them. */
const EXPECTED_COLUMNS = SCHEMA_V1.map((c) => ({
  name: c.name,
  type: TYPE_NAMES[c.type].googleSql,
  mode: c.mode,
}));

const EXPECTED_ROWS_TYPE = {
  type: "ARRAY",
  arrayType: {
    type: "STRUCT",
    structTypes: [
      { name: "company_key", type: { type: "STRING" } },
      { name: "run_date", type: { type: "DATE" } },
      { name: "final_status", type: { type: "STRING" } },
      { name: "is_success", type: { type: "INT64" } },
      { name: "is_problem", type: { type: "INT64" } },
      { name: "jobs_processed_best", type: { type: "INT64" } },
      { name: "http_fail_rate_sum", type: { type: "FLOAT64" } },
      { name: "http_block_rate_sum", type: { type: "FLOAT64" } },
      { name: "baseline_jobs_processed_14d", type: { type: "FLOAT64" } },
      { name: "execution_time_sec_best", type: { type: "FLOAT64" } },
    ],
  },
};

const SUCCESS = SUCCESS_ROW;
const NO_DATA = NO_DATA_ROW;

function day(runDate: string, companies: number): NormalizedRow[] {
  return Array.from({ length: companies }, (_, i) => ({
    ...SUCCESS,
    company_key: `company-${String(i).padStart(4, "0")}`,
    run_date: runDate,
    jobs_processed_best: 100 + i,
    execution_time_sec_best: 30 + i / 8,
  }));
}

let owner: TestServiceAccount;
let stranger: TestServiceAccount;
let standIn: BigQueryStandIn;
let account: { keyJson: string; privateKeyBody: string };

const accountFor = (serviceAccount: TestServiceAccount, tokenUri: string) => ({
  keyJson: serviceAccount.keyJson(tokenUri),
  privateKeyBody: serviceAccount.privateKeyBody,
});

beforeAll(async () => {
  [owner, stranger] = await Promise.all([createTestServiceAccount(PROJECT), createTestServiceAccount(PROJECT)]);
});

beforeEach(async () => {
  standIn = await BigQueryStandIn.start({
    publicKey: owner.publicKey,
    clientEmail: CLIENT_EMAIL,
    staticTokens: ["given-token"],
  });
  account = accountFor(owner, standIn.tokenUrl);
});

afterEach(async () => {
  await standIn.close();
});

function target(overrides: Partial<BigQueryTargetOptions> = {}) {
  return createBigQueryTarget({
    projectId: PROJECT,
    credentials: { serviceAccountKey: account.keyJson },
    apiUrl: standIn.apiUrl,
    pollIntervalMs: 0,
    ...overrides,
  });
}

async function exportRows(rows: NormalizedRow[], overrides: Partial<BigQueryTargetOptions> = {}) {
  const t = target(overrides);
  await t.ensureTable();
  return await t.upsert(rows);
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a rejection");
}

describe("BigQuery target against the stand-in", () => {
  it("first export: token, then one jobs.query whose script creates dataset (EU) and table (schema v1) and MERGEs the ARRAY<STRUCT> parameter", async () => {
    const result = await exportRows([SUCCESS, NO_DATA]);
    expect(result).toEqual({ upserted: 2 });

    const requests = standIn.requests;
    expect(requests.map((r) => `${r.method} ${r.path} ${r.response?.status}`)).toEqual([
      "POST /token 200",
      `${QUERIES} 200`,
    ]);

    const [tokenRequest, query] = requests;
    expect(tokenRequest.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(tokenRequest.body).toMatchObject({ grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer" });
    const token = (tokenRequest.response?.body as { access_token: string }).access_token;
    expect(query.headers.authorization).toBe(`Bearer ${token}`);
    expect(query.headers["content-type"]).toBe("application/json");

    expect(query.body).toEqual({
      query: EXPECTED_SCRIPT,
      useLegacySql: false,
      parameterMode: "NAMED",
      queryParameters: [{
        name: "rows",
        parameterType: EXPECTED_ROWS_TYPE,
        parameterValue: {
          arrayValues: [
            {
              structValues: {
                company_key: { value: "acme" },
                run_date: { value: "2024-05-01" },
                final_status: { value: "success" },
                is_success: { value: "1" },
                is_problem: { value: "0" },
                jobs_processed_best: { value: "120" },
                http_fail_rate_sum: { value: "0.05" },
                http_block_rate_sum: { value: "0" },
                baseline_jobs_processed_14d: { value: "118.5" },
                execution_time_sec_best: { value: "42.125" },
              },
            },
            {
              structValues: {
                company_key: { value: "globex" },
                run_date: { value: "2024-05-01" },
                final_status: { value: "no_data" },
                is_success: { value: "0" },
                is_problem: { value: "1" },
                jobs_processed_best: { value: null },
                http_fail_rate_sum: { value: null },
                http_block_rate_sum: { value: null },
                baseline_jobs_processed_14d: { value: null },
                execution_time_sec_best: { value: null },
              },
            },
          ],
        },
      }],
      location: "EU",
      timeoutMs: 30000,
    });
    // The script's result (its final SELECT) carries the count.
    expect(query.response?.body).toMatchObject({
      jobComplete: true,
      schema: { fields: [{ name: "upserted", type: "INTEGER" }] },
      rows: [{ f: [{ v: "2" }] }],
    });
    expect(standIn.datasets.get(`${PROJECT}:monitoring`)?.location).toBe("EU");
    expect(standIn.tables.get(TABLE_KEY)?.columns).toEqual(EXPECTED_COLUMNS);
    expect(standIn.rowsOf(TABLE_KEY)).toEqual([SUCCESS, NO_DATA]);
  });

  it("ensureTable sends nothing; an export without rows sends a DDL-only script, so the table exists", async () => {
    const t = target({ credentials: { accessToken: "given-token" } });
    await t.ensureTable();
    expect(standIn.requests).toHaveLength(0);
    expect(await t.upsert([])).toEqual({ upserted: 0 });
    expect(standIn.requests).toHaveLength(1);
    expect(standIn.requests[0].body).toEqual({
      query: EXPECTED_DDL,
      useLegacySql: false,
      location: "EU",
      timeoutMs: 30000,
    });
    expect(standIn.tables.get(TABLE_KEY)?.columns).toEqual(EXPECTED_COLUMNS);
    expect(standIn.rowsOf(TABLE_KEY)).toEqual([]);
  });

  it("signs the JWT assertion with RS256 (verified with the public key) and the required claims", async () => {
    const before = Math.floor(Date.now() / 1000);
    await exportRows([SUCCESS]);
    expect(standIn.assertions).toHaveLength(1);
    const [{ header, claims }] = standIn.assertions;
    expect(header).toEqual({ alg: "RS256", typ: "JWT", kid: "test-key-1" });
    expect(claims).toEqual({
      iss: CLIENT_EMAIL,
      scope: "https://www.googleapis.com/auth/bigquery",
      aud: standIn.tokenUrl,
      iat: expect.any(Number),
      exp: (claims.iat as number) + 3600,
    });
    expect(claims.iat).toBeGreaterThanOrEqual(before);
  });

  it("is idempotent: a re-export leaves identical rows, a correction updates its row, the last duplicate wins", async () => {
    await exportRows([SUCCESS, NO_DATA]);
    await exportRows([SUCCESS, NO_DATA]);
    expect(standIn.rowsOf(TABLE_KEY)).toEqual([SUCCESS, NO_DATA]);

    const corrected = { ...NO_DATA, final_status: "failed" as const, http_fail_rate_sum: 1 };
    const result = await exportRows([NO_DATA, corrected]);
    expect(result).toEqual({ upserted: 1 });
    expect(standIn.rowsOf(TABLE_KEY)).toEqual([SUCCESS, corrected]);
  });

  it("uses a given access token as is: one request per export, the first one included", async () => {
    await exportRows([SUCCESS], { credentials: { accessToken: "given-token" } });
    await exportRows([SUCCESS, NO_DATA], { credentials: { accessToken: "given-token" } });
    expect(standIn.requests.map((r) => `${r.method} ${r.path} ${r.response?.status}`)).toEqual([
      `${QUERIES} 200`,
      `${QUERIES} 200`,
    ]);
    for (const request of standIn.requests) expect(request.headers.authorization).toBe("Bearer given-token");
    expect(standIn.rowsOf(TABLE_KEY)).toEqual([SUCCESS, NO_DATA]);
  });

  it("runs the job in the configured location, which is also the dataset's, and rejects a location that is no name", async () => {
    await exportRows([SUCCESS], { location: "europe-west3" });
    const query = standIn.requests[1].body as { query: string; location: string };
    expect(query.location).toBe("europe-west3");
    expect(query.query).toContain('OPTIONS (location = "europe-west3");');
    expect(standIn.datasets.get(`${PROJECT}:monitoring`)?.location).toBe("europe-west3");
    expect(() => target({ location: 'EU") ; DROP' })).toThrow(/^invalid BigQuery location: /);
  });

  it("makes at most 3 HTTP requests per export of 3 days x 2,000 companies, the first included: token + one script under 10 MB", async () => {
    const rows = [...day("2024-05-01", 2000), ...day("2024-05-02", 2000), ...day("2024-05-03", 2000)];
    const perExport: string[][] = [];
    for (const _ of ["first export ever (creates dataset and table)", "later export"]) {
      const before = standIn.requests.length;
      const started = performance.now();
      const result = await exportRows(rows);
      const elapsedMs = performance.now() - started;
      const sent = standIn.requests.slice(before);
      perExport.push(sent.map((r) => `${r.method} ${r.path} ${r.response?.status}`));
      expect(result).toEqual({ upserted: 6000 });
      const bodyBytes = Buffer.byteLength(JSON.stringify(sent[1].body));
      expect(bodyBytes).toBeLessThan(10_000_000);
      console.info(
        `6,000 rows: ${sent.length} requests, script request ${bodyBytes} bytes, ${Math.round(elapsedMs)} ms`,
      );
    }
    expect(perExport).toEqual([["POST /token 200", `${QUERIES} 200`], ["POST /token 200", `${QUERIES} 200`]]);
    expect(standIn.rowsOf(TABLE_KEY)).toHaveLength(6000);
  });

  it("splits at the request size limit between days, never within one, and fails before writing when a day is too big", async () => {
    await exportRows([SUCCESS]);
    const rows = [...day("2024-05-01", 40), ...day("2024-05-02", 40), ...day("2024-05-03", 40)];
    const before = standIn.requests.length;
    await exportRows(rows, { maxRequestBytes: 30_000 });
    const merges = standIn.requests.slice(before).filter((r) => r.path.endsWith("/queries"));
    const daysPerMerge = merges.map((m) => {
      const values = (m.body as { queryParameters: { parameterValue: { arrayValues: unknown[] } }[] })
        .queryParameters[0].parameterValue.arrayValues as { structValues: { run_date: { value: string } } }[];
      return [...new Set(values.map((v) => v.structValues.run_date.value))];
    });
    expect(daysPerMerge).toEqual([["2024-05-01"], ["2024-05-02"], ["2024-05-03"]]);
    for (const m of merges) expect(Buffer.byteLength(JSON.stringify(m.body))).toBeLessThanOrEqual(30_000);

    const mergesBefore = standIn.requests.filter((r) => r.path.endsWith("/queries")).length;
    const error = await rejection(target({ maxRequestBytes: 10_000 }).upsert(rows));
    expect(error).toBeInstanceOf(MirrorRequestTooLargeError);
    expect(error.message).toMatch(/^run_date 2024-05-01 alone needs about \d+ bytes, over the 10000-byte/);
    expect(standIn.requests.filter((r) => r.path.endsWith("/queries")).length).toBe(mergesBefore);
  });

  it("polls jobs.getQueryResults until a slow MERGE job completes", async () => {
    await standIn.close();
    standIn = await BigQueryStandIn.start({
      publicKey: owner.publicKey,
      clientEmail: CLIENT_EMAIL,
      pollsBeforeComplete: 2,
    });
    account = accountFor(owner, standIn.tokenUrl);
    const result = await exportRows([SUCCESS, NO_DATA]);
    expect(result).toEqual({ upserted: 2 });
    const polls = standIn.requests.filter((r) => r.method === "GET");
    expect(polls.map((p) => p.path)).toEqual([
      `/bigquery/v2/projects/${PROJECT}/queries/standin_job_1`,
      `/bigquery/v2/projects/${PROJECT}/queries/standin_job_1`,
    ]);
    for (const p of polls) {
      expect(p.query).toEqual({ location: "EU", timeoutMs: expect.stringMatching(/^\d+$/) });
    }
  });

  it("gives up waiting after jobTimeoutMs, saying a re-run is safe", async () => {
    await exportRows([SUCCESS]);
    await standIn.close();
    standIn = await BigQueryStandIn.start({ staticTokens: ["given-token"], pollsBeforeComplete: 1_000_000 });
    let clock = 0;
    const t = createBigQueryTarget({
      projectId: PROJECT,
      credentials: { accessToken: "given-token" },
      apiUrl: standIn.apiUrl,
      pollIntervalMs: 0,
      jobTimeoutMs: 5_000,
      now: () => (clock += 1_000),
    });
    await t.ensureTable();
    const error = await rejection(t.upsert([SUCCESS]));
    expect(error).toBeInstanceOf(BigQueryApiError);
    expect(error.message).toMatch(
      /export script job standin_job_1 did not finish within 5000 ms; .* re-running the export is safe/,
    );
  });

  it.each([
    [
      403,
      "quotaExceeded",
      "Quota exceeded: Your table exceeded quota for UPDATE, DELETE or MERGE queries per table.",
    ],
    [401, "authError", "Request had invalid authentication credentials."],
    [400, "invalidQuery", "Syntax error: Unexpected keyword MERGE at [1:1]"],
  ])("surfaces the API's message on HTTP %i %s, and a re-run repairs", async (status, reason, message) => {
    await exportRows([SUCCESS]);
    standIn.failNext({ status, reason, message }, /\/queries$/);
    const error = await rejection(exportRows([SUCCESS, NO_DATA]));
    expect(error).toBeInstanceOf(BigQueryApiError);
    expect(error).toMatchObject({ operation: "jobs.query", httpStatus: status, reason, apiMessage: message });
    expect(error.message).toBe(`BigQuery jobs.query failed: HTTP ${status} ${reason}: ${message}`);
    expect(standIn.rowsOf(TABLE_KEY)).toEqual([SUCCESS]);

    await exportRows([SUCCESS, NO_DATA]);
    expect(standIn.rowsOf(TABLE_KEY)).toEqual([SUCCESS, NO_DATA]);
  });

  it("a statement failing inside the script: the API's message, DDL kept, no row of the MERGE written, a re-run repairs", async () => {
    const message =
      "Query error: Quota exceeded: Your table exceeded quota for UPDATE, DELETE or MERGE queries per table. at [16:1]";
    standIn.failNextStatement({ status: 403, reason: "quotaExceeded", message }, /^MERGE/);
    const error = await rejection(exportRows([SUCCESS, NO_DATA]));
    expect(error).toMatchObject({
      operation: "jobs.query",
      httpStatus: 403,
      reason: "quotaExceeded",
      apiMessage: message,
    });
    expect(standIn.tables.has(TABLE_KEY)).toBe(true); // the DDL before it ran, as in BigQuery
    expect(standIn.rowsOf(TABLE_KEY)).toEqual([]);

    await exportRows([SUCCESS, NO_DATA]);
    expect(standIn.rowsOf(TABLE_KEY)).toEqual([SUCCESS, NO_DATA]);
  });

  it("surfaces a refused CREATE SCHEMA (no bigquery.datasets.create) with the API's message; nothing is created", async () => {
    const message =
      `Access Denied: Project ${PROJECT}: User does not have bigquery.datasets.create permission in project ${PROJECT}.`;
    standIn.failNextStatement({ status: 403, reason: "accessDenied", message }, /^CREATE SCHEMA/);
    const error = await rejection(exportRows([SUCCESS]));
    expect(error.message).toBe(`BigQuery jobs.query failed: HTTP 403 accessDenied: ${message}`);
    expect(standIn.datasets.size).toBe(0);
    expect(standIn.tables.size).toBe(0);
  });

  it("a dataset that exists in another location: the job (EU) does not find it, with the API's message", async () => {
    await exportRows([SUCCESS], { location: "US" });
    const error = await rejection(exportRows([SUCCESS]));
    expect(error.message).toBe(
      `BigQuery jobs.query failed: HTTP 404 notFound: Not found: Dataset ${PROJECT}:monitoring was not found in location EU`,
    );
  });

  it("never puts a secret into an error message", async () => {
    const messages: string[] = [];
    const collect = async (promise: Promise<unknown>) => messages.push((await rejection(promise)).message);

    // A key signed by someone else: the token endpoint rejects the signature.
    await collect(target({ credentials: { serviceAccountKey: stranger.keyJson(standIn.tokenUrl) } }).upsert([SUCCESS]));
    expect(messages[0]).toBe("OAuth token exchange failed: HTTP 400 invalid_grant: Invalid JWT Signature.");
    // Broken key JSON (JSON.parse would quote it) and a broken PEM.
    await collect(
      Promise.resolve().then(() =>
        target({ credentials: { serviceAccountKey: account.keyJson.slice(0, -2) } })
      ),
    );
    const brokenPem = JSON.stringify({
      ...JSON.parse(account.keyJson),
      private_key: account.privateKeyBody.slice(8),
    });
    await collect(target({ credentials: { serviceAccountKey: brokenPem } }).upsert([SUCCESS]));
    // API errors after a successful token exchange.
    const t = target();
    await t.upsert([SUCCESS]);
    standIn.failNext({ status: 401, reason: "authError", message: "Invalid Credentials" });
    await collect(t.upsert([SUCCESS]));

    const issuedTokens = standIn.requests
      .map((r) => (r.response?.body as { access_token?: string } | undefined)?.access_token)
      .filter((token): token is string => typeof token === "string");
    const assertions = standIn.requests.map((r) => (r.body as { assertion?: string })?.assertion).filter(
      Boolean,
    );
    expect(issuedTokens.length).toBeGreaterThan(0);
    expect(messages).toHaveLength(4);
    for (const message of messages) {
      for (
        const secret of [
          ...issuedTokens,
          ...assertions as string[],
          stranger.privateKeyBody,
          account.privateKeyBody,
        ]
      ) {
        for (let i = 0; i + 32 <= secret.length; i += 32) {
          expect(message).not.toContain(secret.slice(i, i + 32));
        }
      }
      expect(message).not.toContain("PRIVATE KEY");
    }
  });
});

describe("bigQueryOptionsFromEnv", () => {
  it("is null without credentials, so the caller falls back to the local target", () => {
    expect(bigQueryOptionsFromEnv({ BIGQUERY_PROJECT_ID: PROJECT })).toBeNull();
  });

  it("maps the variables", () => {
    expect(bigQueryOptionsFromEnv({
      BIGQUERY_PROJECT_ID: PROJECT,
      BIGQUERY_SERVICE_ACCOUNT_KEY: "{}",
      BIGQUERY_API_URL: "http://127.0.0.1:1/bigquery/v2",
      BIGQUERY_TOKEN_URL: "http://127.0.0.1:1/token",
    })).toEqual({
      projectId: PROJECT,
      credentials: { serviceAccountKey: "{}" },
      location: undefined,
      apiUrl: "http://127.0.0.1:1/bigquery/v2",
      tokenUrl: "http://127.0.0.1:1/token",
    });
    expect(
      bigQueryOptionsFromEnv({
        BIGQUERY_PROJECT_ID: PROJECT,
        BIGQUERY_ACCESS_TOKEN: "t",
        BIGQUERY_LOCATION: "EU",
      }),
    )
      .toMatchObject({ credentials: { accessToken: "t" }, location: "EU" });
  });

  it("rejects half or double configurations", () => {
    expect(() => bigQueryOptionsFromEnv({ BIGQUERY_ACCESS_TOKEN: "t" })).toThrow(
      "BIGQUERY_PROJECT_ID is required",
    );
    expect(() =>
      bigQueryOptionsFromEnv({
        BIGQUERY_PROJECT_ID: PROJECT,
        BIGQUERY_ACCESS_TOKEN: "t",
        BIGQUERY_SERVICE_ACCOUNT_KEY: "{}",
      })
    )
      .toThrow("not both");
  });
});
