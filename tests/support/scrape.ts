// Helpers of the scrape function's integration tests: fixture sites, sources
// pointing at them, scrape jobs, and invoking the real function under the
// local functions server.
import { afterAll, beforeAll } from "vitest";
import { type Company, type CompanySpec, defineCompanies } from "../../scripts/fixtures/catalog.ts";
import { type FixtureServer, startFixtureServer } from "../../scripts/fixtures/server.ts";
import type { Sql as DbSql } from "../../supabase/functions/_shared/db.ts";
import { TERMINAL_STATUSES } from "../../supabase/functions/_shared/jobs/api.ts";
import { authHeaders, functionUrl, stack, superuserSql } from "./stack.ts";

export const SEED = 11;

export type Sql = ReturnType<typeof superuserSql>;

export interface SourceOptions {
  day?: number;
  rateLimitSeconds?: number;
  requestTimeoutSeconds?: number;
  maxRetries?: number;
  breakerThreshold?: number;
  breakerCooldownSeconds?: number;
  breakerEnabled?: boolean;
  maxConcurrency?: number;
  /** Replaces the fixture's adapter config (e.g. an invalid one). */
  adapterConfig?: Record<string, unknown>;
}

export interface ScrapeContext {
  sql: Sql;
  server: () => FixtureServer;
  company: (key: string) => Company;
  /** Creates (or re-points) the source of a fixture company; returns its id. */
  source: (companyKey: string, options?: SourceOptions) => Promise<number>;
  sourceKey: (companyKey: string) => string;
  /** Points an existing source at the company as it looks on `day`. */
  setDay: (companyKey: string, day: number) => Promise<void>;
}

/** One fixture server and a set of sources per test file; everything is removed afterwards. */
export function useScrapeFixtures(specs: CompanySpec[]): ScrapeContext {
  const sql = superuserSql();
  const catalog = defineCompanies({ seed: SEED, companies: specs });
  const prefix = `t${Date.now().toString(36)}`;
  const ids = new Map<string, number>();
  let server: FixtureServer | undefined;

  beforeAll(async () => {
    server = await startFixtureServer({ companies: catalog, port: 0 });
  });
  afterAll(async () => {
    const sourceIds = [...ids.values()];
    if (sourceIds.length > 0) {
      await sql`update ops.jobs set status = 'cancelled', finished_at = now()
                 where source_id = any(${sourceIds}) and status in ('pending', 'running')`;
      await sql`delete from ops.logs where source_id = any(${sourceIds})`;
      await sql`delete from ops.jobs where source_id = any(${sourceIds})`;
      await sql`delete from ops.sources where id = any(${sourceIds})`;
    }
    await server?.close();
    await sql.end();
  });

  const ctx: ScrapeContext = {
    sql,
    server: () => {
      if (!server) throw new Error("fixture server not started");
      return server;
    },
    company: (key) => {
      const company = catalog.find((c) => c.key === key);
      if (!company) throw new Error(`unknown fixture company ${key}`);
      return company;
    },
    sourceKey: (companyKey) => `${prefix}-${companyKey}`,
    async source(companyKey, o = {}) {
      const fixture = ctx.server().sourceFor(companyKey, o.day ?? 0);
      const [row] = await sql`
        insert into ops.sources (key, display_name, adapter, adapter_config, rate_limit_seconds,
                                 request_timeout_seconds, max_retries, breaker_threshold,
                                 breaker_cooldown_seconds, breaker_enabled, max_concurrency)
        values (${ctx.sourceKey(companyKey)}, ${companyKey}, ${fixture.adapter},
                ${sql.json((o.adapterConfig ?? fixture.config) as never)}, ${o.rateLimitSeconds ?? 0},
                ${o.requestTimeoutSeconds ?? 2}, ${o.maxRetries ?? 2}, ${o.breakerThreshold ?? 5},
                ${o.breakerCooldownSeconds ?? 300}, ${o.breakerEnabled ?? true}, ${o.maxConcurrency ?? 4})
        on conflict (key) do update set adapter_config = excluded.adapter_config
        returning id`;
      ids.set(companyKey, row.id);
      return row.id;
    },
    async setDay(companyKey, day) {
      const fixture = ctx.server().sourceFor(companyKey, day);
      await sql`update ops.sources set adapter_config = ${sql.json(fixture.config as never)}
                 where key = ${ctx.sourceKey(companyKey)}`;
    },
  };
  return ctx;
}

/** POSTs to the scrape function with the service role key (or another token). */
export function callScrape(body: unknown, token: string | null = stack.secretKey): Promise<Response> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  Object.assign(headers, authHeaders(token));
  return fetch(functionUrl("scrape"), { method: "POST", headers, body: JSON.stringify(body) });
}

/** Enqueues a scrape job without waking a worker: the test wakes one itself, with the budget it needs. */
export async function enqueueScrape(sql: Sql, sourceId: number, params: Record<string, unknown> = {}) {
  const [job] = await sql.begin(async (tx) => {
    await tx`set local ops.wake_workers = off`;
    return await tx`
      select id from ops.enqueue(p_type => 'scrape', p_params => ${tx.json(params as never)},
                                 p_source_id => ${sourceId}, p_created_by => 'scrape-test')`;
  });
  return job.id as number;
}

export interface JobRow {
  id: number;
  status: string;
  error: string | null;
  error_category: string | null;
  result: Record<string, unknown> | null;
  cursor: unknown;
  attempt: number;
}

/** Polls until the job has one of `statuses` (default: any terminal one). */
export async function waitForJob(
  sql: Sql | DbSql,
  jobId: number,
  timeoutMs = 20_000,
  statuses: readonly string[] = TERMINAL_STATUSES,
): Promise<JobRow> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [job] = await sql<JobRow[]>`
      select id, status, error, error_category, result, cursor, attempt from ops.jobs where id = ${jobId}`;
    if (job && statuses.includes(job.status)) return job;
    if (Date.now() > deadline) throw new Error(`job ${jobId} is still ${job?.status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export interface ScrapeOutcome {
  job: JobRow;
  run: Record<string, any>;
  errors: Record<string, any>[];
}

export async function outcomeOf(sql: Sql, jobId: number): Promise<ScrapeOutcome> {
  const [job] = await sql<JobRow[]>`
    select id, status, error, error_category, result, cursor, attempt from ops.jobs where id = ${jobId}`;
  const [run] = await sql`select * from ops.scrape_runs where job_id = ${jobId}`;
  const errors = await sql`
    select category, severity, http_status, count, message, url, details from ops.errors
     where job_id = ${jobId} order by category, id`;
  return { job, run: run ?? {}, errors: [...errors] };
}

/** Enqueues a scrape job, wakes a worker and waits for the job to end. */
export async function runScrape(
  sql: Sql,
  sourceId: number,
  params: Record<string, unknown> = {},
  options: { budgetMs?: number; timeoutMs?: number } = {},
): Promise<ScrapeOutcome> {
  const jobId = await enqueueScrape(sql, sourceId, params);
  const response = await callScrape({
    action: "work",
    trigger: "test",
    budget_ms: options.budgetMs ?? 20_000,
  });
  if (response.status !== 202) {
    throw new Error(`scrape function answered ${response.status}: ${await response.text()}`);
  }
  await waitForJob(sql, jobId, options.timeoutMs ?? 20_000);
  return outcomeOf(sql, jobId);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
