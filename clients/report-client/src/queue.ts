// A bounded, ordered queue of items (log lines, error events) sent in batches:
// one batch in flight at a time, each batch with its own idempotency key that
// it keeps across retries (so a repeat after a lost answer is stored once), a
// 413 splits the batch, and while the server is unreachable items wait up to
// `capacity`, after which new items are dropped and counted.
import { ReportApiError } from "./http.ts";

export interface QueueOptions<T> {
  /** What the queue holds, for warnings ("log lines"). */
  name: string;
  /** Sends one batch; throws ReportApiError or ReportUnavailableError. */
  send: (items: T[], idempotencyKey: string) => Promise<void>;
  maxItems: number;
  /** Estimated JSON bytes of one batch; the server's 413 splits what the estimate misses. */
  maxBytes: number;
  capacity: number;
  highWaterMark: number;
  warn: (message: string) => void;
}

interface Batch<T> {
  key: string;
  items: T[];
}

export class BatchQueue<T> {
  #pending: T[] = [];
  #batches: Batch<T>[] = [];
  #size = 0;
  #pump: Promise<void> | null = null;
  #waiters: (() => void)[] = [];
  /** Items dropped: over capacity, refused by the server, or still unsent when a flush gave up. */
  dropped = 0;
  /** The last pump stopped because the server could not be reached. */
  unreachable = false;

  constructor(private readonly options: QueueOptions<T>) {}

  /** Items waiting (cut into batches or not). */
  get size(): number {
    return this.#size;
  }

  /** Queues an item; false when it was dropped or the queue is above its high-water mark (slow down). */
  push(item: T): boolean {
    if (this.#size >= this.options.capacity) {
      this.#drop(1, "the buffer is full while the report API is unreachable");
      return false;
    }
    this.#pending.push(item);
    this.#size++;
    if (this.#pending.length >= this.options.maxItems) this.kick();
    return this.#size < this.options.highWaterMark;
  }

  /** Starts sending unless a send is already under way. */
  kick(): Promise<void> {
    this.#pump ??= this.#run().finally(() => {
      this.#pump = null;
      this.#wake();
    });
    return this.#pump;
  }

  /** Resolves when the queue is below its high-water mark, or the server is unreachable (never blocks for long). */
  async drain(): Promise<void> {
    while (this.#size >= this.options.highWaterMark && !this.unreachable) {
      this.kick();
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }

  /** Sends until empty or the deadline passes; then what is left is dropped and counted. */
  async flush(deadline: number, pauseMs = 500): Promise<void> {
    while (this.#size > 0 && Date.now() < deadline) {
      await this.kick();
      if (this.#size > 0) await new Promise((r) => setTimeout(r, Math.min(pauseMs, Math.max(0, deadline - Date.now()))));
    }
    if (this.#size > 0) {
      this.#drop(this.#size, "the report API stayed unreachable until the run finished");
      this.#pending = [];
      this.#batches = [];
      this.#size = 0;
    }
  }

  async #run(): Promise<void> {
    for (;;) {
      if (this.#batches.length === 0) {
        if (this.#pending.length === 0) return;
        this.#batches.push(this.#cut());
      }
      const batch = this.#batches[0];
      try {
        await this.options.send(batch.items, batch.key);
        this.unreachable = false;
        this.#batches.shift();
        this.#size -= batch.items.length;
        this.#wake();
      } catch (error) {
        if (error instanceof ReportApiError && error.status === 413 && batch.items.length > 1) {
          const half = Math.ceil(batch.items.length / 2);
          this.#batches.splice(0, 1, { key: crypto.randomUUID(), items: batch.items.slice(0, half) }, {
            key: crypto.randomUUID(),
            items: batch.items.slice(half),
          });
          continue;
        }
        if (error instanceof ReportApiError && error.status < 500 && error.status !== 429 && error.status !== 408) {
          // refused for good (400, 404, 409 ...): retrying the same batch cannot help
          this.#batches.shift();
          this.#size -= batch.items.length;
          this.#drop(batch.items.length, `refused: ${error.message}`);
          continue;
        }
        // unreachable: the batch keeps its key; the next kick (timer, flush) tries again
        if (!this.unreachable) this.options.warn(`the report API is unreachable; keeping ${this.#size} ${this.options.name}`);
        this.unreachable = true;
        return;
      }
    }
  }

  #cut(): Batch<T> {
    let bytes = 2;
    let count = 0;
    while (count < this.#pending.length && count < this.options.maxItems) {
      const itemBytes = JSON.stringify(this.#pending[count]).length + 1;
      if (count > 0 && bytes + itemBytes > this.options.maxBytes) break;
      bytes += itemBytes;
      count++;
    }
    return { key: crypto.randomUUID(), items: this.#pending.splice(0, count) };
  }

  #drop(count: number, reason: string): void {
    const before = this.dropped;
    this.dropped += count;
    // one warning for the first drop, then one per 1,000 dropped
    if (before === 0 || Math.floor(before / 1000) !== Math.floor(this.dropped / 1000)) {
      this.options.warn(`${this.dropped} ${this.options.name} dropped so far (${reason})`);
    }
  }

  #wake(): void {
    for (const resolve of this.#waiters.splice(0)) resolve();
  }
}
