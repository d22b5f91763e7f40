// One invocation of one scrape job, run through the job harness (_shared/jobs:
// heartbeat, cancellation, buffered logs and errors, always finish): load the
// source, crawl from the job's cursor within the remaining budget, write
// postings, classified errors, logs and metrics, then checkpoint (continue
// later) or end the job with the run's status and category.
import type { Sql } from "../_shared/db.ts";
import {
  type ErrorEvent,
  type Job,
  type JobContext,
  type JobsApi,
  jobsApi,
  type Json,
  runJob,
  type RunResult,
} from "../_shared/jobs/mod.ts";
import {
  ADAPTERS,
  type AdapterName,
  ATS_ADAPTERS,
  CircuitBreaker,
  CircuitOpenError,
  classifyError,
  type Clock,
  crawl,
  type CrawlResult,
  createHttpClient,
  type Cursor,
  type HttpClient,
  isAdapterName,
  nightClock,
  type NormalizedPosting,
  type Rejection,
  severityOverride,
  systemClock,
} from "../_shared/scrape/mod.ts";
import type { CpuBudget } from "../_shared/budget.ts";
import { asService } from "./db.ts";
import {
  addInvocation,
  BOARD_EMPTY,
  boardEmptyOutcome,
  decideOutcome,
  errorEvent,
  metricIncrements,
  readRunState,
  type UpsertCounts,
} from "./outcome.ts";
import { DbBreakerStore, dbMinInterval } from "./seams.ts";

interface SourceRow {
  id: number;
  key: string;
  adapter: string;
  adapter_config: unknown;
  active: boolean;
  max_concurrency: number;
  breaker_enabled: boolean;
  request_timeout_seconds: string;
  max_retries: number;
  /** Setting simulated_night_clock: the breaker and errors run on the run_date's night clock (demos, replays). */
  night_clock: boolean;
}

export interface RunJobOptions {
  worker: string;
  /** The worker's deadline (ms epoch): no new page starts after it. */
  deadline: number;
  /** The worker's CPU budget: no new page starts once it is spent either. */
  cpu?: CpuBudget;
  /** In-flight requests are aborted this long after the deadline. Default 30 s. */
  hardStopGraceMs?: number;
  /** Heartbeat interval: how fast a cancel request is seen. Default 1000 ms. */
  heartbeatMs?: number;
  /** Postings per ops.upsert_postings call. Default 500. */
  upsertBatch?: number;
}

/** An error the harness records once and classifies by its category (ends the job failed). */
class ClassifiedError extends Error {
  constructor(message: string, readonly category: string) {
    super(message);
  }
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** A posting as an element of ops.upsert_postings' array (the columns of ops.postings). */
function postingRow(p: NormalizedPosting) {
  return {
    external_id: p.externalId,
    title: p.title,
    normalized_title: p.normalizedTitle,
    location: p.location,
    locations: p.locations,
    department: p.department,
    url: p.url,
    description: p.description,
    description_truncated: p.descriptionTruncated,
    workplace_type: p.workplaceType,
    employment_type: p.employmentType,
    salary_min: p.salary?.min ?? null,
    salary_max: p.salary?.max ?? null,
    salary_currency: p.salary?.currency ?? null,
    salary_period: p.salary?.period ?? null,
    posted_at: p.postedAt,
    valid_through: p.validThrough,
    content_hash: p.contentHash,
    // Adapters keep only their allow-listed raw fields (scalars); anything else is not stored.
    raw: p.raw !== null && typeof p.raw === "object" && !Array.isArray(p.raw) ? p.raw : {},
  };
}

function rejectionEvent(r: Rejection, portal: string): ErrorEvent {
  return {
    message: `rejected: ${r.reason}`.slice(0, 2000),
    category: r.category,
    ...(severityOverride(r) ? { severity: severityOverride(r) } : {}),
    portal,
    ...(r.url ? { url: r.url } : {}),
    details: { external_id: r.externalId ?? null, code: r.code },
  };
}

/** Wraps the HTTP client so every page shows up in the job's live log and progress. */
function observed(http: HttpClient, ctx: JobContext, portal: string): HttpClient {
  let ok = 0;
  let failed = 0;
  return {
    breaker: http.breaker,
    async get(url, options) {
      const started = performance.now();
      try {
        const response = await http.get(url, options);
        ok++;
        ctx.log.debug(`GET ${url} ${response.status} in ${Math.round(performance.now() - started)} ms`);
        return response;
      } catch (error) {
        if (error instanceof CircuitOpenError) {
          ctx.log.warning(`not sent: ${error.message}`, { url });
        } else if (!ctx.signal.aborted) {
          failed++;
          const f = classifyError(error, url);
          ctx.log.warning(`GET ${url} failed: ${f.category} (${f.code}): ${f.message}`, {
            category: f.category,
            status: f.status ?? null,
          });
        }
        throw error;
      } finally {
        ctx.progress(ok + failed);
        if ((ok + failed) % 25 === 0 && ok + failed > 0) {
          ctx.log.info(`${portal}: ${ok + failed} pages fetched (${ok} ok, ${failed} failed)`);
        }
      }
    },
  };
}

/**
 * The jobs API of the scrape worker: ops.finish of a completed run and
 * ops.deactivate_missing_postings commit together, so the pipeline's next phase
 * (started by a trigger on the finish) never sees postings that are gone as active.
 */
function scrapeJobsApi(sql: Sql, deactivate: Set<number>): JobsApi {
  const base = jobsApi(sql);
  return {
    ...base,
    async finish(jobId, input) {
      if (!deactivate.has(jobId)) return await base.finish(jobId, input);
      return await sql.begin(async (tx) => {
        const api = jobsApi(tx);
        const answer = await api.finish(jobId, input);
        if (answer.job.status === "completed") {
          const result = await api.deactivateMissingPostings(jobId);
          if (result.applied) {
            await api.appendLogs(jobId, [{
              level: "INFO",
              message: `${result.deactivated} postings not listed any more: marked inactive`,
            }]);
          }
        }
        return answer;
      }) as Awaited<ReturnType<JobsApi["finish"]>>;
    },
  };
}

export async function runScrapeJob(sql: Sql, job: Job, options: RunJobOptions): Promise<RunResult> {
  const deactivate = new Set<number>();
  return await runJob(scrapeJobsApi(sql, deactivate), job, (ctx) => scrape(sql, ctx, options, deactivate), {
    worker: options.worker,
    heartbeatMs: options.heartbeatMs ?? 1000,
  });
}

/** One invocation: load the source, crawl, store, report, then checkpoint or end. */
async function scrape(sql: Sql, ctx: JobContext, options: RunJobOptions, deactivate: Set<number>) {
  const dryRun = ctx.params?.dry_run === true;
  const source = await loadSource(sql, ctx.job);
  if (!source.active) {
    ctx.log.warning(`source ${source.key} is paused: nothing scraped`);
    return {
      status: "skipped" as const,
      error: `source ${source.key} is paused`,
      result: { stop_reason: "paused" },
    };
  }
  const state = readRunState(ctx.cursor);
  ctx.log.info(
    `scrape ${source.key} (${source.adapter})${dryRun ? " [dry run]" : ""}: invocation ${
      state.invocations + 1
    }${state.cursor === null ? "" : `, continuing at ${JSON.stringify(state.cursor)}`}`,
  );
  const adapter = source.adapter;
  if (!isAdapterName(adapter)) throw new ClassifiedError(`unknown adapter ${adapter}`, "validation");

  // a replayed night (setting simulated_night_clock) keeps its breaker and its errors on that night's time
  const clock = source.night_clock && ctx.job.run_date ? nightClock(ctx.job.run_date) : systemClock;
  const result = await crawlSource(sql, ctx, { ...source, adapter }, state.cursor, clock, options);
  // The job's own timeout or a lost lease: the harness ends it (failed / not at all).
  if (ctx.abortReason === "timeout" || ctx.abortReason === "lost") ctx.throwIfAborted();
  if (result.stopReason === "invalid_config") {
    // One validation error, recorded by the harness; no request was made.
    throw new ClassifiedError(result.failures[0]?.message ?? "invalid adapter config", "validation");
  }

  const upserted = dryRun
    ? { new: 0, updated: 0, unchanged: 0 }
    : await storePostings(sql, ctx.job.id, result.postings, options.upsertBatch ?? 500);
  const circuitOpen = result.stopReason === "circuit_open";
  reportFailures(ctx, result, source.key, circuitOpen, clock);
  logCrawl(ctx, result, upserted, dryRun, options);
  ctx.metrics(metricIncrements(result.metrics, { portal: source.key, upserted, circuitOpen }));

  const next = addInvocation(state, result, upserted);
  const decided = decideOutcome(next, result, { cancelRequested: ctx.abortReason === "cancelled", dryRun });
  const outcome = decided.kind === "finish" && decided.status === "completed" && next.postings === 0
    ? boardEmptyOutcome(decided, next, {
      ats: ATS_ADAPTERS.has(adapter),
      everHadPostings: await everHadPostings(sql, source.id),
    })
    : decided;
  if (outcome !== decided) {
    ctx.reportError(BOARD_EMPTY, errorEvent(BOARD_EMPTY, source.key));
    ctx.log.warning(BOARD_EMPTY.message);
  }
  if (outcome.kind === "continue") {
    ctx.log.info(
      `budget spent: checkpoint at ${JSON.stringify(outcome.cursor)}, a follow-up invocation continues`,
    );
    return { continueLater: { cursor: next as unknown as Json } };
  }
  if (outcome.deactivate) deactivate.add(ctx.job.id);
  return endOfRun(ctx, outcome, next, result, dryRun);
}

async function everHadPostings(sql: Sql, sourceId: number): Promise<boolean> {
  const [{ found }] =
    await sql`select exists (select 1 from ops.postings where source_id = ${sourceId}) as found`;
  return found as boolean;
}

async function loadSource(sql: Sql, job: Job): Promise<SourceRow> {
  if (job.source_id === null) throw new ClassifiedError("a scrape job needs a source", "validation");
  const [source] = await sql<SourceRow[]>`
    select id, key, adapter, adapter_config, active, max_concurrency, breaker_enabled,
           request_timeout_seconds::text, max_retries,
           coalesce((select g.value = 'true'::jsonb from ops.settings g where g.key = 'simulated_night_clock'), false)
             as night_clock
      from ops.sources where id = ${job.source_id}`;
  return source;
}

/** Crawls the source from `cursor` within the worker's budget: the portal's breaker, rate limit and HTTP knobs. */
async function crawlSource(
  sql: Sql,
  ctx: JobContext,
  source: SourceRow & { adapter: AdapterName },
  cursor: Cursor | null,
  clock: Clock,
  options: RunJobOptions,
): Promise<CrawlResult> {
  const portal = source.key;
  const store = new DbBreakerStore(sql, source.id, portal, (t) => {
    const message = `circuit breaker ${t.from} -> ${t.to}${t.tripped ? ` (trip ${t.tripCount})` : ""}`;
    if (t.to === "open") ctx.log.error(message);
    else ctx.log.info(message);
  });
  const breaker = source.breaker_enabled
    ? new CircuitBreaker({ store, settings: () => store.settings(), clock })
    : undefined;

  const budgetMs = Math.max(0, options.deadline - systemClock.now());
  const http = createHttpClient({
    timeoutMs: Math.round(Number(source.request_timeout_seconds) * 1000),
    maxRetries: source.max_retries,
    perHostConcurrency: source.max_concurrency,
    minInterval: dbMinInterval(sql, source.id, (ms, previous) => {
      ctx.log.info(
        previous === null
          ? `rate limit ${ms / 1000} s`
          : `rate limit changed: ${previous / 1000} s -> ${ms / 1000} s`,
      );
    }),
    // A Retry-After longer than what is left of the budget is not waited for.
    maxRetryAfterMs: Math.min(60_000, Math.max(1000, budgetMs / 2)),
    breaker,
  });
  // The worker's hard stop: in-flight requests end shortly after the deadline.
  const hardStop = AbortSignal.timeout(budgetMs + (options.hardStopGraceMs ?? 30_000));
  return await crawl({
    adapter: ADAPTERS[source.adapter],
    config: source.adapter_config,
    http: observed(http, ctx, portal),
    cursor,
    portal,
    budgetMs,
    cpu: options.cpu,
    detailConcurrency: source.max_concurrency,
    signal: AbortSignal.any([ctx.signal, hardStop]),
  });
}

/** Writes the postings in batches, as the service role; the counts over all batches. */
async function storePostings(sql: Sql, jobId: number, postings: NormalizedPosting[], batchSize: number) {
  const upserted: UpsertCounts = { new: 0, updated: 0, unchanged: 0 };
  for (const batch of chunks(postings, batchSize)) {
    const counts = await asService(sql, (tx) => jobsApi(tx).upsertPostings(jobId, batch.map(postingRow) as Json[]));
    upserted.new += counts.new;
    upserted.updated += counts.updated;
    upserted.unchanged += counts.unchanged;
  }
  return upserted;
}

/** Classified errors: failures and rejected records (buffered by the harness, written in batches). */
function reportFailures(
  ctx: JobContext,
  result: CrawlResult,
  portal: string,
  circuitOpen: boolean,
  clock: Clock,
): void {
  // on a replayed night's clock the errors belong to that night (the harness stamps the real time otherwise)
  const at = clock === systemClock ? {} : { occurred_at: new Date(clock.now()).toISOString() };
  for (const failure of result.failures) ctx.reportError(failure, { ...errorEvent(failure, portal), ...at });
  for (const rejection of result.rejections) {
    ctx.reportError(rejection, { ...rejectionEvent(rejection, portal), ...at });
  }
  if (circuitOpen && result.failures.length === 0) {
    ctx.reportError(null, {
      message: `circuit breaker open for ${portal}: request not sent`,
      category: "circuit_open",
      portal,
      ...at,
    });
  }
}

/** The job's end: the run's summary as its result, its status, error and category, and one log line. */
function endOfRun(
  ctx: JobContext,
  outcome: Extract<ReturnType<typeof decideOutcome>, { kind: "finish" }>,
  next: ReturnType<typeof addInvocation>,
  result: CrawlResult,
  dryRun: boolean,
) {
  const summary: Record<string, Json> = {
    stop_reason: result.stopReason,
    complete: outcome.status === "completed",
    invocations: next.invocations,
    postings: next.postings,
    new: next.new,
    updated: next.updated,
    unchanged: next.unchanged,
    rejected: next.rejected,
    failures: next.failures,
    dry_run: dryRun,
  };
  if (dryRun) {
    summary.sample = result.postings.slice(0, 5).map((p) => ({
      external_id: p.externalId,
      title: p.title,
      url: p.url,
    }));
  }
  const line =
    `${outcome.status}${outcome.category ? ` (${outcome.category})` : ""}: ${next.postings} postings` +
    (outcome.error ? `; ${outcome.error}` : "");
  if (outcome.status === "completed") ctx.log.success(line);
  else if (outcome.status === "failed") ctx.log.error(line);
  else ctx.log.warning(line);
  return {
    // A cancelled run ends as the harness's cancelled (no status here).
    ...(outcome.status === "cancelled" ? {} : { status: outcome.status }),
    result: summary,
    error: outcome.error ?? undefined,
    errorCategory: outcome.category ?? undefined,
  };
}

function logCrawl(
  ctx: JobContext,
  result: CrawlResult,
  upserted: UpsertCounts,
  dryRun: boolean,
  options: RunJobOptions,
): void {
  const m = result.metrics;
  for (const failure of result.failures.slice(0, 50)) {
    if (failure.category === "data_quality" || failure.category === "validation") {
      ctx.log.warning(`${failure.category} (${failure.code}): ${failure.message}`);
    }
  }
  if (result.rejections.length > 0) {
    const reasons = new Map<string, number>();
    for (const r of result.rejections) reasons.set(r.reason, (reasons.get(r.reason) ?? 0) + 1);
    const text = [...reasons].slice(0, 5).map(([reason, n]) => `${n}x ${reason}`).join("; ");
    ctx.log.warning(`${result.rejections.length} records rejected: ${text}`);
  }
  ctx.log.info(
    `crawl stopped (${result.stopReason}) after ${
      Math.round(result.durationMs)
    } ms: ${m.requests} requests ` +
      `(${m.retries} retries, ${m.httpFailures} failed), ${m.linksOk}/${m.linksChecked} pages ok, ` +
      `${m.itemsFound} records, ${result.postings.length} postings` +
      (dryRun ? " (dry run: nothing written)" : ` (${upserted.new} new, ${upserted.updated} updated)`),
    // The invocation's CPU so far: what its CPU budget is spent against (scripts/bench/cpu.ts reads it).
    options.cpu ? { worker: options.worker, worker_cpu_ms: Math.round(options.cpu.usedMs()) } : undefined,
  );
}
