// One invocation of one scrape job: load the source, crawl from the job's
// cursor within the remaining budget, write postings, errors, logs and
// metrics, then checkpoint (continue_later) or finish the job.
import type { Sql } from "../_shared/db.ts";
import {
  ADAPTERS,
  CircuitBreaker,
  CircuitOpenError,
  classifyError,
  crawl,
  type CrawlResult,
  createHttpClient,
  type HttpClient,
  isAdapterName,
  type NormalizedPosting,
  type Rejection,
  systemClock,
} from "../_shared/scrape/mod.ts";
import { asService } from "./db.ts";
import {
  addInvocation,
  decideOutcome,
  errorEvent,
  metricIncrements,
  type Outcome,
  readRunState,
  type RunState,
  type UpsertCounts,
} from "./outcome.ts";
import { DbBreakerStore, dbMinInterval } from "./seams.ts";
import { JobSession } from "./session.ts";

export interface ClaimedJob {
  id: number;
  source_id: number | null;
  params: Record<string, unknown> | null;
  cursor: unknown;
  attempt: number;
}

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
}

export interface RunJobOptions {
  worker: string;
  /** The worker's deadline (ms epoch): no new page starts after it. */
  deadline: number;
  /** In-flight requests are aborted this long after the deadline. Default 30 s. */
  hardStopGraceMs?: number;
  heartbeatMs?: number;
  /** Postings per ops.upsert_postings call. Default 500. */
  upsertBatch?: number;
}

export interface JobRunSummary {
  jobId: number;
  outcome: "continue" | "completed" | "partial" | "failed" | "cancelled" | "skipped" | "lost";
}

const ERROR_BATCH = 500;
/** Failure lines logged one by one per invocation; the rest are summed up. */
const MAX_FAILURE_LINES = 50;

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function postingRow(p: NormalizedPosting) {
  const raw = p.raw !== null && typeof p.raw === "object" && !Array.isArray(p.raw)
    ? p.raw
    : { value: p.raw ?? null };
  return {
    external_id: p.externalId,
    title: p.title,
    normalized_title: p.normalizedTitle,
    location: p.location,
    department: p.department,
    url: p.url,
    content_hash: p.contentHash,
    raw: p.postedAt ? { ...raw, _posted_at: p.postedAt } : raw,
  };
}

function rejectionEvent(r: Rejection, portal: string): Record<string, unknown> {
  return {
    message: `rejected: ${r.reason}`.slice(0, 2000),
    category: r.category,
    severity: r.severity,
    portal,
    ...(r.url ? { url: r.url } : {}),
    details: { external_id: r.externalId ?? null },
  };
}

/** Wraps the HTTP client so every page shows up in the job's live log and progress. */
function observed(http: HttpClient, session: JobSession, portal: string): HttpClient {
  let ok = 0;
  let failed = 0;
  return {
    breaker: http.breaker,
    async get(url, options) {
      const started = performance.now();
      try {
        const response = await http.get(url, options);
        ok++;
        session.log(
          "DEBUG",
          `GET ${url} ${response.status} in ${Math.round(performance.now() - started)} ms`,
        );
        return response;
      } catch (error) {
        if (error instanceof CircuitOpenError) {
          session.log("WARNING", `not sent: ${error.message}`, { url });
        } else if (!session.signal.aborted) {
          failed++;
          const f = classifyError(error, url);
          session.log("WARNING", `GET ${url} failed: ${f.category} (${f.code}): ${f.message}`, {
            category: f.category,
            status: f.status ?? null,
          });
        }
        throw error;
      } finally {
        session.pagesDone = ok + failed;
        if ((ok + failed) % 25 === 0 && ok + failed > 0) {
          session.log("INFO", `${portal}: ${ok + failed} pages fetched (${ok} ok, ${failed} failed)`);
        }
      }
    },
  };
}

export async function runScrapeJob(
  sql: Sql,
  job: ClaimedJob,
  options: RunJobOptions,
): Promise<JobRunSummary> {
  const { worker } = options;
  const session = new JobSession(sql, job.id, worker, { heartbeatMs: options.heartbeatMs });
  session.start();
  try {
    return await invoke(sql, job, options, session);
  } catch (error) {
    // Anything unexpected still ends the job (nothing is left running).
    const message = error instanceof Error ? error.message : String(error);
    console.error(`scrape job ${job.id}: unexpected error`, error);
    session.log("CRITICAL", `scrape worker error: ${message}`);
    await session.flush().catch(() => {});
    await finishJob(sql, job.id, worker, {
      status: "failed",
      error: `scrape worker error: ${message}`,
      category: "unknown",
      result: { stop_reason: "worker_error" },
      metrics: null,
    }).catch((e) => console.error(`scrape job ${job.id}: finish failed`, e));
    return { jobId: job.id, outcome: "failed" };
  } finally {
    await session.close().catch((e) => console.error(`scrape job ${job.id}: log flush failed`, e));
  }
}

interface FinishArgs {
  status: string;
  error: string | null;
  category: string | null;
  result: Record<string, unknown>;
  metrics: Record<string, unknown> | null;
  deactivate?: boolean;
}

/** Finishes the job; a completed run deactivates missing postings in the same transaction. */
async function finishJob(sql: Sql, jobId: number, worker: string, args: FinishArgs) {
  return await asService(sql, async (tx) => {
    await tx`
      select ops.finish(${jobId}, ${args.status}, ${tx.json(args.result as never)}, ${args.error},
                        ${args.category}, ${
      args.metrics ? tx.json(args.metrics as never) : null
    }, ${worker})`;
    if (!args.deactivate) return null;
    const [{ answer }] = await tx`select ops.deactivate_missing_postings(${jobId}) as answer`;
    return answer as { applied: boolean; deactivated: number };
  });
}

async function invoke(
  sql: Sql,
  job: ClaimedJob,
  options: RunJobOptions,
  session: JobSession,
): Promise<JobRunSummary> {
  const { worker } = options;
  const params = job.params ?? {};
  const dryRun = params.dry_run === true;
  const end = (outcome: JobRunSummary["outcome"]): JobRunSummary => ({ jobId: job.id, outcome });

  if (job.source_id === null) {
    session.log("ERROR", "a scrape job needs a source");
    await finishJob(sql, job.id, worker, {
      status: "failed",
      error: "a scrape job needs a source",
      category: "validation",
      result: { stop_reason: "invalid_job" },
      metrics: null,
    });
    return end("failed");
  }
  await asService(sql, (tx) => tx`select job_id from ops.start_scrape_run(${job.id})`);
  const [source] = await sql<SourceRow[]>`
    select id, key, adapter, adapter_config, active, max_concurrency, breaker_enabled,
           request_timeout_seconds::text, max_retries
      from ops.sources where id = ${job.source_id}`;
  if (!source.active) {
    session.log("WARNING", `source ${source.key} is paused: nothing scraped`);
    await finishJob(sql, job.id, worker, {
      status: "skipped",
      error: `source ${source.key} is paused`,
      category: null,
      result: { stop_reason: "paused" },
      metrics: null,
    });
    return end("skipped");
  }

  const state = readRunState(job.cursor);
  const portal = source.key;
  session.log(
    "INFO",
    `scrape ${source.key} (${source.adapter})${dryRun ? " [dry run]" : ""}: invocation ${
      state.invocations + 1
    }${state.cursor === null ? "" : `, continuing at ${JSON.stringify(state.cursor)}`}`,
  );

  if (!isAdapterName(source.adapter)) {
    const message = `unknown adapter ${source.adapter}`;
    session.log("ERROR", message);
    await asService(
      sql,
      (tx) =>
        tx`select count(*) from ops.record_errors(${job.id}, ${
          tx.json([{ message, category: "validation", severity: "critical", portal }] as never)
        })`,
    );
    await finishJob(sql, job.id, worker, {
      status: "failed",
      error: message,
      category: "validation",
      result: { stop_reason: "invalid_config" },
      metrics: { requests: 0 },
    });
    return end("failed");
  }

  const store = new DbBreakerStore(sql, source.id, portal, (t) => {
    session.log(
      t.to === "open" ? "ERROR" : "INFO",
      `circuit breaker ${t.from} -> ${t.to}${t.tripped ? ` (trip ${t.tripCount})` : ""}`,
    );
  });
  const breaker = source.breaker_enabled
    ? new CircuitBreaker({ store, settings: () => store.settings(), clock: systemClock })
    : undefined;

  const now = Date.now();
  const budgetMs = Math.max(0, options.deadline - now);
  const timeoutMs = Math.round(Number(source.request_timeout_seconds) * 1000);
  const http = createHttpClient({
    timeoutMs,
    maxRetries: source.max_retries,
    perHostConcurrency: source.max_concurrency,
    minInterval: dbMinInterval(sql, source.id, (ms, previous) => {
      session.log(
        "INFO",
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
  const signal = AbortSignal.any([session.signal, hardStop]);

  const result = await crawl({
    adapter: ADAPTERS[source.adapter],
    config: source.adapter_config,
    http: observed(http, session, portal),
    cursor: state.cursor,
    portal,
    budgetMs,
    detailConcurrency: source.max_concurrency,
    signal,
  });

  if (session.stopCause === "lost") {
    session.log("WARNING", "the job was taken from this worker (lease lost): stopping without finishing it");
    return end("lost");
  }

  // Postings (not in a dry run), in batches.
  const upserted: UpsertCounts = { new: 0, updated: 0, unchanged: 0 };
  if (!dryRun && result.postings.length > 0) {
    for (const batch of chunks(result.postings, options.upsertBatch ?? 500)) {
      const [{ counts }] = await asService(
        sql,
        (tx) =>
          tx`select ops.upsert_postings(${job.id}, ${tx.json(batch.map(postingRow) as never)}) as counts`,
      );
      upserted.new += Number(counts.new);
      upserted.updated += Number(counts.updated);
      upserted.unchanged += Number(counts.unchanged);
    }
  }

  // Classified errors: failures and rejected records.
  const circuitOpen = result.stopReason === "circuit_open";
  const events = [
    ...result.failures.map((f) => errorEvent(f, portal)),
    ...result.rejections.map((r) => rejectionEvent(r, portal)),
  ];
  if (circuitOpen && result.failures.length === 0) {
    events.push({
      message: `circuit breaker open for ${portal}: request not sent`,
      category: "circuit_open",
      portal,
    });
  }
  for (const batch of chunks(events, ERROR_BATCH)) {
    await asService(
      sql,
      (tx) => tx`select count(*) from ops.record_errors(${job.id}, ${tx.json(batch as never)})`,
    );
  }

  logCrawl(session, result, upserted, dryRun);
  const next = addInvocation(state, result, upserted);
  const outcome = decideOutcome(next, result, { cancelRequested: session.stopCause === "cancelled", dryRun });
  const metrics = metricIncrements(result.metrics, { portal, upserted, circuitOpen });
  return end(await settle(sql, job, options, session, next, outcome, metrics, { dryRun, result }));
}

function logCrawl(session: JobSession, result: CrawlResult, upserted: UpsertCounts, dryRun: boolean): void {
  const m = result.metrics;
  for (const failure of result.failures.slice(0, MAX_FAILURE_LINES)) {
    if (failure.category === "data_quality" || failure.category === "validation") {
      session.log("WARNING", `${failure.category} (${failure.code}): ${failure.message}`);
    }
  }
  if (result.rejections.length > 0) {
    const reasons = new Map<string, number>();
    for (const r of result.rejections) reasons.set(r.reason, (reasons.get(r.reason) ?? 0) + 1);
    const text = [...reasons].slice(0, 5).map(([reason, n]) => `${n}x ${reason}`).join("; ");
    session.log("WARNING", `${result.rejections.length} records rejected: ${text}`);
  }
  session.log(
    "INFO",
    `crawl stopped (${result.stopReason}) after ${
      Math.round(result.durationMs)
    } ms: ${m.requests} requests ` +
      `(${m.retries} retries, ${m.httpFailures} failed), ${m.linksOk}/${m.linksChecked} pages ok, ` +
      `${m.itemsFound} records, ${result.postings.length} postings` +
      (dryRun ? " (dry run: nothing written)" : ` (${upserted.new} new, ${upserted.updated} updated)`),
  );
}

async function settle(
  sql: Sql,
  job: ClaimedJob,
  options: RunJobOptions,
  session: JobSession,
  state: RunState,
  outcome: Outcome,
  metrics: Record<string, unknown>,
  info: { dryRun: boolean; result: CrawlResult },
): Promise<JobRunSummary["outcome"]> {
  if (outcome.kind === "continue") {
    session.log(
      "INFO",
      `budget spent: checkpoint at ${JSON.stringify(outcome.cursor)}, a follow-up invocation continues`,
    );
    await session.flush();
    await asService(
      sql,
      (tx) =>
        tx`select id from ops.continue_later(${job.id}, ${tx.json(state as never)}, 0, ${options.worker},
                                            ${tx.json(metrics as never)})`,
    );
    return "continue";
  }
  const result: Record<string, unknown> = {
    stop_reason: info.result.stopReason,
    complete: outcome.status === "completed",
    invocations: state.invocations,
    postings: state.postings,
    new: state.new,
    updated: state.updated,
    unchanged: state.unchanged,
    rejected: state.rejected,
    failures: state.failures,
    dry_run: info.dryRun,
  };
  if (info.dryRun) {
    result.sample = info.result.postings.slice(0, 5).map((p) => ({
      external_id: p.externalId,
      title: p.title,
      url: p.url,
    }));
  }
  const level = outcome.status === "completed"
    ? "SUCCESS"
    : outcome.status === "failed"
    ? "ERROR"
    : "WARNING";
  session.log(
    level,
    `${outcome.status}${outcome.category ? ` (${outcome.category})` : ""}: ${state.postings} postings` +
      (outcome.error ? `; ${outcome.error}` : ""),
  );
  await session.flush();
  const deactivated = await finishJob(sql, job.id, options.worker, {
    status: outcome.status,
    error: outcome.error,
    category: outcome.category,
    result,
    metrics,
    deactivate: outcome.deactivate,
  });
  if (deactivated?.applied) {
    session.log("INFO", `${deactivated.deactivated} postings not listed any more: marked inactive`);
  }
  return outcome.status;
}
