// The one clock of the TypeScript workers (the database's is ops_private.now()):
// the scraper, the job harness and the workers' time budgets read it; unit tests
// inject a virtual one so that backoff and cooldowns run instantly.

/** A time source; `systemClock` is the real one. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      if (ms <= 0) return resolve();
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }, ms);
      signal?.addEventListener("abort", onAbort, { once: true });
    }),
};

/** 02:00 Europe/Berlin on a date (ms epoch); on the March night when 02:00 does not exist, 03:00 CEST. */
export function berlinNightStart(runDate: string): number {
  const [y, m, d] = runDate.split("-").map(Number);
  const hour = new Intl.DateTimeFormat("en-GB", {
    timeZone: "Europe/Berlin",
    hour: "2-digit",
    hourCycle: "h23",
  });
  // summer time first: on the October night 02:00 happens twice, and the first one is the night's start
  for (const offsetHours of [2, 1]) {
    const candidate = Date.UTC(y, m - 1, d, 2 - offsetHours);
    if (hour.format(candidate) === "02") return candidate;
  }
  return Date.UTC(y, m - 1, d, 1);
}

/**
 * The clock of a night replayed later (setting simulated_night_clock, for demos): it starts at
 * 02:00 Berlin of the run date and runs at the pace of `base`, so that a circuit breaker opened in
 * one backfilled night has cooled down by the next one, as between real nights.
 */
export function nightClock(runDate: string, base: Clock = systemClock): Clock {
  const offset = berlinNightStart(runDate) - base.now();
  return { now: () => base.now() + offset, sleep: (ms, signal) => base.sleep(ms, signal) };
}
