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
 * Spaces request starts per portal. Each caller reserves the next free slot before sleeping,
 * so concurrent requests to one portal queue up instead of all firing when the interval ends.
 */
export class PortalPacer {
  readonly #provider: MinIntervalProvider;
  readonly #cacheMs: number;
  readonly #clock: Clock;
  readonly #intervals = new Map<string, CachedInterval>();
  readonly #nextSlot = new Map<string, number>();
  /** One provider call per portal at a time, shared by concurrent callers. */
  readonly #pending = new Map<string, Promise<number>>();

  constructor(options: PortalPacerOptions) {
    this.#provider = options.provider;
    this.#cacheMs = options.cacheMs ?? 1000;
    this.#clock = options.clock;
  }

  /** Waits until this portal may receive the next request. */
  async wait(portal: string, signal?: AbortSignal): Promise<void> {
    const interval = await this.interval(portal);
    const now = this.#clock.now();
    const slot = Math.max(now, this.#nextSlot.get(portal) ?? 0);
    this.#nextSlot.set(portal, slot + interval);
    if (slot > now) await this.#clock.sleep(slot - now, signal);
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
