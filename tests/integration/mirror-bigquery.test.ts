// The mirror function's BigQuery path end to end against the real database and the BigQuery
// stand-in (scripts/bigquery-standin): service account key from the env record -> RS256 JWT ->
// token -> one jobs.query whose script creates dataset and table when missing and MERGEs the rows
// of the Looker view.
//
// Why in-process: the shared functions server passes its own environment to every function, and
// it has no BigQuery configuration (its exports go to the local target). So the handler runs here,
// built by the same factory index.ts uses, with an env record that holds BIGQUERY_* as the
// function's secrets would; the database, the SQL functions and the HTTP protocol are all real.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { BigQueryStandIn } from "../../scripts/bigquery-standin/server.ts";
import {
  createTestServiceAccount,
  type TestServiceAccount,
} from "../../scripts/bigquery-standin/service-account.ts";
import { stackEnv } from "../../scripts/lib/config.ts";
import { authFromEnv } from "../../supabase/functions/_shared/auth.ts";
import { connectDb } from "../../supabase/functions/_shared/db.ts";
import { SCHEMA_V1, TYPE_NAMES } from "../../supabase/functions/_shared/mirror/schema.ts";
import { mirrorTargetFromEnv } from "../../supabase/functions/_shared/mirror/target.ts";
import { createMirrorHandler } from "../../supabase/functions/mirror/handler.ts";
import { runMirrorJobs } from "../../supabase/functions/mirror/worker.ts";
import { addRun, addSource, berlinDay, removeSources } from "../support/mirror.ts";
import { stack, superuserSql } from "../support/stack.ts";

const PROJECT = "scrape-ops-test";
const TABLE = `${PROJECT}:monitoring.daily_summary`;
const QUERIES = `POST /bigquery/v2/projects/${PROJECT}/queries`;
const sql = superuserSql();
const fnSql = connectDb(stack.dbUrl);
const prefix = `mirror-bq-${Date.now().toString(36)}-`;
const A = `${prefix}a`;
let account: TestServiceAccount;
let standIn: BigQueryStandIn;
let handler: (request: Request) => Promise<Response>;
let env: Record<string, string>;
let d0: string, d1: string, d2: string;
let sourceA: number;

function exportRequest(body: Record<string, unknown> = {}) {
  return handler(
    new Request("http://127.0.0.1/mirror", {
      method: "POST",
      headers: { "content-type": "application/json", apikey: stack.secretKey },
      body: JSON.stringify({ action: "export", ...body }),
    }),
  );
}

async function exportNow(body: Record<string, unknown> = {}) {
  const response = await exportRequest(body);
  return { status: response.status, body: await response.json() };
}

/** The view's rows for the range, as the stand-in stores a MERGE's rows (schema v1, numbers decoded). */
async function viewRows(from: string, to: string) {
  return await sql`
    select company_key, run_date::text as run_date, final_status, is_success, is_problem, jobs_processed_best,
           http_fail_rate_sum, http_block_rate_sum, baseline_jobs_processed_14d, execution_time_sec_best
      from reporting.daily_summary_looker_v where run_date between ${from} and ${to}
     order by company_key, run_date`;
}

function standInRows(keyPrefix = "") {
  return standIn.rowsOf(TABLE).filter((r) => String(r.company_key).startsWith(keyPrefix));
}

beforeAll(async () => {
  account = await createTestServiceAccount(PROJECT);
  [d0, d1, d2] = await Promise.all([berlinDay(sql, 0), berlinDay(sql, 1), berlinDay(sql, 2)]);
  sourceA = await addSource(sql, A);
  await addRun(sql, sourceA, d1, { status: "failed", items: 0, exec: 4, requests: 20, failures: 20 });
  await sql`update ops.jobs set status = 'cancelled', finished_at = now(), singleton_key = null
             where type = 'mirror' and status in ('pending', 'running')`;
});

beforeEach(async () => {
  standIn = await BigQueryStandIn.start({ publicKey: account.publicKey, clientEmail: account.clientEmail });
  env = {
    BIGQUERY_PROJECT_ID: PROJECT,
    BIGQUERY_SERVICE_ACCOUNT_KEY: account.keyJson(standIn.tokenUrl),
    BIGQUERY_API_URL: standIn.apiUrl,
    SUPABASE_DB_URL: stack.dbUrl,
  };
  const targets = mirrorTargetFromEnv(env, { bigQuery: { pollIntervalMs: 0 } });
  handler = createMirrorHandler({
    sql: fnSql,
    auth: authFromEnv(stackEnv(stack)),
    targets,
    work: () => runMirrorJobs(fnSql, targets, { worker: "mirror:test" }),
    background: () => {},
    log: () => {},
  });
  return async () => await standIn.close();
});

afterAll(async () => {
  await removeSources(sql, prefix);
  await Promise.all([sql.end(), fnSql.end()]);
});

describe("mirror -> BigQuery (stand-in)", () => {
  it("first export into a project: 2 requests, JWT verified, dataset (EU) and table (schema v1) created, MERGE of every row", async () => {
    const { status, body } = await exportNow();
    expect(status).toBe(200);
    expect(body.export).toMatchObject({
      target: "bigquery",
      status: "completed",
      date_from: d2,
      date_to: d0,
    });
    expect(body.export.rows_upserted).toBe(body.export.rows_read);

    expect(standIn.requests.map((r) => `${r.method} ${r.path} ${r.response?.status}`)).toEqual([
      "POST /token 200",
      `${QUERIES} 200`,
    ]);
    expect(standIn.assertions).toHaveLength(1);
    expect(standIn.assertions[0].claims).toMatchObject({
      iss: account.clientEmail,
      scope: "https://www.googleapis.com/auth/bigquery",
      aud: standIn.tokenUrl,
    });
    expect(standIn.datasets.get(`${PROJECT}:monitoring`)?.location).toBe("EU");
    expect(standIn.tables.get(TABLE)?.columns).toEqual(
      SCHEMA_V1.map((c) => ({ name: c.name, type: TYPE_NAMES[c.type].googleSql, mode: c.mode })),
    );
    expect(standInRows()).toEqual(await viewRows(d2, d0));
    expect(standInRows(A)).toEqual([
      expect.objectContaining({
        run_date: d2,
        final_status: "no_data",
        is_problem: 1,
        jobs_processed_best: null,
      }),
      expect.objectContaining({
        run_date: d1,
        final_status: "failed",
        jobs_processed_best: 0,
        http_fail_rate_sum: 1,
      }),
      expect.objectContaining({ run_date: d0, final_status: "no_data" }),
    ]);
  });

  it("a later export costs the same 2 requests (token, script) and sends the exact documents", async () => {
    await exportNow();
    const table = standIn.tables.get(TABLE);
    standIn.requests.length = 0;
    const { status, body } = await exportNow();
    expect(status).toBe(200);
    expect(standIn.requests.map((r) => `${r.method} ${r.path} ${r.response?.status}`)).toEqual([
      "POST /token 200",
      `${QUERIES} 200`,
    ]);
    const [token, query] = standIn.requests;
    expect(token.body).toMatchObject({ grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer" });
    expect(query.headers.authorization).toBe(
      `Bearer ${(token.response?.body as { access_token: string }).access_token}`,
    );
    expect(standIn.tables.get(TABLE)).toBe(table); // IF NOT EXISTS: the existing table is kept
    const q = query.body as {
      query: string;
      useLegacySql: boolean;
      location: string;
      queryParameters: { name: string; parameterValue: { arrayValues: unknown[] } }[];
    };
    const statements = q.query.split(/;\n/).map((statement) => statement.split("\n")[0]);
    expect(statements).toEqual([
      `CREATE SCHEMA IF NOT EXISTS \`${PROJECT}.monitoring\``,
      `CREATE TABLE IF NOT EXISTS \`${PROJECT}.monitoring.daily_summary\` (`,
      `MERGE \`${PROJECT}.monitoring.daily_summary\` AS t`,
      "SELECT @@row_count AS upserted;",
    ]);
    expect(q.query).toContain('OPTIONS (location = "EU");');
    expect(q).toMatchObject({ useLegacySql: false, location: "EU", parameterMode: "NAMED" });
    expect(q.queryParameters[0].name).toBe("rows");
    expect(q.queryParameters[0].parameterValue.arrayValues).toHaveLength(body.export.rows_read);
    // never a key in a request (only the signed assertion travels)
    expect(JSON.stringify(standIn.requests)).not.toContain(account.privateKeyBody.slice(0, 64));
  });

  it("an API error is recorded as a failed export with the API's message; a re-run repairs it", async () => {
    await exportNow();
    await addRun(sql, sourceA, d1, { status: "completed", items: 17, exec: 30, requests: 20 }, 90);
    // The MERGE fails inside the script (after its DDL ran), as a quota error does in BigQuery.
    standIn.failNextStatement(
      {
        status: 403,
        reason: "quotaExceeded",
        message: "Quota exceeded: Your table exceeded quota for UPDATE, DELETE or MERGE queries.",
      },
      /^MERGE/,
    );
    const failed = await exportNow();
    expect(failed.status).toBe(502);
    expect(failed.body.error.code).toBe("export_failed");
    expect(failed.body.export).toMatchObject({ status: "failed", rows_upserted: 0, target: "bigquery" });
    expect(failed.body.export.error).toBe(
      "BigQuery jobs.query failed: HTTP 403 quotaExceeded: Quota exceeded: Your table exceeded quota for UPDATE, DELETE or MERGE queries.",
    );
    const [stored] = await sql`select status, error from ops.mirror_runs where id = ${failed.body.export.id}`;
    expect(stored).toEqual({ status: "failed", error: failed.body.export.error });
    expect(standInRows(A).find((r) => r.run_date === d1)).toMatchObject({ final_status: "failed" }); // unchanged

    const repaired = await exportNow();
    expect(repaired.status).toBe(200);
    expect(repaired.body.export.status).toBe("completed");
    expect(standInRows(A).find((r) => r.run_date === d1)).toMatchObject({
      final_status: "success",
      is_success: 1,
      jobs_processed_best: 17,
      http_fail_rate_sum: 0.5, // 20 failures of 40 requests over both runs of the day
    });
    expect(standInRows()).toEqual(await viewRows(d2, d0));
  });

  it("an auth failure at the token endpoint fails the export with the endpoint's message and writes nothing", async () => {
    standIn.failNext(
      { status: 400, reason: "invalid_grant", message: "Invalid JWT Signature." },
      /^\/token$/,
    );
    const { status, body } = await exportNow();
    expect(status).toBe(502);
    expect(body.export.status).toBe("failed");
    expect(body.export.error).toContain("invalid_grant");
    expect(body.export.error).toContain("Invalid JWT Signature.");
    expect(standIn.requests.filter((r) => r.path.endsWith("/queries"))).toHaveLength(0);
  });

  it("a dry run sends nothing to BigQuery", async () => {
    const { status, body } = await exportNow({ dry_run: true });
    expect(status).toBe(200);
    expect(body).toMatchObject({ dry_run: true, target: "bigquery" });
    expect(body.destination).toBe(`bigquery ${PROJECT}.monitoring.daily_summary (EU)`);
    expect(standIn.requests).toHaveLength(0);
  });

  it("a mirror job whose export the API rejects fails with the API's message (the harness always finishes)", async () => {
    await exportNow(); // dataset and table exist
    // no wake-up: this test runs the mirror worker itself
    const [job] = await sql.begin(async (tx) => {
      await tx`set local ops.wake_workers = off`;
      return await tx`select id from ops.enqueue(p_type => 'mirror', p_params => ${tx.json({ days: 1 })})`;
    });
    standIn.failNext(
      { status: 500, reason: "backendError", message: "Backend error. Please try again." },
      /\/queries$/,
    );
    const { results } = await runMirrorJobs(
      fnSql,
      mirrorTargetFromEnv(env, { bigQuery: { pollIntervalMs: 0 } }),
      {
        worker: "mirror:test",
      },
    );
    expect(results.map((r) => r.jobId)).toEqual([job.id]);
    const [done] = await sql`select status, error from ops.jobs where id = ${job.id}`;
    expect(done.status).toBe("failed");
    expect(done.error).toContain("HTTP 500 backendError: Backend error. Please try again.");
    const [run] = await sql`select status, trigger, error from ops.mirror_runs where job_id = ${job.id}`;
    expect(run).toMatchObject({ status: "failed", trigger: "job" });
  });

  /** One export of a day through a mirror handler with these targets (run in-process, nothing woken). */
  function exportOnce(targets: ReturnType<typeof mirrorTargetFromEnv>): Promise<Response> {
    const handler = createMirrorHandler({
      sql: fnSql,
      auth: authFromEnv(stackEnv(stack)),
      targets,
      work: async () => {},
      background: () => {},
      log: () => {},
    });
    return handler(
      new Request("http://127.0.0.1/mirror", {
        method: "POST",
        headers: { "content-type": "application/json", apikey: stack.secretKey },
        body: JSON.stringify({ action: "export", days: 1 }),
      }),
    );
  }

  it("misconfiguration (a key without a project id) is a failed export naming the problem, never the key", async () => {
    const targets = mirrorTargetFromEnv({ ...env, BIGQUERY_PROJECT_ID: "" });
    expect(targets.kind).toBe("unconfigured");
    const response = await exportOnce(targets);
    const text = await response.text();
    expect(response.status).toBe(502);
    expect(JSON.parse(text).export).toMatchObject({
      target: "bigquery",
      status: "failed",
      error: "BigQuery configuration: BIGQUERY_PROJECT_ID is required when BigQuery credentials are set",
    });
    expect(text).not.toContain(account.privateKeyBody.slice(0, 64));
  });

  it("a hosted project without BigQuery and without MIRROR_LOCAL_DB_URL: a 'not configured' export, no guessed database", async () => {
    const targets = mirrorTargetFromEnv({ SUPABASE_DB_URL: stack.dbUrl, SUPABASE_URL: stack.supabaseUrl });
    expect(targets.kind).toBe("unconfigured");
    const response = await exportOnce(targets);
    expect(response.status).toBe(502);
    const { export: record } = await response.json();
    expect(record).toMatchObject({ status: "failed" });
    expect(record.error).toMatch(/^mirror not configured: set BIGQUERY_PROJECT_ID/);
    const [run] = await sql`select status, error from ops.mirror_runs where id = ${record.id}`;
    expect(run.status).toBe("failed");
  });
});
