// The Crawlee reporter's pure rules: statistics as totals, failures in the
// scraper's taxonomy, the run's status.
import { describe, expect, it } from "vitest";
import { classifyCrawleeError, crawleeTotals, crawlStatus, statusFromMessage } from "../src/rules.ts";
import { ScrapeError } from "@scrape-ops/report-client";

const stats = (state: Partial<Parameters<typeof crawleeTotals>[0]["state"]>, histogram: number[] = []) => ({
  requestRetryHistogram: histogram,
  state: {
    requestsFinished: 0,
    requestsFailed: 0,
    requestTotalFailedDurationMillis: 0,
    requestTotalFinishedDurationMillis: 0,
    requestsWithStatusCode: {},
    ...state,
  },
});

describe("crawleeTotals", () => {
  it("counts every attempt as a request (from the retry histogram) and takes blocks from Crawlee's status codes", () => {
    // 17 requests without a retry, 3 retried once, 2 retried twice (of these 22, 2 failed for good)
    const totals = crawleeTotals(
      stats({
        requestsFinished: 20,
        requestsFailed: 2,
        requestTotalFinishedDurationMillis: 900,
        requestTotalFailedDurationMillis: 100,
        requestsWithStatusCode: { "403": 3, "401": 1, "429": 2, "500": 1 },
      }, [17, 3, 2]),
      { timeouts: 1, captchas: 0, items: 17 },
    );
    expect(totals).toEqual({
      requests: 17 + 3 * 2 + 2 * 3,
      http_failures: 3 + 2 * 2 + 2,
      blocked_403: 4,
      blocked_429: 2,
      timeouts: 1,
      captchas: 0,
      links_checked: 22,
      links_ok: 20,
      links_failed: 2,
      items_found: 17,
      request_time_ms_total: 1000,
    });
  });
});

describe("classifyCrawleeError", () => {
  it("reads the status of Crawlee's blocked and server-error messages", () => {
    expect(statusFromMessage("Request blocked - received 403 status code.")).toBe(403);
    expect(statusFromMessage("500 - Internal Server Error: oops")).toBe(500);
    expect(statusFromMessage("Blocked by status code 429")).toBe(429);
    expect(statusFromMessage("selector not found")).toBeUndefined();
  });

  it("classifies like the scrape function: 401/403, 429, 5xx, 4xx, timeouts, connection errors, captchas", () => {
    const url = "https://acme.example/jobs";
    expect(classifyCrawleeError(new Error("Request blocked - received 403 status code."), url)).toMatchObject({
      category: "block_403",
      severity: "high",
      status: 403,
      url,
    });
    expect(classifyCrawleeError(new Error("Request blocked - received 429 status code."), url).category).toBe("block_429");
    expect(classifyCrawleeError(new Error("x"), url, 401).category).toBe("block_403");
    expect(classifyCrawleeError(new Error("503 - Internal Server Error: down"), url).category).toBe("http_5xx");
    expect(classifyCrawleeError(new Error("x"), url, 404).category).toBe("http_4xx");
    expect(classifyCrawleeError(new Error("request timed out after 2 seconds."), url)).toMatchObject({
      category: "network_timeout",
      code: "timeout",
    });
    expect(classifyCrawleeError(new Error("requestHandler timed out after 60 seconds."), url).category)
      .toBe("network_timeout");
    expect(classifyCrawleeError(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }), url).category)
      .toBe("network_connection");
    const captcha = new ScrapeError("captcha", "captcha_page", "captcha challenge instead of content", { url });
    expect(classifyCrawleeError(captcha, url)).toMatchObject({ category: "captcha", severity: "high" });
    expect(classifyCrawleeError(new Error("Cannot read properties of undefined"), url).category).toBe("unknown");
  });
});

describe("crawlStatus", () => {
  it("completed without failures, failed when nothing finished, else partial", () => {
    expect(crawlStatus(stats({ requestsFinished: 3 }))).toBe("completed");
    expect(crawlStatus(stats({ requestsFailed: 2 }))).toBe("failed");
    expect(crawlStatus(stats({ requestsFinished: 3, requestsFailed: 1 }))).toBe("partial");
    expect(crawlStatus(stats({}))).toBe("completed");
  });
});
