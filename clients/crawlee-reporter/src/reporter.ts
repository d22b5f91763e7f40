// Attaches the report client to a Crawlee crawler: each crawler.run() is one
// scrape run of a source, with Crawlee's statistics as its counters, each
// failed request as a classified error event, items counted as they go into
// the dataset, and challenge pages recognised as captchas.
import type { BasicCrawler } from "@crawlee/basic";
import {
  ReportClient,
  type ReportClientOptions,
  type ReportRun,
  type RunOptions,
  type RunView,
  ScrapeError,
  severityOverride,
} from "@scrape-ops/report-client";
import type { CheerioAPI } from "cheerio";
import {
  type BlockDetectionOptions,
  DEFAULT_BLOCK_DETECTION,
  isCaptchaPage,
} from "../../../supabase/functions/_shared/scrape/block-detection.ts";
import { classifyCrawleeError, crawleeTotals, crawlStatus, type CrawleeStats, type OwnCounts } from "./rules.ts";

export interface CrawleeReporterOptions extends RunOptions {
  /** A client, or the options to make one (url, apiKey / accessToken, retries ...). */
  client: ReportClient | ReportClientOptions;
  /** The source (ops.sources.key) every crawl of this crawler reports for. */
  sourceKey: string;
  /** Who crawls, for operators. Default `crawlee:<crawler class>`. */
  worker?: string;
  /** The Europe/Berlin day the runs count for. Default: the day each crawl starts. */
  runDate?: string;
  params?: Record<string, unknown>;
  /** Challenge pages (reCAPTCHA, hCaptcha, Turnstile, "are you a robot") fail as `captcha`. false: off. */
  captcha?: BlockDetectionOptions | false;
  /** How often Crawlee's statistics are copied into the run's totals. Default 1,000 ms. */
  statsIntervalMs?: number;
}

export interface CrawleeReporter {
  /** The run of the crawl in progress. */
  readonly run: ReportRun | undefined;
  /** The run of the last crawl as finished. */
  readonly lastRun: RunView | undefined;
}

type Handler = (context: Record<string, unknown>, error?: Error) => unknown;

/** The members of a crawler the reporter wraps (some are protected in Crawlee's types). */
interface Hooks {
  requestHandler: Handler;
  errorHandler?: Handler;
  failedRequestHandler?: Handler;
  pushData: (data: unknown, dataset?: string) => Promise<void>;
  run: (...args: unknown[]) => Promise<Record<string, unknown>>;
  stats: CrawleeStats;
  /** Crawlee >= 3.10: no new requests start, the ones in flight finish. */
  stop: (reason?: string) => void;
}

interface Attempt {
  request: { url: string; retryCount: number };
  response?: { statusCode?: number };
  $?: CheerioAPI;
}

/** One call: every crawler.run() of `crawler` becomes a reported run of `options.sourceKey`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any crawler: Cheerio, Playwright, Http, Basic
export function attachReporter(crawler: BasicCrawler<any>, options: CrawleeReporterOptions): CrawleeReporter {
  const client = options.client instanceof ReportClient ? options.client : new ReportClient(options.client);
  const hooks = crawler as unknown as Hooks;
  const captcha = options.captcha === false ? null : options.captcha ?? DEFAULT_BLOCK_DETECTION;
  const state: { run?: ReportRun; lastRun?: RunView; own: OwnCounts; categories: Map<string, number> } = {
    own: { timeouts: 0, captchas: 0, items: 0 },
    categories: new Map(),
  };

  const failure = (context: Attempt, error: unknown) => {
    const classified = classifyCrawleeError(error, context.request.url, context.response?.statusCode);
    if (classified.category === "network_timeout") state.own.timeouts++;
    if (classified.category === "captcha") state.own.captchas++;
    return classified;
  };

  // An operator's cancel ends the crawl with stop(): no new request starts, the ones in flight
  // finish. Not the pool's abort(): a cancel seen after Crawlee built its pool but before the pool
  // runs would mark it stopped before run() sets it up, and run() would then wait forever
  // (@crawlee/core AutoscaledPool: abort() resolves only a running pool; _maybeRunTask returns at
  // once on a stopped one). stop() is asked again by every request handled after the cancel, in
  // case one came before run() cleared it.
  const stopCrawl = () => hooks.stop.call(crawler, "cancel requested by an operator");

  const requestHandler = hooks.requestHandler;
  hooks.requestHandler = function (context) {
    if (state.run?.cancelRequested) stopCrawl();
    const attempt = context as unknown as Attempt;
    if (captcha && attempt.$ && isCaptchaPage(attempt.$, captcha)) {
      throw new ScrapeError("captcha", "captcha_page", "captcha challenge instead of content", {
        url: attempt.request.url,
        status: attempt.response?.statusCode,
      });
    }
    return requestHandler.call(crawler, context);
  };

  // a retry: counted; the final failure: counted and reported as an error event
  const errorHandler = hooks.errorHandler;
  hooks.errorHandler = function (context, error) {
    failure(context as unknown as Attempt, error);
    return errorHandler?.call(crawler, context, error);
  };
  const failedRequestHandler = hooks.failedRequestHandler;
  hooks.failedRequestHandler = function (context, error) {
    const attempt = context as unknown as Attempt;
    const classified = failure(attempt, error);
    state.categories.set(classified.category, (state.categories.get(classified.category) ?? 0) + 1);
    state.run?.error({
      message: classified.message,
      url: attempt.request.url,
      ...(classified.status === undefined ? {} : { http_status: classified.status }),
      // unknown: the server's rules classify the message instead
      // a severity only where it differs from the category's default, which the database applies
      ...(classified.category === "unknown" ? {} : { category: classified.category }),
      ...(classified.category === "unknown" || !severityOverride(classified)
        ? {}
        : { severity: severityOverride(classified) }),
      details: { code: classified.code, retries: attempt.request.retryCount },
    });
    state.run?.log("ERROR", `${attempt.request.url}: ${classified.message}`, { category: classified.category });
    return failedRequestHandler?.call(crawler, context, error);
  };

  const pushData = hooks.pushData;
  hooks.pushData = function (data, dataset) {
    const pushed = pushData.call(crawler, data, dataset);
    return pushed.then(() => {
      state.own.items += Array.isArray(data) ? data.length : 1;
    });
  };

  const run = hooks.run;
  hooks.run = async function (...args) {
    state.own = { timeouts: 0, captchas: 0, items: 0 };
    state.categories.clear();
    const report = await client.start({
      source_key: options.sourceKey,
      worker: options.worker ?? `crawlee:${crawler.constructor.name}`,
      ...(options.runDate ? { run_date: options.runDate } : {}),
      params: { crawler: crawler.constructor.name, ...options.params },
    }, { ...options, onCancel: stopCrawl });
    state.run = report;
    const copyStats = () => report.setTotals(crawleeTotals(hooks.stats, state.own));
    const timer = setInterval(copyStats, options.statsIntervalMs ?? 1000);
    report.info(`crawl started (${crawler.constructor.name})`);
    try {
      const stats = await run.apply(crawler, args);
      copyStats();
      const status = report.cancelRequested ? "cancelled" : crawlStatus(hooks.stats);
      const [top] = [...state.categories.entries()].sort((a, b) => b[1] - a[1]);
      report.info(`crawl finished: ${JSON.stringify(stats)}`);
      state.lastRun = await report.finish(status, {
        result: { crawlee: stats },
        ...(status === "failed" || status === "partial"
          ? {
            error: `${hooks.stats.state.requestsFailed} of ${
              hooks.stats.state.requestsFinished + hooks.stats.state.requestsFailed
            } requests failed, most of them ${top?.[0] ?? "unknown"}`,
            ...(top && top[0] !== "unknown" ? { error_category: top[0] } : {}),
          }
          : {}),
      });
      return stats;
    } catch (error) {
      copyStats();
      const classified = classifyCrawleeError(error);
      state.lastRun = await report.finish("failed", {
        error: classified.message,
        ...(classified.category === "unknown" ? {} : { error_category: classified.category }),
      });
      throw error;
    } finally {
      clearInterval(timer);
      state.run = undefined;
    }
  };

  return {
    get run() {
      return state.run;
    },
    get lastRun() {
      return state.lastRun;
    },
  };
}
