import type { Clock } from "../clock.ts";

/**
 * Supplies the minimum interval between two requests to one portal, in ms. It is called
 * while a crawl runs, so a value changed in the database reaches running scrapes.
 */
export type MinIntervalProvider = (portal: string) => Promise<number>;

export interface PortalPacerOptions {
  provider: MinIntervalProvider;
  /** How long a provider answer is reused. Default 1000 ms: a change applies within about a second. */
  cacheMs?: number;
  clock: Clock;
}

interface CachedInterval {
  value: number;
  fetchedAt: number;
}

/**
 * Spaces request starts per portal: a request starts at least the interval after the previous
 * one actually started. Callers queue per portal (FIFO), and each measures from the previous
 * start as it happened, not as it was planned: a timer that fires late (a loaded machine) only
 * widens the gap, it never lets the next request start early to catch up.
 */
export class PortalPacer {
  readonly #provider: MinIntervalProvider;
  readonly #cacheMs: number;
  readonly #clock: Clock;
  readonly #intervals = new Map<string, CachedInterval>();
  readonly #lastStart = new Map<string, number>();
  /** The tail of each portal's queue: resolves when the last caller in it has started. */
  readonly #queue = new Map<string, Promise<void>>();
  /** One provider call per portal at a time, shared by concurrent callers. */
  readonly #pending = new Map<string, Promise<number>>();

  constructor(options: PortalPacerOptions) {
    this.#provider = options.provider;
    this.#cacheMs = options.cacheMs ?? 1000;
    this.#clock = options.clock;
  }

  /** Waits until this portal may receive the next request; the caller starts it right away. */
  async wait(portal: string, signal?: AbortSignal): Promise<void> {
    const previous = this.#queue.get(portal) ?? Promise.resolve();
    let started!: () => void;
    const ours = new Promise<void>((resolve) => (started = resolve));
    this.#queue.set(portal, ours);
    try {
      // The limit in force when the request was asked for: a gap is the old limit or the new one,
      // never something in between because the limit changed while the request waited.
      const interval = await this.interval(portal);
      await previous;
      signal?.throwIfAborted();
      const earliest = (this.#lastStart.get(portal) ?? -Infinity) + interval;
      const now = this.#clock.now();
      if (earliest > now) await this.#clock.sleep(earliest - now, signal);
      this.#lastStart.set(portal, this.#clock.now());
    } finally {
      started();
      if (this.#queue.get(portal) === ours) this.#queue.delete(portal);
    }
  }

  interval(portal: string): Promise<number> {
    const cached = this.#intervals.get(portal);
    if (cached && this.#clock.now() - cached.fetchedAt < this.#cacheMs) return Promise.resolve(cached.value);
    let pending = this.#pending.get(portal);
    if (!pending) {
      pending = this.#provider(portal)
        .then((value) => {
          const safe = Number.isFinite(value) && value > 0 ? value : 0;
          this.#intervals.set(portal, { value: safe, fetchedAt: this.#clock.now() });
          return safe;
        }, (error) => {
          // A flaky provider must not stop a crawl that already has a value to go on.
          if (cached) return cached.value;
          throw error;
        })
        .finally(() => this.#pending.delete(portal));
      this.#pending.set(portal, pending);
    }
    return pending;
  }
}
