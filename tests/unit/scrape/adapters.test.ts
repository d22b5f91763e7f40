import { describe, expect, it } from "vitest";
import { ADAPTERS } from "../../../supabase/functions/_shared/scrape/adapters/index.ts";
import { crawl } from "../../../supabase/functions/_shared/scrape/crawl.ts";
import { normalizePosting, normalizeTitle } from "../../../supabase/functions/_shared/scrape/posting.ts";
import { postingsOn } from "../../../scripts/fixtures/catalog.ts";
import { expectedDescriptionLines } from "../../../scripts/fixtures/formats.ts";
import { expected, scrape, summary, testClient, useFixtureServer } from "./helpers.ts";

const fixtures = useFixtureServer([
  { key: "gh", format: "greenhouse", postings: 23 },
  { key: "lv", format: "lever", postings: 23, pageSize: 5 },
  { key: "pe", format: "personio", postings: 23 },
  { key: "rc", format: "recruitee", postings: 23 },
  { key: "sr", format: "smartrecruiters", postings: 23, pageSize: 5 },
  { key: "ld", format: "jsonld-html", postings: 23, pageSize: 5 },
  { key: "cs", format: "css-selector", postings: 23, pageSize: 5 },
  { key: "wd", format: "workday", postings: 23, pageSize: 5 },
  { key: "ab", format: "ashby", postings: 23 },
  { key: "wk", format: "workable", postings: 23 },
  { key: "gh-bad", format: "greenhouse", postings: 10, missingTitle: 2 },
  { key: "ld-bad", format: "jsonld-html", postings: 6, missingTitle: 1 },
]);

describe("adapters against the fixture sites", () => {
  // By day 4, 23 postings have become 25 to 27; pages of 5. Lever stops at the first short
  // page, SmartRecruiters at totalFound, Workday at the first page's total, the HTML sites when
  // rel=next is gone; SmartRecruiters, Workday and JSON-LD read every posting's detail.
  const pages = (listed: number) => Math.ceil(listed / 5);
  const cases = [
    { key: "gh", requests: () => 1 },
    { key: "lv", requests: (n: number) => Math.floor(n / 5) + 1 },
    { key: "pe", requests: () => 1 },
    { key: "rc", requests: () => 1 },
    { key: "sr", requests: (n: number) => pages(n) + n },
    { key: "ld", requests: (n: number) => pages(n) + n },
    { key: "cs", requests: pages },
    { key: "wd", requests: (n: number) => pages(n) + n },
    { key: "ab", requests: () => 1 },
    { key: "wk", requests: () => 1 },
  ];

  for (const { key, requests: requestsFor } of cases) {
    it(`${key}: reads every posting of day 4 with the real field mapping`, async () => {
      const server = fixtures.server();
      const truth = expected(fixtures.company(key), 4);
      expect(truth.length).toBeGreaterThan(20);
      const requests = requestsFor(truth.length);
      const result = await scrape(server, key, 4);
      expect(result.failures).toEqual([]);
      expect(result.stopReason).toBe("done");
      expect(result.complete).toBe(true);
      expect(result.nextCursor).toBeNull();
      expect(summary(result)).toEqual(truth);
      expect(result.metrics).toMatchObject({
        requests,
        linksChecked: requests,
        linksOk: requests,
        linksFailed: 0,
        httpFailures: 0,
        itemsFound: truth.length,
        itemsRejected: 0,
      });
      const company = fixtures.company(key);
      const truthPostings = postingsOn(company, 4);
      result.postings.forEach((posting, i) => {
        expect(posting.contentHash).toMatch(/^[0-9a-f]{64}$/);
        expect(posting.url).toMatch(/^https?:\/\//);
        const lines = posting.description?.split("\n") ?? [];
        expect(lines, posting.externalId).toEqual(
          expect.arrayContaining(expectedDescriptionLines(company, truthPostings[i])),
        );
        expect(JSON.stringify(posting)).not.toMatch(/@|Fixture Recruiter|Hiring-Manager|\+49/);
      });
    });
  }

  it("builds posting URLs as the platforms publish them", async () => {
    const server = fixtures.server();
    const [gh] = (await scrape(server, "gh", 0)).postings;
    expect(gh.url).toBe(`https://boards.greenhouse.io/gh/jobs/${gh.externalId}`);
    const [pe] = (await scrape(server, "pe", 0)).postings;
    expect(pe.url).toBe(`${server.url}/d/0/personio/pe/job/${pe.externalId}`);
    const [sr] = (await scrape(server, "sr", 0)).postings;
    expect(sr.url).toBe(`${server.url}/d/0/smartrecruiters/jobs/sr/${sr.externalId}`);
    const [ld] = (await scrape(server, "ld", 0)).postings;
    expect(ld.url).toBe(`${server.url}/d/0/sites/ld/jobs/${ld.externalId}`);
  });

  it("rejects and counts postings missing a title instead of failing the page", async () => {
    const server = fixtures.server();
    const result = await scrape(server, "gh-bad", 0);
    const truth = expected(fixtures.company("gh-bad"), 0);
    expect(result.postings.map((p) => p.externalId)).toEqual(truth.slice(2).map((p) => p.externalId));
    expect(result.rejections.map((r) => [r.category, r.externalId, r.reason])).toEqual([
      ["validation", truth[0].externalId, "title: required"],
      ["validation", truth[1].externalId, "title: required"],
    ]);
    expect(result.metrics).toMatchObject({ itemsFound: 10, itemsRejected: 2 });
    expect(result.failures).toEqual([]);
    expect(result.complete).toBe(true);

    const html = await scrape(server, "ld-bad", 0);
    expect(html.postings).toHaveLength(5);
    expect(html.rejections).toHaveLength(1);
    expect(html.metrics).toMatchObject({ itemsFound: 6, itemsRejected: 1 });
  });

  it("fails an invalid config with a clear validation error before any request", async () => {
    const server = fixtures.server();
    server.reset();
    const result = await crawl({
      adapter: ADAPTERS["css-selector"],
      config: { startUrl: "not a url", selectors: { item: ".x" } },
      http: testClient(),
    });
    expect(result.stopReason).toBe("invalid_config");
    expect(result.complete).toBe(false);
    expect(result.failures).toHaveLength(1);
    expect(result.failures[0]).toMatchObject({
      category: "validation",
      severity: "critical",
      code: "invalid_config",
    });
    expect(result.failures[0].message).toContain("startUrl");
    expect(result.failures[0].message).toContain("selectors.title");
    expect(result.metrics.requests).toBe(0);
    expect(server.requestLog).toHaveLength(0);
  });
});

const NOW = Date.parse("2026-11-26T12:00:00Z");

describe("posting normalization", () => {
  it("normalizes titles for repost matching", () => {
    expect(normalizeTitle("Senior Software-Engineer (m/w/d)")).toBe("senior software engineer");
    expect(normalizeTitle("  Büroleiter:in (all genders) – München ")).toBe("buroleiter in munchen");
    expect(normalizeTitle("C# / C++ Developer (f/m/x)")).toBe("c# c++ developer");
  });

  it("hashes the stored fields only, so a repost under a new id keeps its hash", async () => {
    const base = {
      title: "Data Analyst",
      locations: [{ name: "Berlin, DE" }],
      department: "Data",
      url: "https://x.test/j/1",
    };
    const a = await normalizePosting({ ...base, externalId: "1", raw: {} }, NOW);
    const b = await normalizePosting({ ...base, externalId: 2, raw: { other: true } }, NOW);
    const c = await normalizePosting({ ...base, title: "Data Analyst II", externalId: "1", raw: {} }, NOW);
    const d = await normalizePosting({
      ...base,
      descriptionHtml: "<p>new text</p>",
      externalId: "1",
      raw: {},
    }, NOW);
    if (!a.ok || !b.ok || !c.ok || !d.ok) throw new Error("expected valid postings");
    expect(a.posting.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(b.posting.externalId).toBe("2");
    expect(b.posting.contentHash).toBe(a.posting.contentHash);
    expect(c.posting.contentHash).not.toBe(a.posting.contentHash);
    expect(d.posting.contentHash).not.toBe(a.posting.contentHash);
  });

  it("rejects relative URLs and blank titles with reasons", async () => {
    const result = await normalizePosting({ externalId: "9", title: "   ", url: "/jobs/9", raw: null }, NOW);
    expect(result).toMatchObject({
      ok: false,
      rejection: {
        category: "validation",
        externalId: "9",
        reason: "title: required; url: must be an absolute http(s) URL",
      },
    });
  });
});
