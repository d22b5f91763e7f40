// What changes while a scrape runs: rate limits read live, the breaker's state
// in the database (reset, half-open probe), cancellation through the heartbeat,
// and checkpoints that continue in a follow-up invocation.
import { afterAll, describe, expect, it } from "vitest";
import { postingsOn } from "../../scripts/fixtures/catalog.ts";
import {
  callScrape,
  enqueueScrape,
  outcomeOf,
  runScrape,
  sleep,
  useScrapeFixtures,
  waitForJob,
} from "../support/scrape.ts";

const ctx = useScrapeFixtures([
  { key: "paced", format: "lever", postings: 48, pageSize: 2 },
  { key: "paced-global", format: "lever", postings: 34, pageSize: 2 },
  { key: "blocked", format: "greenhouse", postings: 4, fault: "always_403" },
  { key: "healthy", format: "greenhouse", postings: 4 },
  {
    key: "sluggish",
    format: "jsonld-html",
    postings: 40,
    pageSize: 4,
    fault: { kind: "slow", delayMs: 200 },
  },
  { key: "long", format: "lever", postings: 12, pageSize: 2, fault: { kind: "slow", delayMs: 150 } },
]);
const { sql } = ctx;

afterAll(async () => {
  await sql`select ops.set_rate_limit(null, 0)`;
});

/** Gaps between the starts of consecutive requests to a company, in ms. */
function gaps(companyKey: string): number[] {
  const at = ctx.server().requestsFor(companyKey).map((e) => e.at);
  return at.slice(1).map((t, i) => t - at[i]);
}

async function untilRequests(companyKey: string, count: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (ctx.server().requestsFor(companyKey).length < count) {
    if (Date.now() > deadline) {
      throw new Error(`${companyKey}: fewer than ${count} requests after ${timeoutMs} ms`);
    }
    await sleep(10);
  }
}

/**
 * Where a company's request spacing switched to a new limit: the first request after `changedAt`
 * whose gap to its predecessor satisfies `isNew`. Returns its index in the request log and how long
 * after the change it arrived.
 */
function switchPoint(companyKey: string, changedAt: number, isNew: (gapMs: number) => boolean) {
  const log = ctx.server().requestsFor(companyKey);
  const index = log.findIndex((e, i) => i > 0 && e.at > changedAt && isNew(e.at - log[i - 1].at));
  return { index, latencyMs: index < 0 ? Infinity : log[index].at - changedAt, gaps: gaps(companyKey) };
}

/**
 * The smallest mean gap over any `window` consecutive gaps. The fixture stamps a request when it
 * arrives, not when the scraper sent it: a request that reached it late (a new connection, a busy
 * machine) shortens the next gap by its delay, but a window's mean by only a window-th of it. The
 * pacer's exact spacing of starts is proven with a controlled clock in tests/unit/scrape/pacing.test.ts.
 */
function windowMeans(gaps: number[], window: number): number[] {
  const size = Math.min(window, gaps.length);
  const means: number[] = [];
  for (let i = 0; i + size <= gaps.length; i++) {
    means.push(gaps.slice(i, i + size).reduce((a, b) => a + b, 0) / size);
  }
  return means;
}

function minWindowMean(gaps: number[], window = 4): number {
  return Math.min(...windowMeans(gaps, window));
}

function maxWindowMean(gaps: number[], window = 4): number {
  return Math.max(...windowMeans(gaps, window));
}

/** Every job of a company's source with its attempts and log: what a failed request count needs. */
async function crawlsOf(companyKey: string): Promise<string> {
  const jobs = await sql`
    select j.id, j.status, j.attempt, j.locked_by, j.error,
           (select json_agg(json_build_array(l.ts, l.level, l.message) order by l.id) from ops.logs l
             where l.job_id = j.id) as log
      from ops.jobs j join ops.sources s on s.id = j.source_id
     where s.key = ${ctx.sourceKey(companyKey)} order by j.id`;
  const requests = ctx.server().requestsFor(companyKey).map((e) => [Math.round(e.at), e.path, e.status]);
  return JSON.stringify({ jobs, requests });
}

function now(): number {
  return performance.timeOrigin + performance.now();
}

describe("rate limits are read live", () => {
  it("a source's rate limit changed during a run shows in the spacing of its requests within ~1 s", async () => {
    const sourceId = await ctx.source("paced", { rateLimitSeconds: 0.3 });
    const jobId = await enqueueScrape(sql, sourceId);
    expect((await callScrape({ action: "work", budget_ms: 30_000 })).status).toBe(202);
    await untilRequests("paced", 4);
    const changedAt = now();
    await sql`select ops.set_rate_limit(${ctx.sourceKey("paced")}, 0.05)`;
    const job = await waitForJob(sql, jobId);
    expect(job.status).toBe("completed");

    // 48 postings, 2 per page, and the empty last page; on a mismatch, say which jobs crawled the site
    expect(ctx.server().requestsFor("paced").length, await crawlsOf("paced")).toBe(25);
    const { index, latencyMs, gaps: all } = switchPoint("paced", changedAt, (gap) => gap < 100);
    expect(index).toBeGreaterThan(3);
    expect(latencyMs).toBeLessThan(1_500);
    // before the switch: the old limit; after it: the new one (as far as arrival times can show it).
    // The gap in which the change landed is neither: the new limit is read when the next request is
    // asked for, and that can be any time after the previous one started.
    const before = all.slice(0, index - 2);
    const after = all.slice(index - 1);
    // Only window means are compared: a loaded machine delays a single arrival by tens of ms, which
    // lengthens one gap and shortens the next by as much (seen in CI: ..., 56, 79, 24, 51, ...), so a
    // bound on single gaps tests the machine, not the pacer. 80% of a limit over 4 gaps keeps the
    // regimes 300 ms and 50 ms far apart; exact spacing of starts is pacing.test.ts's job.
    const seen = JSON.stringify(all.map(Math.round));
    expect(minWindowMean(before), seen).toBeGreaterThanOrEqual(240);
    expect(after.length, seen).toBeGreaterThanOrEqual(5);
    expect(minWindowMean(after), seen).toBeGreaterThanOrEqual(40);
    expect(maxWindowMean(after), seen).toBeLessThan(100);
    const [{ messages }] = await sql`
      select array_agg(message order by id) as messages from ops.logs where job_id = ${jobId} and message like 'rate limit%'`;
    expect(messages).toEqual(["rate limit 0.3 s", "rate limit changed: 0.3 s -> 0.05 s"]);
  });

  it("the global rate limit applies live when it is larger than the source's", async () => {
    const sourceId = await ctx.source("paced-global", { rateLimitSeconds: 0.1 });
    const jobId = await enqueueScrape(sql, sourceId);
    await callScrape({ action: "work", budget_ms: 30_000 });
    await untilRequests("paced-global", 3);
    const changedAt = now();
    await sql`select ops.set_rate_limit(null, 0.3)`;
    const job = await waitForJob(sql, jobId);
    await sql`select ops.set_rate_limit(null, 0)`;
    expect(job.status).toBe("completed");
    const { index, latencyMs, gaps: all } = switchPoint("paced-global", changedAt, (gap) => gap > 250);
    expect(latencyMs).toBeLessThan(1_500);
    // window means only, as above: single arrival gaps carry the machine's jitter
    expect(maxWindowMean(all.slice(0, 2), 2), JSON.stringify(all)).toBeLessThan(200);
    expect(all.slice(index - 1).length).toBeGreaterThanOrEqual(3);
    expect(minWindowMean(all.slice(index - 1)), JSON.stringify(all)).toBeGreaterThanOrEqual(240);
  });
});

describe("the circuit breaker lives in the database", () => {
  it("after the cooldown one probe is let through: a failing probe re-opens (a second trip), a good one closes", async () => {
    const sourceId = await ctx.source("blocked", { breakerThreshold: 1, breakerCooldownSeconds: 1 });
    const first = await runScrape(sql, sourceId);
    expect(first.job).toMatchObject({ status: "failed", error_category: "block_403" });
    expect(first.run).toMatchObject({ breaker_trips: 1, breaker_triggered: true });

    const skipped = await runScrape(sql, sourceId);
    expect(skipped.job).toMatchObject({ status: "skipped", error_category: "circuit_open" });

    await sleep(1_100);
    const probe = await runScrape(sql, sourceId);
    expect(probe.job).toMatchObject({ status: "failed", error_category: "block_403" });
    expect(probe.run).toMatchObject({ requests: 1, breaker_trips: 1 });
    const [reopened] =
      await sql`select breaker_state, breaker_trip_count from ops.sources where id = ${sourceId}`;
    expect(reopened).toEqual({ breaker_state: "open", breaker_trip_count: 2 });

    // The portal recovers (here: the source now points at a healthy board).
    await sql`update ops.sources set adapter_config = ${
      sql.json(ctx.server().sourceFor("healthy", 0).config as never)
    }
               where id = ${sourceId}`;
    await sleep(1_100);
    const healed = await runScrape(sql, sourceId);
    expect(healed.job.status).toBe("completed");
    expect(healed.run).toMatchObject({ items_new: 4, breaker_trips: 0 });
    const [closed] =
      await sql`select breaker_state, breaker_failures, breaker_trip_count from ops.sources where id = ${sourceId}`;
    expect(closed).toEqual({ breaker_state: "closed", breaker_failures: 0, breaker_trip_count: 2 });
    const transitions = await sql`
      select message from ops.logs where job_id = ${healed.job.id} and message like 'circuit breaker%' order by id`;
    expect(transitions.map((t) => t.message)).toEqual([
      "circuit breaker open -> half_open",
      "circuit breaker half_open -> closed",
    ]);
  });

  it("a disabled breaker never opens", async () => {
    const sourceId = await ctx.source("blocked");
    await sql`update ops.sources set breaker_enabled = false, breaker_state = 'closed', breaker_threshold = 1
               where id = ${sourceId}`;
    for (let i = 0; i < 2; i++) {
      const { job } = await runScrape(sql, sourceId);
      expect(job.error_category).toBe("block_403");
    }
    const [row] = await sql`select breaker_state from ops.sources where id = ${sourceId}`;
    expect(row.breaker_state).toBe("closed");
  });
});

describe("heartbeat and cancellation", () => {
  it("a cancel request stops a running scrape within the heartbeat interval; the job ends cancelled", async () => {
    const sourceId = await ctx.source("sluggish", { maxConcurrency: 2 });
    const jobId = await enqueueScrape(sql, sourceId);
    await callScrape({ action: "work", budget_ms: 60_000 });
    await untilRequests("sluggish", 3);
    // the heartbeat (every second) keeps the lease and reports the pages fetched so far
    const deadline = Date.now() + 5_000;
    for (;;) {
      const [beat] =
        await sql`select heartbeat_at > claimed_at as beat, progress_done from ops.jobs where id = ${jobId}`;
      if (beat.beat) {
        expect(beat.progress_done).toBeGreaterThan(0);
        break;
      }
      if (Date.now() > deadline) throw new Error("no heartbeat within 5 s");
      await sleep(50);
    }

    const cancelledAt = Date.now();
    await sql`select ops.request_cancel(${jobId}, 'test')`;
    const job = await waitForJob(sql, jobId, 5_000);
    expect(job).toMatchObject({ status: "cancelled", error_category: "cancelled" });
    // the next heartbeat (at most 1 s away) sees the request; the crawl aborts its requests at once
    expect(Date.now() - cancelledAt).toBeLessThan(2_000);
    const { run } = await outcomeOf(sql, jobId);
    expect(run.status).toBe("cancelled");
    expect(run.requests).toBeGreaterThan(0);
    const total = ctx.server().requestsFor("sluggish").length;
    await sleep(500);
    expect(ctx.server().requestsFor("sluggish").length).toBe(total);
    expect(total).toBeLessThan(50);
  });
});

describe("checkpoints", () => {
  it("a run over its budget checkpoints; a follow-up invocation continues and the metrics add up", async () => {
    const key = "long";
    const sourceId = await ctx.source(key);
    const jobId = await enqueueScrape(sql, sourceId);
    await callScrape({ action: "work", budget_ms: 600 });
    const job = await waitForJob(sql, jobId, 20_000);
    expect(job.status).toBe("completed");
    const { run } = await outcomeOf(sql, jobId);
    const expected = postingsOn(ctx.company(key), 0).length;
    expect(job.result).toMatchObject({ postings: expected, new: expected, complete: true });
    expect(job.result?.invocations).toBeGreaterThanOrEqual(2);
    expect(job.attempt).toBe(1); // a continuation is not a retry
    expect(run).toMatchObject({
      status: "completed",
      items_found: expected,
      items_new: expected,
      requests: ctx.server().requestsFor(key).length,
      links_checked: 7,
    });
    const checkpoints = await sql`
      select message from ops.logs where job_id = ${jobId} and message like 'budget spent%'`;
    expect(checkpoints.length).toBe((job.result?.invocations as number) - 1);
    // each page was fetched once: the checkpoint resumes where the budget ran out
    const paths = ctx.server().requestsFor(key).map((e) => e.path);
    expect(new Set(paths).size).toBe(paths.length);
  });

  it("a complete run checkpointed over invocations still deactivates what is gone", async () => {
    const key = "long";
    const sourceId = await ctx.source(key);
    await ctx.setDay(key, 8);
    ctx.server().reset();
    const { job } = await runScrape(sql, sourceId, {}, { budgetMs: 500, timeoutMs: 20_000 });
    expect(job.status).toBe("completed");
    expect(job.result?.invocations).toBeGreaterThanOrEqual(2);
    const day8 = new Set(postingsOn(ctx.company(key), 8).map((p) => p.externalId));
    const active = await sql`select external_id from ops.postings where source_id = ${sourceId} and active`;
    expect(new Set(active.map((r) => r.external_id))).toEqual(day8);
  });
});
