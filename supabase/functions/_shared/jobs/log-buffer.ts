// Buffers log lines and error events of one job and writes them in batches:
// when a batch is full (lines or bytes), after an interval, and on close.
// Flushes never run concurrently and keep the order of lines; a failed flush
// keeps its lines for the next attempt, so nothing accepted is dropped.
import { systemClock } from "../clock.ts";
import type { ErrorEvent, LogLine } from "./api.ts";

export interface LogSink {
  appendLogs(lines: LogLine[]): Promise<unknown>;
  recordErrors(errors: ErrorEvent[]): Promise<unknown>;
}

export interface LogBufferOptions {
  /** Flush when this many lines wait. Default 500. */
  maxLines?: number;
  /** Flush when the waiting lines are about this many bytes. Default 512 KiB. */
  maxBytes?: number;
  /** Flush lines older than this. Default 1000 ms. */
  flushMs?: number;
  /** Called when a background flush fails (the lines stay buffered). */
  onFlushError?: (error: unknown) => void;
}

export class LogBuffer {
  #lines: LogLine[] = [];
  #errors: ErrorEvent[] = [];
  #bytes = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #chain: Promise<void> = Promise.resolve();
  #closed = false;
  readonly #maxLines: number;
  readonly #maxBytes: number;
  readonly #flushMs: number;
  readonly #onFlushError: (error: unknown) => void;
  /** Lines and errors written so far. */
  written = { lines: 0, errors: 0 };

  constructor(private readonly sink: LogSink, options: LogBufferOptions = {}) {
    this.#maxLines = options.maxLines ?? 500;
    this.#maxBytes = options.maxBytes ?? 512 * 1024;
    this.#flushMs = options.flushMs ?? 1000;
    this.#onFlushError = options.onFlushError ?? ((error) => console.error("log flush failed:", error));
  }

  get pending(): number {
    return this.#lines.length + this.#errors.length;
  }

  log(line: LogLine): void {
    if (this.#closed) throw new Error("the log buffer is closed");
    this.#lines.push(line.ts ? line : { ...line, ts: new Date(systemClock.now()).toISOString() });
    this.#bytes += line.message.length + (line.context ? JSON.stringify(line.context).length : 0) + 64;
    if (this.#lines.length >= this.#maxLines || this.#bytes >= this.#maxBytes) this.#background();
    else this.#arm();
  }

  error(event: ErrorEvent): void {
    if (this.#closed) throw new Error("the log buffer is closed");
    this.#errors.push(event.occurred_at ? event : { ...event, occurred_at: new Date(systemClock.now()).toISOString() });
    this.#arm();
  }

  /** Writes everything buffered now; rejects if the database refuses (lines stay buffered). */
  flush(): Promise<void> {
    this.#disarm();
    const run = this.#chain.then(() => this.#write());
    this.#chain = run.catch(() => {});
    return run;
  }

  /** Final flush (retried a few times); no more lines afterwards. */
  async close(retries = 3): Promise<void> {
    this.#closed = true;
    for (let attempt = 1;; attempt++) {
      try {
        await this.flush();
        return;
      } catch (error) {
        if (attempt > retries) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
      }
    }
  }

  async #write(): Promise<void> {
    while (this.#lines.length > 0) {
      const batch = this.#lines.slice(0, this.#maxLines);
      await this.sink.appendLogs(batch);
      this.#lines.splice(0, batch.length);
      this.written.lines += batch.length;
    }
    this.#bytes = 0;
    while (this.#errors.length > 0) {
      // ops.record_errors takes at most 1000 events per call
      const batch = this.#errors.slice(0, 1000);
      await this.sink.recordErrors(batch);
      this.#errors.splice(0, batch.length);
      this.written.errors += batch.length;
    }
  }

  #background(): void {
    this.flush().catch((error) => this.#onFlushError(error));
  }

  #arm(): void {
    if (this.#timer === undefined) this.#timer = setTimeout(() => this.#background(), this.#flushMs);
  }

  #disarm(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
