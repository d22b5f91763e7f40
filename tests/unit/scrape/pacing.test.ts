// The portal pacer: starts at least the interval apart, measured from the
// previous request's actual start, in arrival order.
import { describe, expect, it } from "vitest";
import type { Clock } from "../../../supabase/functions/_shared/clock.ts";
import { PortalPacer } from "../../../supabase/functions/_shared/scrape/pacing.ts";

/**
 * A virtual clock whose timers fire late by varying amounts, as on a loaded machine: the n-th sleep
 * that begins at t ends at t + ms + late(n) (timers run in real time order, so concurrent sleeps
 * overlap as real ones do).
 */
function lateClock(late: (n: number) => number): Clock {
  let now = 1_000;
  let sleeps = 0;
  return {
    now: () => now,
    sleep: (ms) => {
      const end = now + ms + late(sleeps++);
      return new Promise((resolve) =>
        setTimeout(() => {
          now = Math.max(now, end);
          resolve();
        }, ms)
      );
    },
  };
}

describe("PortalPacer", () => {
  it("a timer that fires late widens the gap; the next request never starts early to catch up", async () => {
    const clock = lateClock((n) => (n % 2 === 0 ? 12 : 0));
    const pacer = new PortalPacer({ provider: () => Promise.resolve(50), clock });
    const starts: number[] = [];
    await Promise.all(Array.from({ length: 6 }, async () => {
      await pacer.wait("p");
      starts.push(clock.now());
    }));
    const gaps = starts.slice(1).map((t, i) => t - starts[i]);
    // planned slots (start + 50 k) would give a gap of 50 - 12 = 38 ms after each late wake-up
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(50);
  });

  it("queues concurrent callers in arrival order and lets an aborted one go without blocking the rest", async () => {
    const clock = lateClock(() => 0);
    const pacer = new PortalPacer({ provider: () => Promise.resolve(10), clock });
    const order: number[] = [];
    const aborted = AbortSignal.abort();
    const results = await Promise.allSettled([0, 1, 2, 3].map(async (i) => {
      await pacer.wait("p", i === 1 ? aborted : undefined);
      order.push(i);
    }));
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled", "fulfilled"]);
    expect(order).toEqual([0, 2, 3]);
  });
});
