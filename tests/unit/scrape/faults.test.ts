import { describe, expect, it } from "vitest";
import { postingsOn } from "../../../scripts/fixtures/catalog.ts";
import { scrape, testClient, useFixtureServer, VirtualClock } from "./helpers.ts";

const fixtures = useFixtureServer([
  { key: "forbidden", format: "greenhouse", postings: 5, fault: "always_403" },
  {
    key: "limited",
    format: "lever",
    postings: 8,
    pageSize: 5,
    fault: { kind: "rate_limited", firstRequests: 2 },
  },
  { key: "slow", format: "recruitee", postings: 4, fault: { kind: "slow", delayMs: 150 } },
  { key: "hanging", format: "smartrecruiters", postings: 4, fault: "timeout" },
  { key: "captcha", format: "jsonld-html", postings: 4, fault: "captcha" },
  { key: "captcha-api", format: "greenhouse", postings: 4, fault: "captcha" },
  { key: "changed-gh", format: "greenhouse", postings: 6, fault: { kind: "markup_changed", fromDay: 3 } },
  { key: "changed-pe", format: "personio", postings: 6, fault: { kind: "markup_changed", fromDay: 3 } },
  { key: "changed-ld", format: "jsonld-html", postings: 6, fault: { kind: "markup_changed", fromDay: 3 } },
  { key: "changed-cs", format: "css-selector", postings: 6, fault: { kind: "markup_changed", fromDay: 3 } },
  { key: "empty-api", format: "smartrecruiters", postings: 9, fault: "empty" },
  { key: "empty-html", format: "css-selector", postings: 9, fault: "empty" },
  { key: "dropping", format: "personio", postings: 30, fault: { kind: "volume_drop", fromDay: 3 } },
  { key: "flaky", format: "lever", postings: 12, pageSize: 5, fault: { kind: "flaky_500", every: 3 } },
  { key: "login", format: "recruitee", postings: 4, fault: "login_redirect" },
  { key: "broken-json", format: "greenhouse", postings: 4, fault: "malformed" },
  { key: "broken-xml", format: "personio", postings: 4, fault: "malformed" },
  { key: "broken-ld", format: "jsonld-html", postings: 3, fault: "malformed" },
  { key: "broken-html", format: "css-selector", postings: 3, fault: "malformed" },
]);

describe("fault profiles are classified and counted", () => {
  it("always_403: block_403, not retried, run failed", async () => {
    const result = await scrape(fixtures.server(), "forbidden", 0);
    expect(result.failures).toEqual([
      expect.objectContaining({ category: "block_403", severity: "high", code: "http_403", status: 403 }),
    ]);
    expect(result.metrics).toMatchObject({
      requests: 1,
      httpFailures: 1,
      blocked403: 1,
      retries: 0,
      linksFailed: 1,
    });
    expect(result).toMatchObject({ stopReason: "failed", complete: false, nextCursor: { page: "board" } });
  });

  it("rate_limited: 429s are waited out as Retry-After says, then the run completes", async () => {
    const clock = new VirtualClock();
    const result = await scrape(fixtures.server(), "limited", 0, { http: testClient({ clock }) });
    expect(clock.sleeps).toEqual([1000, 1000]);
    expect(result.metrics).toMatchObject({
      requests: 4,
      blocked429: 2,
      httpFailures: 2,
      retries: 2,
      linksOk: 2,
    });
    expect(result.postings).toHaveLength(8);
    expect(result.failures).toEqual([]);
    expect(result.complete).toBe(true);
  });

  it("slow: answered within the timeout, request time shows the delay", async () => {
    const result = await scrape(fixtures.server(), "slow", 0, { http: testClient({ clock: undefined }) });
    expect(result.complete).toBe(true);
    expect(result.postings).toHaveLength(4);
    expect(result.metrics.requestMsTotal).toBeGreaterThanOrEqual(150);
  });

  it("timeout: network_timeout after every attempt timed out", async () => {
    const result = await scrape(fixtures.server(), "hanging", 0, {
      http: testClient({ timeoutMs: 150, maxRetries: 1 }),
    });
    expect(result.failures).toEqual([
      expect.objectContaining({ category: "network_timeout", severity: "medium" }),
    ]);
    expect(result.metrics).toMatchObject({ requests: 2, timeouts: 2, httpFailures: 2, retries: 1 });
    expect(result.complete).toBe(false);
  });

  it("captcha: a 200 challenge page is a captcha block, for HTML and API sources alike", async () => {
    for (const key of ["captcha", "captcha-api"]) {
      const result = await scrape(fixtures.server(), key, 0);
      expect(result.failures).toEqual([
        expect.objectContaining({ category: "captcha", code: "captcha_page" }),
      ]);
      expect(result.metrics).toMatchObject({ requests: 1, captchas: 1, retries: 0 });
      expect(result.complete).toBe(false);
    }
  });

  it("markup_changed: fine before day D, parsing failure from day D on", async () => {
    const codes: Record<string, string> = {
      "changed-gh": "unexpected_shape",
      "changed-pe": "unexpected_shape",
      "changed-ld": "no_postings_found",
      "changed-cs": "no_postings_found",
    };
    for (const [key, code] of Object.entries(codes)) {
      const before = await scrape(fixtures.server(), key, 2);
      expect(before.complete, key).toBe(true);
      expect(before.postings.length, key).toBe(postingsOn(fixtures.company(key), 2).length);
      const after = await scrape(fixtures.server(), key, 3);
      expect(after.failures, key).toEqual([
        expect.objectContaining({ category: "parsing", severity: "high", code }),
      ]);
      expect(after.postings, key).toEqual([]);
      expect(after.complete, key).toBe(false);
    }
  });

  it("empty: a valid, complete run with no postings (not a parsing failure)", async () => {
    for (const key of ["empty-api", "empty-html"]) {
      const result = await scrape(fixtures.server(), key, 0);
      expect(result).toMatchObject({ complete: true, stopReason: "done", failures: [], postings: [] });
      expect(result.metrics.itemsFound).toBe(0);
    }
  });

  it("volume_drop: 60% fewer postings from day D, still a clean run", async () => {
    const day2 = await scrape(fixtures.server(), "dropping", 2);
    const day3 = await scrape(fixtures.server(), "dropping", 3);
    expect(day2.postings).toHaveLength(32);
    expect(day3.postings).toHaveLength(Math.round(33 * 0.4));
    expect(day3.complete).toBe(true);
  });

  it("flaky_500: every third request fails and is retried after backoff", async () => {
    const clock = new VirtualClock();
    const result = await scrape(fixtures.server(), "flaky", 0, { http: testClient({ clock }) });
    // Requests 1, 4 and 7 fail; three pages of postings (5, 5, 2) need 3 successes.
    expect(result.metrics).toMatchObject({ requests: 5, httpFailures: 2, retries: 2, linksOk: 3 });
    // Equal jitter with random() = 0.5 on a 10 ms base: 7.5 ms.
    expect(clock.sleeps).toEqual([7.5, 7.5]);
    expect(result.postings).toHaveLength(12);
    expect(result.complete).toBe(true);
  });

  it("login_redirect: a redirect to a login page is a block, not followed", async () => {
    const server = fixtures.server();
    const result = await scrape(server, "login", 0);
    expect(result.failures).toEqual([
      expect.objectContaining({
        category: "login_redirect",
        severity: "high",
        code: "redirect_to_login",
        status: 302,
      }),
    ]);
    expect(result.metrics).toMatchObject({ requests: 1, loginRedirects: 1, httpFailures: 1 });
    expect(server.requestLog.some((e) => e.path.startsWith("/login"))).toBe(false);
  });

  it("malformed: truncated JSON and XML, broken JSON-LD and HTML without postings are parsing failures", async () => {
    const json = await scrape(fixtures.server(), "broken-json", 0);
    expect(json.failures).toEqual([expect.objectContaining({ category: "parsing", code: "invalid_json" })]);
    const xml = await scrape(fixtures.server(), "broken-xml", 0);
    expect(xml.failures).toEqual([expect.objectContaining({ category: "parsing", code: "invalid_xml" })]);
    const html = await scrape(fixtures.server(), "broken-html", 0);
    expect(html.failures).toEqual([
      expect.objectContaining({ category: "parsing", code: "no_postings_found" }),
    ]);

    // JSON-LD breaks per detail page: each is a failure, the run is not complete.
    const ld = await scrape(fixtures.server(), "broken-ld", 0);
    expect(ld.failures.map((f) => f.code)).toEqual(["invalid_jsonld", "invalid_jsonld", "invalid_jsonld"]);
    expect(ld.stopReason).toBe("done");
    expect(ld.complete).toBe(false);
    expect(ld.metrics).toMatchObject({ requests: 4, linksOk: 4, itemsFound: 0 });
  });
});
