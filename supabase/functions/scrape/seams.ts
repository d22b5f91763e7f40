// The scraper core's seams, backed by the database:
//   - DbBreakerStore: the circuit breaker's state in ops.sources, read on every
//     request (so a reset in Studio or through ops.reset_breaker applies to the
//     next request of a running scrape) and written through ops.save_breaker_state;
//   - dbMinInterval: the effective rate limit, greatest(source, global), read
//     live; the HTTP layer caches each answer for about a second.
import {
  type BreakerSettings,
  type BreakerState,
  type BreakerStateStore,
  CLOSED_STATE,
  type MinIntervalProvider,
} from "../_shared/scrape/mod.ts";
import type { Sql } from "../_shared/db.ts";
import { asService } from "./db.ts";

interface SourceBreakerRow {
  breaker_enabled: boolean;
  breaker_threshold: number;
  breaker_cooldown_seconds: number;
  breaker_state: "closed" | "open" | "half_open";
  breaker_failures: number;
  breaker_opened_at: Date | null;
  breaker_probe_at: Date | null;
}

export interface BreakerTransition {
  from: BreakerState["status"];
  to: BreakerState["status"];
  tripped: boolean;
  tripCount: number;
}

/**
 * One source's breaker. `portal` is the key the crawl uses for the source's requests
 * (the source key); any other portal has no stored breaker and stays closed.
 */
export class DbBreakerStore implements BreakerStateStore {
  #last: SourceBreakerRow | null = null;

  constructor(
    private readonly sql: Sql,
    private readonly sourceId: number,
    private readonly portal: string,
    private readonly onTransition?: (transition: BreakerTransition) => void,
  ) {}

  async load(portal: string): Promise<BreakerState | null> {
    if (portal !== this.portal) return null;
    const [row] = await this.sql<SourceBreakerRow[]>`
      select breaker_enabled, breaker_threshold, breaker_cooldown_seconds, breaker_state, breaker_failures,
             breaker_opened_at, breaker_probe_at
        from ops.scrape_source_state(${this.sourceId})`;
    this.#last = row ?? null;
    // A disabled breaker never opens; its stored state is left alone.
    if (!row || !row.breaker_enabled) return { ...CLOSED_STATE };
    return {
      status: row.breaker_state,
      consecutiveFailures: row.breaker_failures,
      openedAt: row.breaker_opened_at ? row.breaker_opened_at.getTime() : null,
      probeStartedAt: row.breaker_probe_at ? row.breaker_probe_at.getTime() : null,
    };
  }

  async save(portal: string, state: BreakerState): Promise<void> {
    if (portal !== this.portal || (this.#last && !this.#last.breaker_enabled)) return;
    const from = this.#last?.breaker_state ?? "closed";
    const [saved] = await asService(this.sql, (tx) =>
      tx`
      select breaker_state, breaker_trip_count, tripped
        from ops.save_breaker_state(${this.sourceId}, ${state.status}, ${state.consecutiveFailures},
                                    ${state.openedAt === null ? null : new Date(state.openedAt)},
                                    ${
        state.probeStartedAt === null ? null : new Date(state.probeStartedAt)
      })`);
    if (this.#last) {
      this.#last = {
        ...this.#last,
        breaker_state: state.status,
        breaker_failures: state.consecutiveFailures,
      };
    }
    if (saved && from !== state.status) {
      this.onTransition?.({
        from,
        to: state.status,
        tripped: saved.tripped,
        tripCount: saved.breaker_trip_count,
      });
    }
  }

  /** The settings as of the last load (the breaker always loads the state first). */
  async settings(): Promise<BreakerSettings> {
    const row = this.#last ?? (await this.load(this.portal), this.#last);
    return {
      threshold: row?.breaker_threshold ?? 5,
      cooldownMs: (row?.breaker_cooldown_seconds ?? 300) * 1000,
    };
  }
}

/**
 * The minimum interval between two requests to the source, in ms, as the database says now.
 * `onChange` hears every change of the value (for a log line).
 */
export function dbMinInterval(
  sql: Sql,
  sourceId: number,
  onChange?: (ms: number, previousMs: number | null) => void,
): MinIntervalProvider {
  let previous: number | null = null;
  return async () => {
    const [row] = await sql<{ seconds: string | null }[]>`
      select rate_limit_seconds::text as seconds from ops.scrape_source_state(${sourceId})`;
    const ms = Math.max(0, Number(row?.seconds ?? 0) * 1000);
    if (ms !== previous) {
      onChange?.(ms, previous);
      previous = ms;
    }
    return ms;
  };
}
