import { describe, expect, it } from "vitest";
import { CircuitBreaker } from "../../../supabase/functions/_shared/scrape/circuit-breaker.ts";
import { scrape, testClient, useFixtureServer, VirtualClock } from "./helpers.ts";

const fixtures = useFixtureServer([
  { key: "blocked", format: "greenhouse", postings: 3, fault: "always_403" },
  { key: "healthy", format: "greenhouse", postings: 3 },
]);

describe("circuit breaker", () => {
  it("trips after the threshold, rejects during cooldown, probes once, closes on success, resets by hand", async () => {
    const server = fixtures.server();
    const clock = VirtualClock.frozen();
    const breaker = new CircuitBreaker({ settings: { threshold: 3, cooldownMs: 60_000 }, clock });
    const http = testClient({ clock, breaker });
    const portal = "portal-a";
    const run = (key: string) => scrape(server, key, 0, { http, portal });
    const sent = () => server.requestsFor("blocked").length;

    for (let i = 1; i <= 2; i++) {
      const result = await run("blocked");
      expect(result.metrics.breakerTrips).toBe(0);
      expect(result.failures[0]).toMatchObject({ category: "block_403", severity: "high" });
    }
    const tripping = await run("blocked");
    expect(tripping.metrics.breakerTrips).toBe(1);
    expect(tripping.failures[0]).toMatchObject({ category: "block_403", severity: "critical" });
    expect(await breaker.state(portal)).toMatchObject({ status: "open", consecutiveFailures: 3 });
    expect(sent()).toBe(3);

    // Open: no request leaves.
    const rejected = await run("blocked");
    expect(rejected).toMatchObject({ stopReason: "circuit_open", complete: false, failures: [] });
    expect(rejected.metrics.requests).toBe(0);
    expect(sent()).toBe(3);

    // After the cooldown one probe goes out; it fails, so the breaker opens again at once.
    clock.advance(60_000);
    const probe = await run("blocked");
    expect(sent()).toBe(4);
    expect(probe.metrics).toMatchObject({ requests: 1, breakerTrips: 1 });
    expect(await breaker.state(portal)).toMatchObject({ status: "open", openedAt: clock.now() });
    expect((await run("blocked")).stopReason).toBe("circuit_open");
    expect(sent()).toBe(4);

    // A successful probe closes it.
    clock.advance(60_000);
    const recovered = await run("healthy");
    expect(recovered.complete).toBe(true);
    expect(await breaker.state(portal)).toMatchObject({ status: "closed", consecutiveFailures: 0 });

    // Manual reset of an open breaker lets requests through at once.
    for (let i = 0; i < 3; i++) await run("blocked");
    expect((await breaker.state(portal)).status).toBe("open");
    await breaker.reset(portal);
    const afterReset = await run("healthy");
    expect(afterReset.complete).toBe(true);
    expect(afterReset.metrics.requests).toBe(1);
  });
});
