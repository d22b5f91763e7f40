import type { Adapter, BoundAdapter, Cursor, PageFetcher } from "./adapters/types.ts";
import { type CpuBudget, spentBudget } from "../budget.ts";
import { CircuitOpenError } from "./circuit-breaker.ts";
import { type Clock, systemClock } from "../clock.ts";
import type { HttpClient } from "./http.ts";
import { createMetrics, type CrawlCounters } from "./metrics.ts";
import { mapPool } from "./pool.ts";
import {
  type ExtractedPosting,
  type NormalizedPosting,
  normalizePosting,
  type Rejection,
  type RejectionCode,
} from "./posting.ts";
import { classifyError, DEFAULT_SEVERITY, type ScrapeFailure } from "./taxonomy.ts";

export interface CrawlOptions {
  adapter: Adapter;
  /** The source's adapter config, unvalidated: an invalid one ends the crawl before any request. */
  config: unknown;
  http: HttpClient;
  /** Checkpoint from a previous invocation; null or absent starts from the beginning. */
  cursor?: Cursor | null;
  /** Rate-limit and breaker key. Default: each URL's host. */
  portal?: string;
  /** Wall-clock budget; no new page is started after it. Default 120 000 ms. Keep it well under
   *  the function's wall clock minus one page's worst case (timeout x retries). */
  budgetMs?: number;
  /** CPU budget of the invocation; no new page is started after it is spent (stop reason "budget"). */
  cpu?: CpuBudget;
  /** Detail pages fetched at once per listing page. Default 8. */
  detailConcurrency?: number;
  /** Above this share of rejected records the run gets a `data_quality` failure. Default 0.5. */
  maxRejectedRatio?: number;
  /** Cancels the crawl (e.g. a cancelled job); in-flight requests are aborted. */
  signal?: AbortSignal;
  /** The run's clock: paces the budget, and is the fetch time that expired postings are judged by. */
  clock?: Clock;
}

/** Why the crawl stopped. Only `done` can be a complete run. */
export type StopReason = "done" | "budget" | "failed" | "circuit_open" | "invalid_config" | "cancelled";

export interface CrawlResult {
  postings: NormalizedPosting[];
  rejections: Rejection[];
  failures: ScrapeFailure[];
  metrics: CrawlCounters;
  /** Where the next invocation continues; null when the source was read to the end. */
  nextCursor: Cursor | null;
  /**
   * True only when every page of the source was read without any failure: the one case in
   * which postings that were not seen may be marked inactive.
   */
  complete: boolean;
  stopReason: StopReason;
  durationMs: number;
}

/** Rejections that say the source sends broken records. */
const QUALITY_REJECTIONS: ReadonlySet<RejectionCode> = new Set<RejectionCode>(["invalid", "binary_data"]);

/** Smallest sample on which a rejection ratio means something. */
const MIN_ITEMS_FOR_QUALITY_CHECK = 5;

/**
 * Crawls one source from `cursor` until it is exhausted, the budget is spent, or a page fails.
 * Never throws for scrape problems: every failure is classified into the result.
 */
export async function crawl(options: CrawlOptions): Promise<CrawlResult> {
  const clock = options.clock ?? systemClock;
  const started = clock.now();
  const budgetMs = options.budgetMs ?? 120_000;
  const metrics = createMetrics();
  const postings: NormalizedPosting[] = [];
  const rejections: Rejection[] = [];
  const failures: ScrapeFailure[] = [];
  const seenIds = new Set<string>();
  const finish = (stopReason: StopReason, nextCursor: Cursor | null): CrawlResult => ({
    postings,
    rejections,
    failures,
    metrics,
    nextCursor,
    // A failed detail page or a bad rejection ratio means postings may be missing.
    complete: stopReason === "done" && failures.length === 0,
    stopReason,
    durationMs: clock.now() - started,
  });

  let source: BoundAdapter;
  try {
    source = options.adapter.bind(options.config);
  } catch (error) {
    failures.push(classifyError(error));
    return finish("invalid_config", options.cursor ?? null);
  }

  const fetchPage: PageFetcher = async (url, accept, json) => {
    metrics.linksChecked++;
    try {
      const response = await options.http.get(url, {
        portal: options.portal,
        metrics,
        accept,
        signal: options.signal,
        ...(json === undefined ? {} : { json }),
      });
      metrics.linksOk++;
      return response;
    } catch (error) {
      metrics.linksFailed++;
      throw error;
    }
  };

  async function accept(records: ExtractedPosting[]): Promise<void> {
    metrics.itemsFound += records.length;
    for (const record of records) {
      const result = await normalizePosting(record, clock.now());
      if (!result.ok) {
        rejections.push(result.rejection);
        continue;
      }
      const { posting } = result;
      if (seenIds.has(posting.externalId)) {
        rejections.push({
          category: "duplicate",
          severity: DEFAULT_SEVERITY.duplicate,
          code: "duplicate",
          reason: `externalId ${posting.externalId} seen twice in one run`,
          externalId: posting.externalId,
          url: posting.url,
          raw: posting.raw,
        });
        continue;
      }
      seenIds.add(posting.externalId);
      postings.push(posting);
    }
    metrics.itemsRejected = rejections.length;
  }

  let cursor: Cursor | null = options.cursor ?? source.start();
  let stopReason: StopReason = "done";
  while (cursor !== null) {
    if (options.signal?.aborted) {
      stopReason = "cancelled";
      break;
    }
    const spent = spentBudget({
      wallUsedMs: clock.now() - started,
      wallBudgetMs: budgetMs,
      cpuUsedMs: options.cpu?.usedMs(),
      cpuBudgetMs: options.cpu?.limitMs,
    });
    if (spent !== null) {
      stopReason = "budget";
      break;
    }
    let page;
    try {
      page = await source.fetchPage(cursor, fetchPage, clock);
    } catch (error) {
      stopReason = stopReasonFor(error, options.signal);
      if (stopReason === "failed") failures.push(classifyError(error));
      break;
    }
    let circuitOpened = false;
    const details = await mapPool(page.detailUrls ?? [], options.detailConcurrency ?? 8, async (url) => {
      if (circuitOpened || options.signal?.aborted) return [];
      try {
        return source.parseDetail(await fetchPage(url), clock);
      } catch (error) {
        if (error instanceof CircuitOpenError) circuitOpened = true;
        else if (!options.signal?.aborted) failures.push(classifyError(error, url));
        return [];
      }
    });
    await accept([...page.items, ...details.flat()]);
    if (circuitOpened || options.signal?.aborted) {
      // The page is re-read on continuation; upserts make the repeated postings harmless.
      stopReason = circuitOpened ? "circuit_open" : "cancelled";
      break;
    }
    cursor = page.next;
  }

  // Unpublished and expired records are the source's own state, not broken data.
  const rejectedValidation = rejections.filter((r) => QUALITY_REJECTIONS.has(r.code)).length;
  const maxRatio = options.maxRejectedRatio ?? 0.5;
  if (
    metrics.itemsFound >= MIN_ITEMS_FOR_QUALITY_CHECK && rejectedValidation / metrics.itemsFound > maxRatio
  ) {
    failures.push({
      category: "data_quality",
      severity: DEFAULT_SEVERITY.data_quality,
      code: "rejected_ratio",
      message: `${rejectedValidation} of ${metrics.itemsFound} records failed validation`,
    });
  }
  return finish(stopReason, cursor);
}

function stopReasonFor(error: unknown, signal: AbortSignal | undefined): StopReason {
  if (error instanceof CircuitOpenError) return "circuit_open";
  if (signal?.aborted) return "cancelled";
  return "failed";
}
