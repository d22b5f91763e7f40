// One reported run: buffered logs and errors, counters kept as running totals,
// a heartbeat timer, and a finish that flushes first and reads the run back
// when the server already ended it.
import {
  type ErrorEvent,
  type FinishBody,
  type HeartbeatAnswer,
  MAX_BODY_BYTES,
  MAX_ERRORS,
  MAX_LOG_LINES,
  type RunView,
  type TerminalStatus,
  type Totals,
} from "../../../supabase/functions/_shared/report/contract.ts";
import type { LogLevel } from "../../../supabase/functions/_shared/jobs/vocabulary.ts";
import { BatchQueue } from "./queue.ts";
import { ReportApiError, type Transport } from "./http.ts";

export type { LogLevel };
export type Counter = Exclude<keyof Totals, "breaker_triggered" | "request_time_ms_total">;

export interface RunOptions {
  /** Lines per POST .../logs. Default 1,000 (the API takes up to 5,000). */
  batchLines?: number;
  /** Lines kept while the API is unreachable; more are dropped and counted. Default 10,000. */
  maxBufferedLines?: number;
  /** log() returns false from this many buffered lines on: await drain() to slow down. Default 2 batches. */
  highWaterMark?: number;
  /** Buffered lines and errors are sent at least this often. Default 1,000 ms. */
  flushIntervalMs?: number;
  /** Default: a third of the run's lease, at most 20 s. */
  heartbeatIntervalMs?: number;
  /** How long finish() waits for buffered lines to go out before it finishes anyway. Default 30,000 ms. */
  finishTimeoutMs?: number;
  /** Called once when an operator asks the run to stop (seen in a heartbeat answer). */
  onCancel?: () => void;
}

type Timer = ReturnType<typeof setInterval>;

/** Timers must not keep a process alive: the exit hook finishes a forgotten run instead. */
function unref(timer: Timer): Timer {
  const t = timer as unknown as { unref?: () => void };
  if (typeof t.unref === "function") t.unref();
  else (globalThis as { Deno?: { unrefTimer(id: number): void } }).Deno?.unrefTimer(timer as unknown as number);
  return timer;
}

export class ReportRun {
  readonly id: number;
  /** The run as last answered by the API (start, finish or read back). */
  view: RunView;
  /** An operator asked to stop: finish with `cancelled` (run() does). */
  cancelRequested = false;
  /** The run is no longer running on the server (finished, or ended by the sweeper). */
  ended = false;
  readonly #transport: Transport;
  readonly #options: Required<Omit<RunOptions, "onCancel">> & Pick<RunOptions, "onCancel">;
  readonly #totals: Totals = {};
  #progress: { done: number; total?: number } | undefined;
  readonly #logs: BatchQueue<{ level: LogLevel; message: string; ts: string; context?: Record<string, unknown> }>;
  readonly #errors: BatchQueue<ErrorEvent>;
  readonly #timers: Timer[] = [];
  #beat: Promise<HeartbeatAnswer | null> | null = null;
  #finishing: Promise<RunView> | null = null;
  #onEnd: (() => void) | undefined;

  constructor(transport: Transport, view: RunView, options: RunOptions = {}, onEnd?: () => void) {
    this.#transport = transport;
    this.view = view;
    this.id = view.job.id;
    this.#onEnd = onEnd;
    const batchLines = Math.min(options.batchLines ?? 1000, MAX_LOG_LINES);
    this.#options = {
      batchLines,
      maxBufferedLines: options.maxBufferedLines ?? 10_000,
      highWaterMark: options.highWaterMark ?? batchLines * 2,
      flushIntervalMs: options.flushIntervalMs ?? 1000,
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? Math.min(20_000, (view.job.lease_seconds * 1000) / 3),
      finishTimeoutMs: options.finishTimeoutMs ?? 30_000,
      onCancel: options.onCancel,
    };
    const path = `/report/jobs/${this.id}`;
    this.#logs = new BatchQueue({
      name: "log lines",
      send: async (lines, key) => {
        await transport.request("POST", `${path}/logs`, { body: { lines }, idempotencyKey: key });
      },
      maxItems: batchLines,
      maxBytes: Math.floor(MAX_BODY_BYTES * 0.9),
      capacity: this.#options.maxBufferedLines,
      highWaterMark: this.#options.highWaterMark,
      warn: transport.warn,
    });
    this.#errors = new BatchQueue({
      name: "error events",
      send: async (errors, key) => {
        await transport.request("POST", `${path}/errors`, { body: { errors }, idempotencyKey: key });
      },
      maxItems: Math.min(200, MAX_ERRORS),
      maxBytes: Math.floor(MAX_BODY_BYTES * 0.9),
      capacity: 5_000,
      highWaterMark: 5_000,
      warn: transport.warn,
    });
    this.#timers.push(unref(setInterval(() => {
      void this.#logs.kick();
      void this.#errors.kick();
    }, this.#options.flushIntervalMs)));
    this.#timers.push(unref(setInterval(() => void this.heartbeat().catch(() => {}), this.#options.heartbeatIntervalMs)));
  }

  /** The counters as they will be sent: running totals since the start of the run. */
  get totals(): Readonly<Totals> {
    return this.#totals;
  }

  /** Log lines dropped (buffer full while the API was unreachable, or refused). */
  get droppedLines(): number {
    return this.#logs.dropped;
  }

  /** Buffers a log line; false when the buffer is filling up (await drain()) or the line was dropped. */
  log(level: LogLevel, message: string, context?: Record<string, unknown>): boolean {
    const text = String(message).slice(0, 65_536) || "(empty)";
    return this.#logs.push({ level, message: text, ts: new Date().toISOString(), ...(context ? { context } : {}) });
  }

  info(message: string, context?: Record<string, unknown>): boolean {
    return this.log("INFO", message, context);
  }

  warning(message: string, context?: Record<string, unknown>): boolean {
    return this.log("WARNING", message, context);
  }

  /** Waits until the log buffer is below its high-water mark (returns at once while the API is unreachable). */
  drain(): Promise<void> {
    return this.#logs.drain();
  }

  /** Records an error event; the server classifies it unless it names a category (GET /report/categories). */
  error(event: ErrorEvent): boolean {
    return this.#errors.push({ ...event, occurred_at: event.occurred_at ?? new Date().toISOString() });
  }

  /** Adds to a counter (kept locally; sent as a running total). */
  count(counter: Counter | "request_time_ms_total", by = 1): void {
    this.#totals[counter] = (this.#totals[counter] ?? 0) + by;
  }

  /** Sets running totals (e.g. from a crawler's own statistics); a counter never goes down. */
  setTotals(totals: Totals): void {
    for (const [key, value] of Object.entries(totals) as [keyof Totals, number | boolean][]) {
      if (key === "breaker_triggered") this.#totals.breaker_triggered ||= value as boolean;
      else this.#totals[key] = Math.max(this.#totals[key] ?? 0, value as number);
    }
  }

  progress(done: number, total?: number): void {
    this.#progress = total === undefined ? { done } : { done, total };
  }

  /** Sends the lease, progress and totals now (the timer does it regularly). Null when the run has ended. */
  heartbeat(): Promise<HeartbeatAnswer | null> {
    if (this.ended || this.#finishing) return Promise.resolve(null);
    this.#beat ??= this.#transport.request<HeartbeatAnswer>("POST", `/report/jobs/${this.id}/heartbeat`, {
      body: { totals: { ...this.#totals }, ...(this.#progress ? { progress: this.#progress } : {}) },
      idempotent: true,
      retries: 2,
    }).then((answer) => {
      if (answer.cancel_requested && !this.cancelRequested) {
        this.cancelRequested = true;
        this.#options.onCancel?.();
      }
      if (answer.status !== "running") this.ended = true;
      return answer;
    }).finally(() => {
      this.#beat = null;
    });
    return this.#beat;
  }

  /** Sends buffered lines and errors now; waits at most `timeoutMs` while the API is unreachable. */
  async flush(timeoutMs = this.#options.finishTimeoutMs): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    await Promise.all([this.#logs.flush(deadline), this.#errors.flush(deadline)]);
  }

  /**
   * Flushes, then ends the run with `status` and the totals. Calling it again answers the same. When
   * the server already ended the run differently (409: the sweeper after a long outage, an operator),
   * the stored run is read back and returned.
   */
  finish(status: TerminalStatus, body: Omit<FinishBody, "status" | "totals"> = {}): Promise<RunView> {
    this.#finishing ??= this.#finish(status, body);
    return this.#finishing;
  }

  async #finish(status: TerminalStatus, body: Omit<FinishBody, "status" | "totals">): Promise<RunView> {
    for (const timer of this.#timers.splice(0)) clearInterval(timer);
    try {
      await this.#beat?.catch(() => null);
      await this.flush();
      const dropped = this.#logs.dropped;
      if (dropped > 0) {
        // best effort, and not counted as the scraper's own dropped line
        this.#logs.push({ level: "WARNING", message: `${dropped} log lines were dropped by the client`, ts: new Date().toISOString() });
        await this.#logs.flush(Date.now() + Math.min(5_000, this.#options.finishTimeoutMs));
        this.#logs.dropped = dropped;
      }
      const path = `/report/jobs/${this.id}`;
      try {
        this.view = await this.#transport.request<RunView>("POST", `${path}/finish`, {
          body: { ...body, status, totals: { ...this.#totals } },
          idempotent: true,
        });
      } catch (error) {
        if (!(error instanceof ReportApiError) || error.status !== 409) throw error;
        this.view = await this.#transport.request<RunView>("GET", path);
        this.#transport.warn(`run ${this.id} was already ${this.view.job.status}: ${error.error.message}`);
      }
      this.ended = true;
      return this.view;
    } finally {
      this.#onEnd?.();
    }
  }
}
