// A real Crawlee crawl of the fixture career sites through the integration:
// each crawl is one scrape run of its source whose counters equal Crawlee's
// own statistics and the fixture site's request log, whose errors are
// classified like the scrape function classifies them, and which gives the
// source a morning-report line like any other.
import { ReportClient, type RunView } from "@scrape-ops/report-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defineCompanies } from "../../../scripts/fixtures/catalog.ts";
import { type FixtureServer, startFixtureServer } from "../../../scripts/fixtures/server.ts";
import { sourceFor } from "../../../scripts/fixtures/sources.ts";
import { morningReport } from "../../../scripts/lib/morning-report.ts";
import { config, createSource, removeSources, sql, waitFor } from "../../report-client/test/support.ts";
import { careersCrawler } from "../examples/careers-crawler.ts";
import { attachReporter } from "../src/index.ts";

const prefix = `cr${Date.now().toString(36)}`;
const companies = defineCompanies({
  seed: 5,
  companies: [
    { key: `${prefix}-ok`, format: "jsonld-html", postings: 23 },
    { key: `${prefix}-ratelimited`, format: "jsonld-html", postings: 6, fault: { kind: "rate_limited", firstRequests: 2 } },
    { key: `${prefix}-forbidden`, format: "jsonld-html", postings: 5, fault: "always_403" },
    { key: `${prefix}-captcha`, format: "jsonld-html", postings: 5, fault: "captcha" },
    { key: `${prefix}-timeout`, format: "jsonld-html", postings: 5, fault: "timeout" },
    { key: `${prefix}-down`, format: "jsonld-html", postings: 5, fault: { kind: "flaky_500", every: 1 } },
    { key: `${prefix}-slow`, format: "jsonld-html", postings: 60, fault: { kind: "slow", delayMs: 200 } },
  ],
});
const today = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Berlin" }).format(new Date());
const client = new ReportClient({ url: config.supabaseUrl, apiKey: config.secretKey, handleExit: false });
let sites: FixtureServer;

interface Crawl {
  run: RunView;
  stats: { requestsFinished: number; requestsFailed: number };
  /** Crawlee's attempts and retries, from its retry histogram. */
  attempts: number;
  retries: number;
  items: number;
}
const crawls = new Map<string, Crawl>();

/** One crawl of one company's site through the integration, as a user would attach it. */
async function crawl(companyKey: string): Promise<Crawl> {
  const company = companies.find((c) => c.key === companyKey)!;
  const crawler = careersCrawler({ maxRequestRetries: 2, navigationTimeoutSecs: 2 });
  const reporter = attachReporter(crawler, { client, sourceKey: company.key, statsIntervalMs: 100 });
  await crawler.run([{ url: String(sourceFor(company, sites.url, 0).config.startUrl), label: "LIST" }]);
  const dataset = await crawler.getDataset();
  const histogram = crawler.stats.requestRetryHistogram;
  const result = {
    run: reporter.lastRun!,
    stats: { ...crawler.stats.state },
    attempts: histogram.reduce((sum, n, k) => sum + (k + 1) * (n ?? 0), 0),
    retries: histogram.reduce((sum, n, k) => sum + k * (n ?? 0), 0),
    items: (await dataset.getData()).items.length,
  };
  crawls.set(companyKey, result);
  return result;
}

beforeAll(async () => {
  sites = await startFixtureServer({ companies, port: 0 });
  for (const company of companies) await createSource(company.key);
  for (const company of companies) if (!company.key.endsWith("-slow")) await crawl(company.key);
}, 240_000);
afterAll(async () => {
  await sites?.close();
  await removeSources(prefix);
  await sql.end();
});

describe("a Crawlee crawl reported through the integration", () => {
  it("counters equal Crawlee's statistics and the fixture site's request log", () => {
    for (const company of companies.filter((c) => crawls.has(c.key))) {
      const { run, stats, items, attempts, retries } = crawls.get(company.key)!;
      const log = sites.requestsFor(company.key);
      expect(run.counters, company.key).toMatchObject({
        requests: attempts,
        links_ok: stats.requestsFinished,
        links_failed: stats.requestsFailed,
        links_checked: stats.requestsFinished + stats.requestsFailed,
        http_failures: stats.requestsFailed + retries,
        items_found: items,
      });
      expect(run.counters!.requests, `${company.key}: the site's request log`).toBe(log.length);
      expect(run.counters!.blocked_403, company.key).toBe(log.filter((r) => r.status === 403).length);
      expect(run.counters!.blocked_429, company.key).toBe(log.filter((r) => r.status === 429).length);
    }
  });

  it("a healthy site: completed, every posting counted through the dataset", () => {
    const { run, stats, items } = crawls.get(`${prefix}-ok`)!;
    expect(run.job).toMatchObject({ status: "completed", source_key: `${prefix}-ok`, run_date: today });
    expect(items).toBe(23);
    expect(run.counters!.items_found).toBe(23);
    expect(stats.requestsFinished).toBe(3 + 23); // 3 listing pages of 10 and 23 job pages
    expect(run.errors).toEqual([]);
  });

  it("429s retried to success: completed, the blocks counted", () => {
    const { run } = crawls.get(`${prefix}-ratelimited`)!;
    expect(run.job.status).toBe("completed");
    expect(run.counters!.blocked_429).toBe(2);
    expect(run.counters!.items_found).toBe(6);
  });

  it("failed requests are classified like the scrape function classifies them: 403 and 429 apart, captcha, timeouts", () => {
    const expected: Record<string, { category: string; counter?: string }> = {
      forbidden: { category: "block_403", counter: "blocked_403" },
      captcha: { category: "captcha", counter: "captchas" },
      timeout: { category: "network_timeout", counter: "timeouts" },
      down: { category: "http_5xx" },
    };
    for (const [name, { category, counter }] of Object.entries(expected)) {
      const { run, attempts } = crawls.get(`${prefix}-${name}`)!;
      expect(run.job, name).toMatchObject({ status: "failed", error_category: category });
      expect(run.errors.map((e) => e.category), name).toEqual([category]);
      // every attempt of the start page failed the same way
      if (counter) {
        expect(run.counters![counter as "captchas"], name).toBe(attempts);
      }
    }
    expect(crawls.get(`${prefix}-forbidden`)!.run.errors[0]).toMatchObject({ http_status: 403, severity: "high" });
  });

  it("each source gets a morning-report line like any other", async () => {
    const rows = await sql`select company_key, final_status, jobs_processed_best from ops.daily_summary_v
      where run_date = ${today} and company_key like ${prefix + "%"} order by company_key`;
    const byKey = Object.fromEntries(rows.map((r) => [r.company_key, r]));
    expect(byKey[`${prefix}-ok`]).toMatchObject({ final_status: "success", jobs_processed_best: 23 });
    expect(byKey[`${prefix}-forbidden`]).toMatchObject({ final_status: "failed" });
    const report = await morningReport(sql, today);
    expect(report).toMatch(new RegExp(`✘ ${prefix}-forbidden\\s+failed`));
    expect(report).toMatch(new RegExp(`✘ ${prefix}-captcha\\s+failed`));
  });
});

describe("an operator's cancel request", () => {
  it("aborts the crawl at the next heartbeat and finishes the run as cancelled", async () => {
    const company = companies.find((c) => c.key === `${prefix}-slow`)!;
    const crawler = careersCrawler();
    const reporter = attachReporter(crawler, {
      client,
      sourceKey: company.key,
      statsIntervalMs: 100,
      heartbeatIntervalMs: 100,
    });
    const crawling = crawler.run([{ url: String(sourceFor(company, sites.url, 0).config.startUrl), label: "LIST" }]);
    const id = await waitFor(() => reporter.run?.id);
    // The run exists before Crawlee has made its pool (crawler.run() sets it up after the reporter's
    // start): a cancel seen then would have no pool to abort, and the whole slow site would be crawled,
    // which under CPU load outlasts the test. Cancel once the site has seen the crawl's first request.
    await waitFor(() => sites.requestsFor(company.key).length > 0);
    await sql`select ops.request_cancel(${id}, 'enough')`;
    const stats = await crawling;
    expect(reporter.lastRun!.job).toMatchObject({ id, status: "cancelled" });
    // stopped early: far fewer pages than the site's 6 listing and 60 job pages
    expect(stats.requestsFinished).toBeLessThan(66);
  }, 60_000);

  it("a cancel that arrives before Crawlee has built its pool still stops the crawl", async () => {
    const company = companies.find((c) => c.key === `${prefix}-slow`)!;
    const crawler = careersCrawler();
    const reporter = attachReporter(crawler, { client, sourceKey: company.key, heartbeatIntervalMs: 100 });
    const crawling = crawler.run([{ url: String(sourceFor(company, sites.url, 0).config.startUrl), label: "LIST" }]);
    const id = await waitFor(() => reporter.run?.id);
    await sql`select ops.request_cancel(${id}, 'changed my mind')`; // at once: no pool may exist yet
    const stats = await crawling;
    expect(reporter.lastRun!.job).toMatchObject({ id, status: "cancelled" });
    expect(stats.requestsFinished).toBeLessThan(66);
  }, 60_000);

  it("a cancel seen after Crawlee built its pool but before the pool runs ends the crawl without a request", async () => {
    const company = companies.find((c) => c.key === `${prefix}-slow`)!;
    const crawler = careersCrawler();
    const reporter = attachReporter(crawler, { client, sourceKey: company.key, heartbeatIntervalMs: 100 });
    // Hold run() between building its pool (_init) and running it until the reporter has seen the
    // cancel: the moment in which aborting the pool would leave run() waiting forever.
    const internals = crawler as unknown as { _init(): Promise<void> };
    const init = internals._init.bind(crawler);
    internals._init = async () => {
      await init();
      await sql`select ops.request_cancel(${reporter.run!.id}, 'at the worst moment')`;
      await waitFor(() => reporter.run!.cancelRequested);
    };
    const stats = await crawler.run([{ url: String(sourceFor(company, sites.url, 0).config.startUrl), label: "LIST" }]);
    expect(reporter.lastRun!.job).toMatchObject({ status: "cancelled" });
    expect(stats.requestsFinished + stats.requestsFailed).toBe(0);
  }, 30_000);
});

