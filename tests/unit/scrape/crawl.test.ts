import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineAdapter } from "../../../supabase/functions/_shared/scrape/adapters/types.ts";
import { crawl } from "../../../supabase/functions/_shared/scrape/crawl.ts";
import { mergeMetrics } from "../../../supabase/functions/_shared/scrape/metrics.ts";
import { expected, scrape, testClient, useFixtureServer, VirtualClock } from "./helpers.ts";

const fixtures = useFixtureServer([
  { key: "long", format: "lever", postings: 30, pageSize: 5 },
  { key: "sloppy", format: "recruitee", postings: 10, missingTitle: 6 },
]);

describe("crawl runner", () => {
  it("stops at the time budget with a cursor and continues from it in a later invocation", async () => {
    const server = fixtures.server();
    const clock = VirtualClock.frozen();
    // Every request costs exactly 100 ms of virtual time.
    const http = testClient({
      clock,
      fetch: (input, init) => {
        clock.advance(100);
        return fetch(input, init);
      },
    });
    const first = await scrape(server, "long", 0, { http, clock, budgetMs: 250 });
    expect(first).toMatchObject({ stopReason: "budget", complete: false, nextCursor: { skip: 15 } });
    expect(first.postings).toHaveLength(15);
    // The checkpoint survives a trip through the jobs table.
    const cursor = JSON.parse(JSON.stringify(first.nextCursor));

    const second = await scrape(server, "long", 0, { http, clock, budgetMs: 10_000, cursor });
    expect(second).toMatchObject({ stopReason: "done", complete: true, nextCursor: null });
    const ids = [...first.postings, ...second.postings].map((p) => p.externalId);
    expect(ids).toEqual(expected(fixtures.company("long"), 0).map((p) => p.externalId));
    // 30 postings in pages of 5: six full pages, then an empty one that ends the source.
    expect(mergeMetrics(first.metrics, second.metrics)).toMatchObject({
      requests: 7,
      linksChecked: 7,
      linksOk: 7,
      itemsFound: 30,
    });
  });

  it("stops at the CPU budget with a cursor, with wall clock to spare", async () => {
    const server = fixtures.server();
    const clock = VirtualClock.frozen();
    // A stand-in CPU meter: every request costs exactly 400 ms of "CPU", no wall clock.
    let cpuMs = 0;
    const http = testClient({
      clock,
      fetch: (input, init) => {
        cpuMs += 400;
        return fetch(input, init);
      },
    });
    const cpu = { usedMs: () => cpuMs, limitMs: 1_000 };
    const first = await scrape(server, "long", 0, { http, clock, budgetMs: 100_000, cpu });
    // Pages of 5: the 3rd request reaches 1 200 >= 1 000, so no 4th page starts.
    expect(first).toMatchObject({ stopReason: "budget", complete: false, nextCursor: { skip: 15 } });
    expect(first.postings).toHaveLength(15);
    expect(first.metrics.requests).toBe(3);
  });

  it("rejects a record seen twice in one run as a duplicate", async () => {
    const twice = defineAdapter({
      name: "greenhouse",
      configSchema: z.object({}),
      cursorSchema: z.object({}),
      start: () => ({}),
      fetchPage: () => {
        const item = { externalId: 1, title: "Recruiter", url: "https://x.test/1", raw: {} };
        return Promise.resolve({ items: [item, { ...item }], next: null });
      },
    });
    const result = await crawl({ adapter: twice, config: {}, http: testClient() });
    expect(result.postings).toHaveLength(1);
    expect(result.rejections).toEqual([
      expect.objectContaining({ category: "duplicate", severity: "low", externalId: "1" }),
    ]);
    expect(result.metrics).toMatchObject({ itemsFound: 2, itemsRejected: 1 });
    expect(result.complete).toBe(true);
  });

  it("flags a run where most records fail validation as a data_quality failure", async () => {
    const result = await scrape(fixtures.server(), "sloppy", 0);
    expect(result.postings).toHaveLength(4);
    expect(result.metrics).toMatchObject({ itemsFound: 10, itemsRejected: 6 });
    expect(result.failures).toEqual([
      expect.objectContaining({
        category: "data_quality",
        code: "rejected_ratio",
        message: "6 of 10 records failed validation",
      }),
    ]);
    expect(result.complete).toBe(false);
  });

  it("stops when cancelled", async () => {
    const controller = new AbortController();
    controller.abort();
    const result = await scrape(fixtures.server(), "long", 0, { signal: controller.signal });
    expect(result).toMatchObject({ stopReason: "cancelled", complete: false, nextCursor: { skip: 0 } });
    expect(result.metrics.requests).toBe(0);
  });
});
