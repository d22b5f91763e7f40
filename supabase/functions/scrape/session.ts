// One claimed job while it runs: a heartbeat on an interval (lease, progress,
// cancellation), and a log buffer flushed in batches through ops.append_logs.
// Stand-in for the shared job harness (_shared/jobs) until that lands.
import type { Sql } from "../_shared/db.ts";
import { asService } from "./db.ts";

export type LogLevel = "DEBUG" | "INFO" | "SUCCESS" | "WARNING" | "ERROR" | "CRITICAL";

interface LogLine {
  level: LogLevel;
  message: string;
  ts: string;
  context?: Record<string, unknown>;
}

export interface SessionOptions {
  /** Heartbeat and log flush interval. Default 1000 ms: a cancel request stops the scrape within about a second (the scrape lease is 60 s). */
  heartbeatMs?: number;
  /** Lines kept while the database cannot be reached. Default 20 000. */
  maxBufferedLines?: number;
}

/** Why the session asks the job to stop. */
export type StopCause = "cancelled" | "lost";

export class JobSession {
  readonly #sql: Sql;
  readonly #heartbeatMs: number;
  readonly #maxBuffered: number;
  readonly #abort = new AbortController();
  #buffer: LogLine[] = [];
  #timer: ReturnType<typeof setInterval> | undefined;
  #tick: Promise<void> = Promise.resolve();
  #flushing: Promise<void> = Promise.resolve();
  #stopCause: StopCause | null = null;
  /** Pages fetched (ok or failed), reported as progress. */
  pagesDone = 0;
  droppedLines = 0;

  constructor(sql: Sql, readonly jobId: number, readonly worker: string, options: SessionOptions = {}) {
    this.#sql = sql;
    this.#heartbeatMs = options.heartbeatMs ?? 1000;
    this.#maxBuffered = options.maxBufferedLines ?? 20_000;
  }

  /** Aborted when an operator cancels the job or another worker took it over. */
  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  get stopCause(): StopCause | null {
    return this.#stopCause;
  }

  log(level: LogLevel, message: string, context?: Record<string, unknown>): void {
    // While the database cannot take lines, the newest beyond the cap are dropped (and counted):
    // the buffer's head may be in flight.
    if (this.#buffer.length >= this.#maxBuffered) {
      this.droppedLines++;
      return;
    }
    this.#buffer.push({
      level,
      message: message.slice(0, 4000),
      ts: new Date().toISOString(),
      ...(context ? { context } : {}),
    });
  }

  start(): void {
    let busy = false;
    this.#timer = setInterval(() => {
      // One tick at a time: a slow database must not pile heartbeats up.
      if (busy) return;
      busy = true;
      this.#tick = this.beat()
        .catch((error) => console.error(`scrape job ${this.jobId}: heartbeat failed`, error))
        .finally(() => (busy = false));
    }, this.#heartbeatMs);
  }

  /** A heartbeat with progress, then a log flush; aborts the signal on a cancel request or a lost lease. */
  async beat(): Promise<void> {
    const [answer] = await asService(this.#sql, (tx) =>
      tx`
      select cancel_requested, status, owned
        from ops.heartbeat(${this.jobId}, ${this.worker}, ${this.pagesDone}, ${null}, ${null}, ${null})`);
    if (answer && !this.#stopCause) {
      if (answer.cancel_requested) this.stop("cancelled");
      else if (!answer.owned || answer.status !== "running") this.stop("lost");
    }
    await this.flush();
  }

  stop(cause: StopCause): void {
    if (this.#stopCause) return;
    this.#stopCause = cause;
    this.#abort.abort(new DOMException(`job ${cause}`, "AbortError"));
  }

  /**
   * Writes the buffered lines in batches; lines stay buffered when the write fails. Flushes
   * run one after the other, so the heartbeat's and the job's own never write a line twice.
   */
  flush(): Promise<void> {
    const run = this.#flushing.then(() => this.#drain());
    this.#flushing = run.catch(() => {});
    return run;
  }

  async #drain(): Promise<void> {
    while (this.#buffer.length > 0) {
      const batch = this.#buffer.slice(0, 1000);
      await asService(
        this.#sql,
        (tx) => tx`select inserted from ops.append_logs(${this.jobId}, ${tx.json(batch as never)})`,
      );
      this.#buffer.splice(0, batch.length);
    }
  }

  /** Stops the heartbeat and writes what is left of the log. */
  async close(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    await this.#tick.catch(() => {});
    await this.flush();
  }
}
