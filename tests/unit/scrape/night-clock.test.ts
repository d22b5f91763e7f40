import { describe, expect, it } from "vitest";
import { berlinNightStart, type Clock, nightClock } from "../../../supabase/functions/_shared/scrape/mod.ts";

describe("berlinNightStart", () => {
  it("is 02:00 Berlin: 01:00 UTC in winter, 00:00 UTC in summer", () => {
    expect(new Date(berlinNightStart("2026-11-26")).toISOString()).toBe("2026-11-26T01:00:00.000Z");
    expect(new Date(berlinNightStart("2026-07-01")).toISOString()).toBe("2026-07-01T00:00:00.000Z");
  });

  it("on the October night 02:00 happens twice: the first (CEST) one", () => {
    expect(new Date(berlinNightStart("2026-10-25")).toISOString()).toBe("2026-10-25T00:00:00.000Z");
  });

  it("on the March night 02:00 does not exist: 03:00 CEST", () => {
    expect(new Date(berlinNightStart("2026-03-29")).toISOString()).toBe("2026-03-29T01:00:00.000Z");
  });
});

describe("nightClock", () => {
  it("starts at the night's 02:00 and runs at the pace of its base clock", async () => {
    let now = Date.parse("2026-11-26T13:00:00Z");
    const base: Clock = { now: () => now, sleep: () => Promise.resolve() };
    const clock = nightClock("2026-11-20", base);
    expect(new Date(clock.now()).toISOString()).toBe("2026-11-20T01:00:00.000Z");
    now += 90_000;
    expect(new Date(clock.now()).toISOString()).toBe("2026-11-20T01:01:30.000Z");
    // a breaker opened that night (cooldown 600 s) has cooled down by the next night
    const next = nightClock("2026-11-21", base);
    expect(next.now() - clock.now()).toBeGreaterThan(600_000);
  });
});
