import { describe, expect, it } from "vitest";
import type { CrawlResult } from "../../../supabase/functions/_shared/scrape/crawl.ts";
import { createMetrics } from "../../../supabase/functions/_shared/scrape/metrics.ts";
import type { ScrapeFailure } from "../../../supabase/functions/_shared/scrape/taxonomy.ts";
import {
  addInvocation,
  BOARD_EMPTY,
  boardEmptyOutcome,
  decideOutcome,
  dominantCategory,
  freshRunState,
  metricIncrements,
  readRunState,
} from "../../../supabase/functions/scrape/outcome.ts";

const none = { new: 0, updated: 0, unchanged: 0 };

function failure(category: ScrapeFailure["category"], message = `${category} happened`): ScrapeFailure {
  return { category, severity: "high", code: category, message };
}

function result(
  overrides: Partial<CrawlResult> & { postingCount?: number; requests?: number } = {},
): CrawlResult {
  const metrics = createMetrics();
  metrics.requests = overrides.requests ?? 1;
  const postings = Array.from({ length: overrides.postingCount ?? 0 }, (_, i) => ({
    externalId: String(i),
    title: "t",
    normalizedTitle: "t",
    location: null,
    locations: [],
    department: null,
    url: "https://x.test/",
    description: null,
    descriptionTruncated: false,
    workplaceType: null,
    employmentType: null,
    salary: null,
    postedAt: null,
    validThrough: null,
    contentHash: "h",
    raw: {},
  }));
  return {
    postings,
    rejections: [],
    failures: [],
    metrics,
    nextCursor: null,
    complete: true,
    stopReason: "done",
    durationMs: 1,
    ...overrides,
  };
}

function decide(
  r: CrawlResult,
  state = freshRunState(),
  options = { cancelRequested: false, dryRun: false },
) {
  return decideOutcome(addInvocation(state, r, none), r, options);
}

describe("decideOutcome", () => {
  it("a clean run to the end is completed and may deactivate (not in a dry run)", () => {
    expect(decide(result({ postingCount: 3 }))).toEqual({
      kind: "finish",
      status: "completed",
      category: null,
      error: null,
      deactivate: true,
    });
    expect(decide(result(), freshRunState(), { cancelRequested: false, dryRun: true })).toMatchObject({
      status: "completed",
      deactivate: false,
    });
  });

  it("a spent budget with a cursor continues; so does the worker's hard stop", () => {
    expect(decide(result({ stopReason: "budget", nextCursor: { page: 2 } }))).toEqual({
      kind: "continue",
      cursor: { page: 2 },
    });
    expect(decide(result({ stopReason: "cancelled", nextCursor: { page: 3 } }))).toEqual({
      kind: "continue",
      cursor: { page: 3 },
    });
  });

  it("an operator's cancel ends the job cancelled", () => {
    const r = result({ stopReason: "cancelled", nextCursor: { page: 3 } });
    expect(decide(r, freshRunState(), { cancelRequested: true, dryRun: false })).toMatchObject({
      status: "cancelled",
      category: "cancelled",
    });
  });

  it("failures: partial with postings, failed without, by the dominant category", () => {
    const failures = [failure("http_5xx"), failure("parsing"), failure("parsing")];
    expect(decide(result({ postingCount: 2, failures, complete: false }))).toMatchObject({
      status: "partial",
      category: "parsing",
      error: "parsing (2 of 3 failures): parsing happened",
      deactivate: false,
    });
    expect(decide(result({ stopReason: "failed", failures: [failure("block_403")], complete: false })))
      .toMatchObject({ status: "failed", category: "block_403", error: "block_403: block_403 happened" });
  });

  it("a failure in an earlier invocation keeps a later clean end from being completed", () => {
    const first = result({
      stopReason: "budget",
      nextCursor: { page: 2 },
      postingCount: 5,
      failures: [failure("http_5xx")],
    });
    const state = addInvocation(freshRunState(), first, none);
    const outcome = decide(result({ postingCount: 5 }), state);
    expect(outcome).toMatchObject({ status: "partial", category: "http_5xx", deactivate: false });
  });

  it("circuit open before any request: skipped; after some work: failed or partial", () => {
    expect(decide(result({ stopReason: "circuit_open", requests: 0, complete: false }))).toMatchObject({
      status: "skipped",
      category: "circuit_open",
    });
    const r = result({
      stopReason: "circuit_open",
      postingCount: 2,
      failures: [failure("block_403")],
      complete: false,
    });
    expect(decide(r)).toMatchObject({ status: "partial", category: "block_403" });
  });

  it("invalid config: failed with validation", () => {
    const r = result({
      stopReason: "invalid_config",
      requests: 0,
      failures: [failure("validation", "invalid greenhouse config: boardToken")],
    });
    expect(decide(r)).toMatchObject({
      status: "failed",
      category: "validation",
      error: "invalid greenhouse config: boardToken",
    });
  });
});

describe("run state", () => {
  it("adds invocations up and survives the round trip through the job's cursor column", () => {
    let state = freshRunState();
    state = addInvocation(state, result({ stopReason: "budget", nextCursor: { page: 2 }, postingCount: 3 }), {
      new: 3,
      updated: 0,
      unchanged: 0,
    });
    const restored = readRunState(JSON.parse(JSON.stringify(state)));
    expect(restored).toEqual(state);
    expect(restored).toMatchObject({ cursor: { page: 2 }, invocations: 1, postings: 3, new: 3, requests: 1 });
    expect(readRunState({ page: 7 })).toMatchObject({ cursor: { page: 7 }, invocations: 0 });
    expect(readRunState(null).cursor).toBeNull();
  });

  it("the dominant category is the most frequent, ties to the first seen", () => {
    const state = addInvocation(
      freshRunState(),
      result({ failures: [failure("captcha"), failure("http_5xx")] }),
      none,
    );
    expect(dominantCategory(state)).toBe("captcha");
  });
});

describe("metricIncrements", () => {
  it("maps crawl counters to scrape_runs increments", () => {
    const m = createMetrics();
    Object.assign(m, {
      requests: 5,
      httpFailures: 2,
      blocked429: 2,
      retries: 2,
      requestMsTotal: 12.345,
      breakerTrips: 1,
    });
    expect(
      metricIncrements(m, {
        portal: "acme",
        upserted: { new: 3, updated: 1, unchanged: 0 },
        circuitOpen: false,
      }),
    )
      .toMatchObject({
        requests: 5,
        http_failures: 2,
        blocked_429: 2,
        request_time_ms_total: 12.3,
        items_new: 3,
        items_updated: 1,
        breaker_trips: 1,
        breaker_triggered: true,
        portal_stats: { acme: { requests: 5, retries: 2, login_redirects: 0 } },
      });
  });
});

describe("boardEmptyOutcome", () => {
  const completed = { kind: "finish", status: "completed", category: null, error: null, deactivate: true } as const;
  const empty = freshRunState();

  it("turns a clean empty run of an ATS board that never had a posting into a warning", () => {
    expect(boardEmptyOutcome(completed, empty, { ats: true, everHadPostings: false })).toEqual({
      kind: "finish",
      status: "partial",
      category: "data_quality",
      error: BOARD_EMPTY.message,
      deactivate: false,
    });
  });

  it("leaves boards that had postings, HTML pages, runs with postings or rejections, and other outcomes alone", () => {
    expect(boardEmptyOutcome(completed, empty, { ats: true, everHadPostings: true })).toBe(completed);
    expect(boardEmptyOutcome(completed, empty, { ats: false, everHadPostings: false })).toBe(completed);
    const withPostings = { ...empty, postings: 2 };
    expect(boardEmptyOutcome(completed, withPostings, { ats: true, everHadPostings: false })).toBe(completed);
    const withRejections = { ...empty, rejected: 3 };
    expect(boardEmptyOutcome(completed, withRejections, { ats: true, everHadPostings: false })).toBe(completed);
    const failed = { ...completed, status: "failed", category: "parsing", deactivate: false } as const;
    expect(boardEmptyOutcome(failed, empty, { ats: true, everHadPostings: false })).toBe(failed);
  });
});
