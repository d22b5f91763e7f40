// Live job events for streams: one LISTEN connection per worker process,
// fanned out to the streams that watch a job. Wake-ups carry no data that a
// stream trusts; the stream re-reads the database after each wake-up, so a
// missed or merged notification can delay an event but never lose one.
import type { Sql } from "./db.ts";

export type Wake = () => void;

export class JobEvents {
  #watchers = new Map<number, Set<Wake>>();
  #listening: Promise<unknown> | null = null;

  constructor(private readonly sql: Sql) {}

  /** Calls `wake` on every log line, status or progress change of the job; returns the unsubscribe function. */
  async watch(jobId: number, wake: Wake): Promise<() => void> {
    this.#listening ??= Promise.all([
      this.sql.listen("ops_logs", (payload) => this.#dispatch(payload)),
      this.sql.listen("ops_jobs", (payload) => this.#dispatch(payload)),
    ]);
    await this.#listening;
    let set = this.#watchers.get(jobId);
    if (!set) this.#watchers.set(jobId, set = new Set());
    set.add(wake);
    return () => {
      set.delete(wake);
      if (set.size === 0) this.#watchers.delete(jobId);
    };
  }

  #dispatch(payload: string) {
    let jobId: number;
    try {
      jobId = Number(JSON.parse(payload).job_id);
    } catch {
      return;
    }
    for (const wake of this.#watchers.get(jobId) ?? []) wake();
  }
}

/** A promise that resolves at the next wake-up (or when the signal aborts). */
export class WakeSignal {
  #pending = false;
  #resolve: (() => void) | null = null;

  readonly wake: Wake = () => {
    if (this.#resolve) {
      this.#resolve();
      this.#resolve = null;
    } else {
      this.#pending = true;
    }
  };

  next(signal: AbortSignal): Promise<void> {
    if (this.#pending || signal.aborted) {
      this.#pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.#resolve = resolve;
      signal.addEventListener("abort", () => resolve(), { once: true });
    });
  }
}
