import { type CheerioAPI, load } from "cheerio";
import { backoffDelay, type BackoffOptions, DEFAULT_BACKOFF, parseRetryAfter } from "./backoff.ts";
import {
  type BlockDetectionOptions,
  DEFAULT_BLOCK_DETECTION,
  isCaptchaPage,
  isLoginUrl,
} from "./block-detection.ts";
import { type CircuitBreaker, CircuitOpenError } from "./circuit-breaker.ts";
import { type Clock, systemClock } from "../clock.ts";
import { HostLimiter } from "./host-limiter.ts";
import type { CrawlCounters } from "./metrics.ts";
import { type MinIntervalProvider, PortalPacer } from "./pacing.ts";
import { BREAKER_CATEGORIES, classifyError, httpStatusFailure, ScrapeError } from "./taxonomy.ts";

/** Options of the HTTP layer. Every field is optional; the defaults are listed here. */
export interface HttpClientOptions {
  /** Per-attempt timeout covering connect, headers and body. Default 15 000 ms. */
  timeoutMs?: number;
  /** Retries after the first attempt for 5xx, 429, timeouts and connection errors. Default 3. */
  maxRetries?: number;
  /** Exponential backoff with equal jitter. Default `{ baseMs: 500, maxMs: 30 000 }`. */
  backoff?: BackoffOptions;
  /** A `Retry-After` longer than this is not waited for: the request fails as blocked. Default 60 000 ms. */
  maxRetryAfterMs?: number;
  /** Retry 401/403 too. Default false: a block rarely lifts within seconds and retries make it worse. */
  retryOnForbidden?: boolean;
  /** Concurrent requests per host across all crawls sharing this client. Default 4. */
  perHostConcurrency?: number;
  /** Minimum ms between request starts per portal, asked before each request. Default: no spacing. */
  minInterval?: MinIntervalProvider;
  /** How long a `minInterval` answer is reused. Default 1000 ms. */
  minIntervalCacheMs?: number;
  /** Optional per-portal circuit breaker. Default none. */
  breaker?: CircuitBreaker;
  /** Redirects followed per request (login redirects are never followed). Default 5. */
  maxRedirects?: number;
  /** Captcha and login markers. Default `DEFAULT_BLOCK_DETECTION`. */
  blockDetection?: BlockDetectionOptions;
  /** Sent on every request. Default identifies the scraper. */
  userAgent?: string;
  clock?: Clock;
  /** Jitter source, injectable for deterministic tests. Default Math.random. */
  random?: () => number;
  fetch?: typeof fetch;
}

export interface RequestOptions {
  /** Rate-limit and breaker key. Default: the URL's host. */
  portal?: string;
  /** Counters of the crawl this request belongs to. */
  metrics?: CrawlCounters;
  accept?: string;
  /** Sends a POST with this JSON body instead of a GET (for read-only search endpoints). */
  json?: unknown;
  signal?: AbortSignal;
}

export interface HttpResponse {
  /** The URL asked for. */
  url: string;
  /** The URL that answered, after redirects. */
  finalUrl: string;
  status: number;
  headers: Headers;
  contentType: string;
  body: string;
  /** The body parsed as HTML, parsed once and shared by block detection and the adapter. */
  html(): CheerioAPI;
}

export interface HttpClient {
  get(url: string, options?: RequestOptions): Promise<HttpResponse>;
  readonly breaker?: CircuitBreaker;
}

/** A response whose body has been read within the attempt's timeout. */
interface Exchange {
  response: Response;
  body: string;
}

const DEFAULT_USER_AGENT = "scrape-ops/0.1 (+job postings monitor)";

/** htmlparser2 (not parse5) is several times faster and lenient enough for scraping. */
export function parseHtml(body: string): CheerioAPI {
  return load(body, { xml: { xmlMode: false, decodeEntities: true } });
}

function noteFailedStatus(metrics: CrawlCounters | undefined, status: number): void {
  if (!metrics) return;
  metrics.httpFailures++;
  if (status === 401 || status === 403) metrics.blocked403++;
  if (status === 429) metrics.blocked429++;
}

export function createHttpClient(options: HttpClientOptions = {}): HttpClient {
  const clock = options.clock ?? systemClock;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const maxRetries = options.maxRetries ?? 3;
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 60_000;
  const retryOnForbidden = options.retryOnForbidden ?? false;
  const maxRedirects = options.maxRedirects ?? 5;
  const detection = options.blockDetection ?? DEFAULT_BLOCK_DETECTION;
  const userAgent = options.userAgent ?? DEFAULT_USER_AGENT;
  const random = options.random ?? Math.random;
  const doFetch = options.fetch ?? fetch;
  const breaker = options.breaker;
  const hosts = new HostLimiter(options.perHostConcurrency ?? 4);
  const pacer = new PortalPacer({
    provider: options.minInterval ?? (() => Promise.resolve(0)),
    cacheMs: options.minIntervalCacheMs,
    clock,
  });

  /** One network round trip, redirects excluded. Counts it and classifies transport errors. */
  async function send(url: string, portal: string, request: RequestOptions): Promise<Exchange> {
    const release = await hosts.acquire(new URL(url).host);
    const metrics = request.metrics;
    try {
      await pacer.wait(portal, request.signal);
      const timeout = AbortSignal.timeout(timeoutMs);
      const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
      const started = clock.now();
      if (metrics) metrics.requests++;
      try {
        const headers: Record<string, string> = { "user-agent": userAgent, accept: request.accept ?? "*/*" };
        const post = request.json === undefined ? {} : { method: "POST", body: JSON.stringify(request.json) };
        if (request.json !== undefined) headers["content-type"] = "application/json";
        const response = await doFetch(url, { redirect: "manual", signal, headers, ...post });
        return { response, body: await response.text() };
      } catch (error) {
        if (request.signal?.aborted) throw error;
        const failure = classifyError(error, url);
        if (metrics) {
          metrics.httpFailures++;
          if (failure.category === "network_timeout") metrics.timeouts++;
        }
        throw new ScrapeError(failure.category, failure.code, failure.message, { url, retryable: true });
      } finally {
        if (metrics) metrics.requestMsTotal += clock.now() - started;
      }
    } finally {
      release();
    }
  }

  /** One attempt: follows redirects, then turns the final status into a response or a ScrapeError. */
  async function attempt(url: string, portal: string, request: RequestOptions): Promise<HttpResponse> {
    const metrics = request.metrics;
    let current = url;
    for (let hop = 0;; hop++) {
      const { response, body } = await send(current, portal, request);
      const status = response.status;
      const location = response.headers.get("location");
      if (status >= 300 && status < 400 && location) {
        const target = new URL(location, current).href;
        if (isLoginUrl(target, detection)) {
          if (metrics) {
            metrics.httpFailures++;
            metrics.loginRedirects++;
          }
          throw new ScrapeError("login_redirect", "redirect_to_login", `redirected to login page ${target}`, {
            url,
            status,
          });
        }
        if (hop >= maxRedirects) {
          noteFailedStatus(metrics, status);
          throw new ScrapeError("http_4xx", "too_many_redirects", `more than ${maxRedirects} redirects`, {
            url,
            status,
          });
        }
        current = target;
        continue;
      }
      if (status >= 200 && status < 300) return okResponse(url, current, response, body, metrics);
      noteFailedStatus(metrics, status);
      throw statusError(url, status, response.headers);
    }
  }

  function okResponse(
    url: string,
    finalUrl: string,
    response: Response,
    body: string,
    metrics: CrawlCounters | undefined,
  ): HttpResponse {
    const contentType = response.headers.get("content-type") ?? "";
    let parsed: CheerioAPI | undefined;
    const result: HttpResponse = {
      url,
      finalUrl,
      status: response.status,
      headers: response.headers,
      contentType,
      body,
      html: () => (parsed ??= parseHtml(body)),
    };
    if (isLoginUrl(finalUrl, detection)) {
      if (metrics) {
        metrics.httpFailures++;
        metrics.loginRedirects++;
      }
      throw new ScrapeError("login_redirect", "login_page", `landed on login page ${finalUrl}`, { url });
    }
    // Challenge pages are HTML even where JSON or XML was asked for.
    if (contentType.includes("html") && isCaptchaPage(result.html(), detection)) {
      if (metrics) {
        metrics.httpFailures++;
        metrics.captchas++;
      }
      throw new ScrapeError("captcha", "captcha_page", "captcha challenge instead of content", {
        url,
        status: response.status,
      });
    }
    return result;
  }

  function statusError(url: string, status: number, headers: Headers): ScrapeError {
    const failure = httpStatusFailure(status);
    const retryable = failure.category === "block_429" || failure.category === "http_5xx" ||
      (failure.category === "block_403" && retryOnForbidden);
    // a server-requested delay counts for 429 and 5xx (RFC 9110 Retry-After)
    const retryAfterMs = retryable && failure.category !== "block_403"
      ? parseRetryAfter(headers.get("retry-after"), clock.now()) ?? undefined
      : undefined;
    return new ScrapeError(failure.category, failure.code, failure.message, { url, status, retryable, retryAfterMs });
  }

  async function withRetries(url: string, portal: string, request: RequestOptions): Promise<HttpResponse> {
    for (let retry = 0;; retry++) {
      try {
        return await attempt(url, portal, request);
      } catch (error) {
        if (!(error instanceof ScrapeError) || !error.retryable || retry >= maxRetries) throw error;
        if (error.retryAfterMs !== undefined && error.retryAfterMs > maxRetryAfterMs) {
          throw new ScrapeError(
            error.failure.category,
            "retry_after_too_long",
            `${error.message}; Retry-After ${error.retryAfterMs} ms exceeds ${maxRetryAfterMs} ms`,
            {
              url,
              status: error.failure.status,
            },
          );
        }
        if (request.metrics) request.metrics.retries++;
        await clock.sleep(error.retryAfterMs ?? backoffDelay(retry, backoff, random), request.signal);
      }
    }
  }

  async function get(url: string, request: RequestOptions = {}): Promise<HttpResponse> {
    const portal = request.portal ?? new URL(url).host;
    await breaker?.acquire(portal);
    try {
      const response = await withRetries(url, portal, request);
      await breaker?.recordSuccess(portal);
      return response;
    } catch (error) {
      if (error instanceof CircuitOpenError || request.signal?.aborted) throw error;
      const failure = classifyError(error, url);
      if (!breaker || !BREAKER_CATEGORIES.has(failure.category)) {
        // The portal answered (e.g. a 404): it is reachable and not blocking us.
        await breaker?.recordSuccess(portal);
        throw error;
      }
      if (!(await breaker.recordFailure(portal))) throw error;
      if (request.metrics) request.metrics.breakerTrips++;
      throw new ScrapeError(
        failure.category,
        failure.code,
        `${failure.message} (circuit breaker opened for ${portal})`,
        {
          url,
          status: failure.status,
          severity: "critical",
        },
      );
    }
  }

  return { get, breaker };
}
