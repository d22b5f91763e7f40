// Gap-free live logs: with several writers on one job, a line's id is drawn at
// insert but visible at commit. Readers that page by id (SSE with Last-Event-ID,
// GET /jobs/:id/logs?after_id) must still get every line exactly once. Writers
// here hold their transaction open for a random moment after inserting, which
// is exactly when a later id could commit first.
import postgres from "postgres";
import { afterAll, describe, expect, it } from "vitest";
import { openSse } from "../support/sse.ts";
import { functionUrl, stack, superuserSql, userJwt } from "../support/stack.ts";

const sql = superuserSql();
const viewer = await userJwt("viewer");
const WRITERS = 8;
const BATCHES = 15;
const ROUNDS = 3;
const JOBS_PER_ROUND = 2;

const writers = Array.from({ length: WRITERS }, () => postgres(stack.dbUrl, { max: 1, onnotice: () => {} }));

afterAll(async () => {
  await Promise.all(writers.map((w) => w.end()));
  await sql.end();
});

async function write(writer: postgres.Sql, jobId: number, index: number): Promise<number> {
  let written = 0;
  for (let batch = 0; batch < BATCHES; batch++) {
    const size = 1 + Math.floor(Math.random() * 8);
    const lines = Array.from({ length: size }, (_, i) => ({ level: "INFO", message: `w${index}-b${batch}-l${i}` }));
    await writer.begin(async (tx) => {
      await tx`select ops.append_logs(${jobId}, ${tx.json(lines)})`;
      // commit a little later: another writer's larger ids may be ready first
      await tx`select pg_sleep(${Math.random() * 0.015})`;
    });
    written += size;
  }
  return written;
}

/** Follows the SSE stream to its done event; reconnects with Last-Event-ID after a forced disconnect. */
async function stream(jobId: number, disconnectAfter: number | null): Promise<number[]> {
  const ids: number[] = [];
  let lastId: string | undefined;
  for (let connection = 0; connection < 50; connection++) {
    const headers: Record<string, string> = { authorization: `Bearer ${viewer}` };
    if (lastId) headers["last-event-id"] = lastId;
    const sse = await openSse(functionUrl("jobs", `/${jobId}/stream`), headers);
    expect(sse.status).toBe(200);
    for (;;) {
      const event = await sse.next();
      if (!event) break; // the server ended the stream: reconnect
      if (event.event === "done") {
        sse.close();
        return ids;
      }
      if (event.event !== "log") continue;
      ids.push(Number(event.id));
      lastId = event.id;
      if (disconnectAfter !== null && ids.length % disconnectAfter === 0) {
        sse.close();
        break;
      }
    }
  }
  throw new Error("the stream never ended");
}

/** Pages GET /jobs/:id/logs by after_id until the job has finished and a page comes back short. */
async function poll(jobId: number): Promise<number[]> {
  const ids: number[] = [];
  let after: number | null = null;
  for (;;) {
    const [{ finished }] = await sql`select status in ('completed', 'failed', 'cancelled') as finished from ops.jobs where id = ${jobId}`;
    const query = after ? `?after_id=${after}&limit=37` : "?limit=37";
    const response = await fetch(functionUrl("jobs", `/${jobId}/logs${query}`), { headers: { authorization: `Bearer ${viewer}` } });
    expect(response.status).toBe(200);
    const page = (await response.json()) as { logs: { id: number }[] };
    for (const line of page.logs) ids.push(line.id);
    if (page.logs.length) after = page.logs.at(-1)!.id;
    // finished before this page was read and the page was not full: nothing more will come
    if (finished && page.logs.length < 37) return ids;
  }
}

describe("gap-free live logs under concurrent writers", () => {
  it(`${WRITERS} writers, 3 streams and a poller per job, ${ROUNDS} rounds: every line delivered exactly once`, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const jobs: number[] = [];
      for (let j = 0; j < JOBS_PER_ROUND; j++) {
        const [job] = await sql`select id from ops.enqueue(p_type => 'external', p_created_by => 'live-logs-test')`;
        jobs.push(job.id);
      }
      const readers = jobs.map((id) =>
        Promise.all([stream(id, null), stream(id, 23), stream(id, 61), poll(id)])
      );
      await Promise.all(jobs.map(async (id) => {
        await Promise.all(writers.map((writer, index) => write(writer, id, index)));
        await sql`update ops.jobs set status = 'completed', finished_at = now() where id = ${id}`;
      }));
      const received = await Promise.all(readers);
      for (const [j, id] of jobs.entries()) {
        const stored = (await sql`select id from ops.logs where job_id = ${id} order by id`).map((r) => Number(r.id));
        expect(stored.length).toBeGreaterThan(WRITERS * BATCHES);
        for (const [r, ids] of received[j].entries()) {
          const reader = ["stream", "stream resumed every 23", "stream resumed every 61", "poller"][r];
          expect(ids, `round ${round} job ${id} ${reader}`).toEqual(stored);
        }
      }
      await sql`delete from ops.logs where job_id in ${sql(jobs)}`;
      await sql`delete from ops.jobs where id in ${sql(jobs)}`;
    }
  }, 240_000);
});
