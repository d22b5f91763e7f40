// Acknowledged means durable: log batches sent to the report API with an
// Idempotency-Key, while PostgreSQL is crashed (`pg_ctl restart -m immediate`)
// and the functions server is killed with SIGKILL, again and again. A client
// retries each batch with its key until it gets a 2xx. Afterwards every batch
// is stored exactly once: none lost (a 2xx was given only after the commit
// reached the WAL: synchronous_commit = on), none duplicated (the key is stored
// in the batch's transaction, so a retry after a lost answer is a replay).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stackConfig } from "../../scripts/lib/config.ts";
import { clusterCrashRestart } from "../../scripts/lib/cluster.ts";
import { functionsServerCrash, functionsServerUp } from "../../scripts/lib/functions-server.ts";
import { functionUrl, serviceAuth, superuserSql } from "../support/stack.ts";

const config = stackConfig();
const run = Date.now().toString(36);
const LANES = 4;
const BATCHES_PER_LANE = 50;
const LINES = 20;
// No connection is held across a crash (a dead idle connection fails its next write): one before, one after.
let sql = superuserSql();
let jobId: number;

beforeAll(async () => {
  [{ id: jobId }] = await sql`select id from ops.enqueue(p_type => 'external', p_created_by => 'durability-test')`;
  await sql.end();
});

afterAll(async () => {
  await functionsServerUp(config);
  sql = superuserSql();
  await sql`delete from ops.logs where job_id = ${jobId}`;
  await sql`delete from ops.jobs where id = ${jobId}`;
  await sql.end();
});

/**
 * Sends one batch until it is acknowledged; returns how many attempts it took. The client gives up
 * only after a long while: a restarted functions server on a loaded machine takes tens of seconds.
 */
async function sendUntilAcknowledged(batch: number): Promise<number> {
  const lines = Array.from({ length: LINES }, (_, i) => ({ level: "INFO", message: `${run}-b${batch}-l${i}` }));
  const deadline = Date.now() + 180_000;
  let last = "no attempt";
  for (let attempt = 1; Date.now() < deadline; attempt++) {
    try {
      const response = await fetch(functionUrl("report", `/jobs/${jobId}/logs`), {
        method: "POST",
        headers: {
          ...serviceAuth,
          "content-type": "application/json",
          "idempotency-key": `${run}-${batch}`,
        },
        body: JSON.stringify({ lines }),
        signal: AbortSignal.timeout(15_000),
      });
      await response.body?.cancel();
      if (response.ok) return attempt;
      // a 4xx would mean the request itself is wrong: retrying cannot help
      if (response.status < 500) throw new Error(`batch ${batch}: ${response.status}`);
      last = `HTTP ${response.status}`;
    } catch (error) {
      if (error instanceof Error && error.message.startsWith(`batch ${batch}:`)) throw error;
      // connection refused or reset, timeout: the server is restarting
      last = String((error as Error).cause ?? error);
    }
    await new Promise((resolve) => setTimeout(resolve, 100)); // the retry's backoff
  }
  // what the last attempt saw tells a server that stays down from one that answers but never commits
  throw new Error(`batch ${batch} was never acknowledged (last attempt: ${last})`);
}

describe("acknowledged means durable", () => {
  it("batches acknowledged across PostgreSQL crashes and SIGKILLed functions servers: 0 lost, 0 duplicated", async () => {
    let acknowledged = 0;
    let retried = 0;
    const chaos: string[] = [];
    // what to break when this many batches are acknowledged
    const plan: [number, string][] = [[25, "postgres"], [70, "functions"], [110, "postgres"], [150, "functions"], [180, "postgres"]];

    const breaker = (async () => {
      for (const [at, what] of plan) {
        while (acknowledged < at) await new Promise((resolve) => setTimeout(resolve, 20));
        if (what === "postgres") {
          clusterCrashRestart(config);
        } else {
          await functionsServerCrash(config);
          await functionsServerUp(config);
        }
        chaos.push(`${what} at ${acknowledged}`);
      }
    })();
    const lanes = Array.from({ length: LANES }, async (_, lane) => {
      for (let i = 0; i < BATCHES_PER_LANE; i++) {
        const attempts = await sendUntilAcknowledged(lane * BATCHES_PER_LANE + i);
        acknowledged++;
        if (attempts > 1) retried++;
      }
    });
    await Promise.all([...lanes, breaker]);
    expect(chaos).toHaveLength(plan.length);

    const check = superuserSql();
    const rows = await check`
      select split_part(message, '-l', 1) as batch, count(*)::int as lines
        from ops.logs where job_id = ${jobId} and message like ${`${run}-b%`} group by 1`;
    await check.end();
    const stored = new Map(rows.map((r) => [r.batch as string, r.lines as number]));
    const lost = [];
    const duplicated = [];
    for (let batch = 0; batch < LANES * BATCHES_PER_LANE; batch++) {
      const lines = stored.get(`${run}-b${batch}`) ?? 0;
      if (lines < LINES) lost.push(batch);
      if (lines > LINES) duplicated.push(batch);
    }
    console.log(`durability: ${acknowledged} batches acknowledged (${retried} after retries), ${chaos.join(", ")}; ` +
      `lost ${lost.length}, duplicated ${duplicated.length}`);
    expect({ lost, duplicated }).toEqual({ lost: [], duplicated: [] });
    expect(acknowledged).toBe(LANES * BATCHES_PER_LANE);
    expect(retried).toBeGreaterThan(0); // the crashes did hit requests in flight

    // Afterwards the server answers promptly again: no connection that lived through a crash is left
    // stuck (postgres.js can leave one that never writes again, whose queries wait 30 s for its
    // connect timeout; the functions server then loads the functions afresh, as new isolates).
    let inRow = 0;
    for (let attempt = 0; inRow < 20; attempt++) {
      expect(attempt, "20 answers in a row").toBeLessThan(60);
      const response = await fetch(functionUrl("report", `/jobs/${jobId}/logs`), {
        method: "POST",
        headers: { ...serviceAuth, "content-type": "application/json" },
        body: JSON.stringify({ lines: [{ level: "INFO", message: `${run}-after-${attempt}` }] }),
        signal: AbortSignal.timeout(10_000),
      });
      await response.body?.cancel();
      inRow = response.ok ? inRow + 1 : 0;
    }
  }, 600_000);
});
