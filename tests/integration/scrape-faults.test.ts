// Every fault profile of the fixture sites through the real scrape function:
// run status, error category, counters, breaker state.
import { describe, expect, it } from "vitest";
import { postingsOn } from "../../scripts/fixtures/catalog.ts";
import { runScrape, useScrapeFixtures } from "../support/scrape.ts";

const ctx = useScrapeFixtures([
  { key: "forbidden", format: "greenhouse", postings: 5, fault: "always_403" },
  {
    key: "limited",
    format: "lever",
    postings: 8,
    pageSize: 5,
    fault: { kind: "rate_limited", firstRequests: 2 },
  },
  { key: "captcha", format: "jsonld-html", postings: 4, fault: "captcha" },
  { key: "changed", format: "greenhouse", postings: 6, fault: { kind: "markup_changed", fromDay: 3 } },
  { key: "changed-html", format: "css-selector", postings: 6, fault: { kind: "markup_changed", fromDay: 3 } },
  { key: "empty", format: "smartrecruiters", postings: 9, fault: "empty" },
  { key: "emptied", format: "smartrecruiters", postings: 3 },
  {
    key: "dropping",
    format: "personio",
    postings: 30,
    fault: { kind: "volume_drop", fromDay: 3, keepRatio: 0.4 },
  },
  { key: "flaky", format: "lever", postings: 12, pageSize: 5, fault: { kind: "flaky_500", every: 3 } },
  { key: "hanging", format: "smartrecruiters", postings: 4, fault: "timeout" },
  { key: "login", format: "recruitee", postings: 4, fault: "login_redirect" },
  { key: "broken-json", format: "greenhouse", postings: 4, fault: "malformed" },
  { key: "broken-xml", format: "personio", postings: 4, fault: "malformed" },
  { key: "slow", format: "recruitee", postings: 4, fault: { kind: "slow", delayMs: 150 } },
  { key: "sloppy", format: "recruitee", postings: 10, missingTitle: 6 },
  {
    key: "wobbly",
    format: "jsonld-html",
    postings: 16,
    pageSize: 8,
    fault: { kind: "flaky_500", every: 4 },
  },
]);
const { sql } = ctx;

async function breaker(companyKey: string) {
  const [row] = await sql`
    select breaker_state, breaker_failures, breaker_trip_count, consecutive_errors, breaker_opened_at
      from ops.sources where key = ${ctx.sourceKey(companyKey)}`;
  return row;
}

describe("fault profiles through the scrape function", () => {
  it("always_403: failed block_403 without retries; the breaker opens at the threshold, then skips; a reset lets requests through", async () => {
    const sourceId = await ctx.source("forbidden", { breakerThreshold: 2, breakerCooldownSeconds: 300 });
    const first = await runScrape(sql, sourceId);
    expect(first.job).toMatchObject({ status: "failed", error_category: "block_403" });
    expect(first.run).toMatchObject({
      requests: 1,
      http_failures: 1,
      blocked_403: 1,
      links_failed: 1,
      breaker_triggered: false,
      breaker_trips: 0,
    });
    expect(first.errors).toEqual([expect.objectContaining({ category: "block_403", http_status: 403 })]);
    expect(await breaker("forbidden")).toMatchObject({ breaker_state: "closed", breaker_failures: 1 });

    const second = await runScrape(sql, sourceId);
    expect(second.job).toMatchObject({ status: "failed", error_category: "block_403" });
    expect(second.run).toMatchObject({
      requests: 1,
      blocked_403: 1,
      breaker_triggered: true,
      breaker_trips: 1,
    });
    expect(second.errors[0]).toMatchObject({ severity: "critical" });
    expect(await breaker("forbidden")).toMatchObject({
      breaker_state: "open",
      breaker_failures: 2,
      breaker_trip_count: 1,
      consecutive_errors: 2,
    });

    const before = ctx.server().requestsFor("forbidden").length;
    const third = await runScrape(sql, sourceId);
    expect(third.job).toMatchObject({ status: "skipped", error_category: "circuit_open" });
    expect(third.run).toMatchObject({
      status: "skipped",
      requests: 0,
      breaker_triggered: true,
      breaker_trips: 0,
    });
    expect(third.errors).toEqual([expect.objectContaining({ category: "circuit_open" })]);
    expect(ctx.server().requestsFor("forbidden").length).toBe(before);

    await sql`select ops.reset_breaker(${ctx.sourceKey("forbidden")})`;
    const fourth = await runScrape(sql, sourceId);
    expect(fourth.job).toMatchObject({ status: "failed", error_category: "block_403" });
    expect(fourth.run.requests).toBe(1);
    expect(await breaker("forbidden")).toMatchObject({ breaker_state: "closed", breaker_failures: 1 });
  });

  it("rate_limited: 429s waited out as Retry-After says, the run completes with blocked_429 counted", async () => {
    const sourceId = await ctx.source("limited");
    const { job, run } = await runScrape(sql, sourceId);
    expect(job.status).toBe("completed");
    expect(run).toMatchObject({
      requests: 4,
      blocked_429: 2,
      http_failures: 2,
      items_found: 8,
      items_new: 8,
    });
    expect(run.portal_stats[ctx.sourceKey("limited")]).toMatchObject({ retries: 2 });
    // Retry-After: 1 s, twice
    expect(Number(run.execution_time_sec)).toBeGreaterThanOrEqual(1.9);
  });

  it("captcha: failed captcha, counted", async () => {
    const sourceId = await ctx.source("captcha");
    const { job, run, errors } = await runScrape(sql, sourceId);
    expect(job).toMatchObject({ status: "failed", error_category: "captcha" });
    expect(run).toMatchObject({ captchas: 1, http_failures: 1, items_found: 0 });
    expect(errors).toEqual([expect.objectContaining({ category: "captcha", severity: "high" })]);
  });

  it("markup_changed: completed before day D, failed parsing from day D on (API and HTML)", async () => {
    for (const key of ["changed", "changed-html"]) {
      const sourceId = await ctx.source(key, { day: 2 });
      const before = await runScrape(sql, sourceId);
      expect(before.job.status, key).toBe("completed");
      expect(before.run.items_new, key).toBe(postingsOn(ctx.company(key), 2).length);
      await ctx.setDay(key, 3);
      const after = await runScrape(sql, sourceId);
      expect(after.job, key).toMatchObject({ status: "failed", error_category: "parsing" });
      expect(after.run, key).toMatchObject({ items_found: 0, http_failures: 0 });
      const [{ active }] = await sql`
        select count(*) filter (where active)::int as active from ops.postings where source_id = ${sourceId}`;
      expect(active, `${key}: a failed run deactivates nothing`).toBe(before.run.items_new);
    }
  });

  it("empty: a board that never had a posting is 'board not found or empty', a warning with its own reason", async () => {
    const sourceId = await ctx.source("empty");
    const { job, run, errors } = await runScrape(sql, sourceId);
    expect(job).toMatchObject({ status: "partial", error_category: "data_quality" });
    expect(job.error).toMatch(/^board not found or empty/);
    expect(run).toMatchObject({ status: "partial", items_found: 0, requests: 1 });
    expect(errors).toEqual([expect.objectContaining({ category: "data_quality", severity: "low" })]);
    const [{ n }] = await sql`
      select count(*)::int as n from ops.logs where job_id = ${job.id} and level = 'WARNING'
         and message like 'board not found or empty%'`;
    expect(n).toBe(1);
  });

  it("empty: a board that had postings and lists none now completes with 0 items (a silent failure for the views)", async () => {
    const sourceId = await ctx.source("emptied");
    expect((await runScrape(sql, sourceId)).job.status).toBe("completed");
    await sql`update ops.sources set adapter_config = ${
      sql.json(ctx.server().sourceFor("empty", 0).config as never)
    } where id = ${sourceId}`;
    const { job, run, errors } = await runScrape(sql, sourceId);
    expect(job).toMatchObject({ status: "completed", error_category: null });
    expect(run).toMatchObject({ items_found: 0 });
    expect(errors).toEqual([]);
  });

  it("volume_drop: day D completes with 40% of the postings and deactivates the rest", async () => {
    const sourceId = await ctx.source("dropping", { day: 2 });
    const before = await runScrape(sql, sourceId);
    const day2 = postingsOn(ctx.company("dropping"), 2);
    expect(before.run.items_found).toBe(day2.length);
    await ctx.setDay("dropping", 3);
    const after = await runScrape(sql, sourceId);
    const day3 = postingsOn(ctx.company("dropping"), 3);
    expect(day3.length).toBeLessThan(day2.length * 0.5);
    expect(after.job.status).toBe("completed");
    expect(after.run.items_found).toBe(day3.length);
    const [{ active }] = await sql`
      select count(*) filter (where active)::int as active from ops.postings where source_id = ${sourceId}`;
    expect(active).toBe(day3.length);
  });

  it("flaky_500: completed after retries; the 500s are counted as failed requests", async () => {
    const sourceId = await ctx.source("flaky", { maxRetries: 2 });
    const { job, run, errors } = await runScrape(sql, sourceId);
    expect(job.status).toBe("completed");
    // requests 1, 4 and 7 get 500: three pages need five requests
    expect(run).toMatchObject({ requests: 5, http_failures: 2, links_ok: 3, links_failed: 0, items_new: 12 });
    expect(run.portal_stats[ctx.sourceKey("flaky")]).toMatchObject({ retries: 2 });
    expect(errors).toEqual([]);
  });

  it("timeout: failed network_timeout after the retries, every attempt counted", async () => {
    const sourceId = await ctx.source("hanging", { requestTimeoutSeconds: 0.3, maxRetries: 1 });
    const { job, run, errors } = await runScrape(sql, sourceId);
    expect(job).toMatchObject({ status: "failed", error_category: "network_timeout" });
    expect(run).toMatchObject({ requests: 2, timeouts: 2, http_failures: 2, links_failed: 1 });
    expect(errors).toEqual([expect.objectContaining({ category: "network_timeout" })]);
  });

  it("login_redirect: failed as a login_redirect block, the login page never fetched", async () => {
    const sourceId = await ctx.source("login");
    const { job, run, errors } = await runScrape(sql, sourceId);
    expect(job).toMatchObject({ status: "failed", error_category: "login_redirect" });
    expect(run).toMatchObject({ requests: 1, http_failures: 1 });
    expect(run.portal_stats[ctx.sourceKey("login")]).toMatchObject({ login_redirects: 1 });
    expect(errors).toEqual([expect.objectContaining({ category: "login_redirect", http_status: 302 })]);
    const [{ is_block }] =
      await sql`select is_block from ops.error_categories where category = 'login_redirect'`;
    expect(is_block).toBe(true);
    expect(ctx.server().requestLog.some((e) => e.path.startsWith("/login"))).toBe(false);
  });

  it("malformed: truncated JSON and XML fail as parsing", async () => {
    for (const key of ["broken-json", "broken-xml"]) {
      const sourceId = await ctx.source(key);
      const { job, errors } = await runScrape(sql, sourceId);
      expect(job, key).toMatchObject({ status: "failed", error_category: "parsing" });
      expect(errors[0].details.code, key).toBe(key === "broken-json" ? "invalid_json" : "invalid_xml");
    }
  });

  it("slow: completed; the request time shows the delay", async () => {
    const sourceId = await ctx.source("slow");
    const { job, run } = await runScrape(sql, sourceId);
    expect(job.status).toBe("completed");
    expect(Number(run.avg_request_ms)).toBeGreaterThanOrEqual(140);
  });

  it("too many records rejected: partial with data_quality, deactivating nothing", async () => {
    const sourceId = await ctx.source("sloppy");
    const { job, run, errors } = await runScrape(sql, sourceId);
    expect(job).toMatchObject({ status: "partial", error_category: "data_quality" });
    expect(run).toMatchObject({ status: "partial", items_found: 10, items_rejected: 6, items_new: 4 });
    expect(errors.map((e) => e.category).sort()).toEqual(["data_quality", "validation"]);
  });

  it("failed detail pages with postings: partial http_5xx; a partial run deactivates nothing", async () => {
    const key = "wobbly";
    const sourceId = await ctx.source(key, { maxRetries: 3, maxConcurrency: 8 });
    const first = await runScrape(sql, sourceId);
    expect(first.job.status).toBe("completed");
    const day0 = postingsOn(ctx.company(key), 0);
    expect(first.run.items_new).toBe(day0.length);

    // Day 6 lists fewer of the day-0 postings; without retries some detail pages fail.
    await ctx.setDay(key, 6);
    await sql`update ops.sources set max_retries = 0, max_concurrency = 1 where id = ${sourceId}`;
    const day6 = new Set(postingsOn(ctx.company(key), 6).map((p) => p.externalId));
    expect(day0.some((p) => !day6.has(p.externalId))).toBe(true);
    ctx.server().reset();
    await fetch(`${ctx.server().url}/d/6/sites/${key}/careers`); // request 1 gets the 500
    const second = await runScrape(sql, sourceId);
    expect(second.job).toMatchObject({ status: "partial", error_category: "http_5xx" });
    expect(second.run.http_failures).toBeGreaterThan(0);
    expect(second.run.items_found).toBeGreaterThan(0);
    const [{ active }] = await sql`
      select count(*) filter (where active)::int as active from ops.postings where source_id = ${sourceId}`;
    expect(active).toBeGreaterThanOrEqual(day0.length);
    const [{ inactive }] = await sql`
      select count(*) filter (where not active)::int as inactive from ops.postings where source_id = ${sourceId}`;
    expect(inactive).toBe(0);
  });
});
