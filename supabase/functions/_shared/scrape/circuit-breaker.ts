import type { Clock } from "../clock.ts";

export type BreakerStatus = "closed" | "open" | "half_open";

/** Persisted per portal. The in-memory store keeps it for one process; the DB store will keep it in `sources`. */
export interface BreakerState {
  status: BreakerStatus;
  consecutiveFailures: number;
  /** When the breaker last opened (ms epoch), null while closed. */
  openedAt: number | null;
  /** When the current half-open probe was let through (ms epoch). */
  probeStartedAt: number | null;
}

export interface BreakerStateStore {
  load(portal: string): Promise<BreakerState | null>;
  save(portal: string, state: BreakerState): Promise<void>;
}

export interface BreakerSettings {
  /** Consecutive failures that open the breaker. Default 5. */
  threshold: number;
  /** How long an open breaker rejects requests before one probe is let through. Default 5 min. */
  cooldownMs: number;
}

export const DEFAULT_BREAKER_SETTINGS: BreakerSettings = { threshold: 5, cooldownMs: 5 * 60_000 };

export const CLOSED_STATE: Readonly<BreakerState> = {
  status: "closed",
  consecutiveFailures: 0,
  openedAt: null,
  probeStartedAt: null,
};

export class InMemoryBreakerStore implements BreakerStateStore {
  readonly #states = new Map<string, BreakerState>();

  load(portal: string): Promise<BreakerState | null> {
    const state = this.#states.get(portal);
    return Promise.resolve(state ? { ...state } : null);
  }

  save(portal: string, state: BreakerState): Promise<void> {
    this.#states.set(portal, { ...state });
    return Promise.resolve();
  }
}

/** Thrown instead of sending a request while a portal's breaker is open. */
export class CircuitOpenError extends Error {
  constructor(readonly portal: string, readonly retryAt: number) {
    super(`circuit breaker open for ${portal} until ${new Date(retryAt).toISOString()}`);
    this.name = "CircuitOpenError";
  }
}

export interface CircuitBreakerOptions {
  store?: BreakerStateStore;
  /** Fixed settings, or a per-portal lookup (e.g. from the `sources` row). */
  settings?: BreakerSettings | ((portal: string) => Promise<BreakerSettings>);
  clock: Clock;
}

/**
 * Classic three-state breaker per portal: `closed` lets everything through; `threshold`
 * consecutive failures make it `open`, which rejects requests for `cooldownMs`; then one
 * probe is let through (`half_open`): success closes it, failure opens it again.
 */
export class CircuitBreaker {
  readonly #store: BreakerStateStore;
  readonly #settings: (portal: string) => Promise<BreakerSettings>;
  readonly #clock: Clock;

  constructor(options: CircuitBreakerOptions) {
    this.#store = options.store ?? new InMemoryBreakerStore();
    const settings = options.settings ?? DEFAULT_BREAKER_SETTINGS;
    this.#settings = typeof settings === "function" ? settings : () => Promise.resolve(settings);
    this.#clock = options.clock;
  }

  async state(portal: string): Promise<BreakerState> {
    return (await this.#store.load(portal)) ?? { ...CLOSED_STATE };
  }

  /** Asks to send one request; throws CircuitOpenError when the breaker says no. */
  async acquire(portal: string): Promise<void> {
    const state = await this.state(portal);
    if (state.status === "closed") return;
    const { cooldownMs } = await this.#settings(portal);
    const now = this.#clock.now();
    // A probe whose outcome was never recorded (worker died) must not wedge the breaker half-open.
    const since = state.status === "open" ? state.openedAt : state.probeStartedAt;
    const retryAt = (since ?? now) + cooldownMs;
    if (now < retryAt) throw new CircuitOpenError(portal, retryAt);
    await this.#store.save(portal, { ...state, status: "half_open", probeStartedAt: now });
  }

  async recordSuccess(portal: string): Promise<void> {
    const state = await this.state(portal);
    if (state.status !== "closed" || state.consecutiveFailures !== 0) {
      await this.#store.save(portal, { ...CLOSED_STATE });
    }
  }

  /** Records a failure; returns true when this failure opened the breaker (a trip). */
  async recordFailure(portal: string): Promise<boolean> {
    const state = await this.state(portal);
    const { threshold } = await this.#settings(portal);
    const failures = state.consecutiveFailures + 1;
    const trips = state.status === "half_open" || (state.status === "closed" && failures >= threshold);
    await this.#store.save(portal, {
      status: trips || state.status === "open" ? "open" : "closed",
      consecutiveFailures: failures,
      openedAt: trips ? this.#clock.now() : state.openedAt,
      probeStartedAt: null,
    });
    return trips;
  }

  /** Manual reset from the control API / Studio. */
  async reset(portal: string): Promise<void> {
    await this.#store.save(portal, { ...CLOSED_STATE });
  }
}
