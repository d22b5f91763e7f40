import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authHeaders, functionUrl, stack, superuserSql, userJwt } from "../support/stack.ts";
import { openSse, type ReceivedEvent } from "../support/sse.ts";

const sql = superuserSql();
const operator = await userJwt("operator");
const viewer = await userJwt("viewer");
const portal = `jobs-${Date.now().toString(36)}`;
let sourceId: number;

function call(path: string, token: string | null, init: RequestInit = {}) {
  const headers: Record<string, string> = { "content-type": "application/json" };
  Object.assign(headers, authHeaders(token));
  return fetch(functionUrl("jobs", path), { ...init, headers });
}

/** A job no worker picks up ('external'), for tests that play the worker themselves. */
async function externalJob(): Promise<number> {
  const [job] = await sql`select id from ops.enqueue(p_type => 'external', p_created_by => 'test')`;
  return job.id;
}

async function appendLogs(jobId: number, messages: string[], level = "INFO") {
  await sql`select * from ops.append_logs(${jobId}, ${sql.json(messages.map((message) => ({ level, message })))})`;
}

async function cancelLeftovers() {
  await sql`update ops.jobs set status = 'cancelled', finished_at = now(), singleton_key = null
             where type in ('mirror', 'pipeline', 'backfill') and status in ('pending', 'running')`;
}

beforeAll(async () => {
  await cancelLeftovers();
  [{ id: sourceId }] = await sql`
    insert into ops.sources (key, display_name, adapter) values (${portal}, 'Jobs test', 'greenhouse') returning id`;
});

afterAll(async () => {
  await cancelLeftovers();
  await sql`delete from ops.jobs where source_id = ${sourceId}`;
  await sql`delete from ops.sources where id = ${sourceId}`;
  await sql.end();
});

describe("jobs: start", () => {
  it("201 with the job for a typed scrape start, created by the operator", async () => {
    const response = await call("/", operator, {
      method: "POST",
      body: JSON.stringify({ type: "scrape", params: { source: portal, dry_run: true } }),
    });
    expect(response.status).toBe(201);
    const job = await response.json();
    expect(job).toMatchObject({
      type: "scrape",
      source: portal,
      params: { source: portal, dry_run: true },
      created_by: "operator@example.com",
      log_count: 0,
      progress: { done: 0, total: null },
    });
    await sql`update ops.jobs set status = 'cancelled', finished_at = now() where id = ${job.id} and status = 'pending'`;
  });

  it("exactly one 201 out of 50 concurrent starts of an exclusive type; the others get 409 with the holder", async () => {
    // backfill: exclusive and no worker runs it, so the winner holds the slot for the whole burst
    // (a mirror dry run now finishes in milliseconds and would free the slot mid-burst).
    const body = JSON.stringify({ type: "backfill", params: { from: "2026-11-01", to: "2026-11-02" } });
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => call("/", operator, { method: "POST", body })),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(49);
    const winner = await responses[statuses.indexOf(201)].json();
    const loser = await responses[statuses.indexOf(409)].json();
    expect(loser.error.details).toMatchObject({ job_id: winner.id, type: "backfill" });
    expect(loser.error.details).toHaveProperty("started_at");
    const [{ n }] = await sql`select count(*)::int as n from ops.jobs where type = 'backfill' and status in ('pending', 'running')`;
    expect(n).toBe(1);
    await cancelLeftovers();
  });

  it("400 with the failing fields for an unknown type or wrong parameters, and writes nothing", async () => {
    // jobs this operator created (background workers may create others meanwhile)
    const countMine = async () =>
      (await sql`select count(*)::int as n from ops.jobs where created_by = 'operator@example.com'`)[0].n;
    const before = await countMine();
    const cases: [unknown, string][] = [
      [{ type: "reboot", params: {} }, "type"],
      [{ type: "mirror", params: { days: 0 } }, "params.days"],
      [{ type: "backfill", params: { from: "2026-02-01", to: "2026-01-01" } }, "params.to"],
      [{ type: "scrape", params: { dry_run: "yes" } }, "params.source"],
    ];
    for (const [body, field] of cases) {
      const response = await call("/", operator, { method: "POST", body: JSON.stringify(body) });
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(Object.keys((await response.json()).error.fields), JSON.stringify(body)).toContain(field);
    }
    expect(await countMine()).toBe(before);
  });

  it("404 for an unknown source; 403 for a viewer; 401 without a token", async () => {
    const unknown = await call("/", operator, {
      method: "POST",
      body: JSON.stringify({ type: "scrape", params: { source: "nope-nope" } }),
    });
    expect(unknown.status).toBe(404);
    const asViewer = await call("/", viewer, { method: "POST", body: JSON.stringify({ type: "pipeline", params: {} }) });
    expect(asViewer.status).toBe(403);
    expect((await call("/", null)).status).toBe(401);
    expect((await call("/", stack.publishableKey)).status).toBe(401);
  });
});

describe("jobs: inspect, logs, cancel", () => {
  it("shows params, status, duration, exit code, log count and progress", async () => {
    const id = await externalJob();
    await appendLogs(id, ["one", "two", "three"]);
    await sql`update ops.jobs set status = 'running', started_at = now() - interval '90 seconds',
              progress_done = 2, progress_total = 5 where id = ${id}`;
    const job = await (await call(`/${id}`, viewer)).json();
    expect(job).toMatchObject({ id, type: "external", status: "running", log_count: 3, progress: { done: 2, total: 5 }, exit_code: null });
    expect(job.duration_seconds).toBeGreaterThanOrEqual(90);
    expect((await call("/99999999", viewer)).status).toBe(404);
    expect((await call("/abc", viewer)).status).toBe(400);
  });

  it("pages logs with a level filter and downloads them as text", async () => {
    const id = await externalJob();
    await appendLogs(id, ["a", "b"], "INFO");
    await appendLogs(id, ["c"], "ERROR");
    await appendLogs(id, ["d"], "DEBUG");
    const page1 = await (await call(`/${id}/logs?limit=2`, viewer)).json();
    expect(page1.logs.map((l: { message: string }) => l.message)).toEqual(["a", "b"]);
    const page2 = await (await call(`/${id}/logs?limit=2&after_id=${page1.next_after_id}`, viewer)).json();
    expect(page2.logs.map((l: { message: string }) => l.message)).toEqual(["c", "d"]);
    const errors = await (await call(`/${id}/logs?level=WARNING`, viewer)).json();
    expect(errors.logs.map((l: { message: string }) => l.message)).toEqual(["c"]);
    const text = await call(`/${id}/logs?format=text`, viewer);
    expect(text.headers.get("content-disposition")).toContain(`job-${id}.log`);
    const lines = (await text.text()).trim().split("\n");
    expect(lines).toHaveLength(4);
    expect(lines[2]).toMatch(/ ERROR +c$/);
    expect((await call(`/${id}/logs?limit=0`, viewer)).status).toBe(400);
  });

  it("cancels a pending job at once, and a finished one is a 409", async () => {
    const id = await externalJob();
    const response = await call(`/${id}`, operator, { method: "DELETE" });
    expect(response.status).toBe(200);
    expect((await response.json()).status).toBe("cancelled");
    const again = await call(`/${id}`, operator, { method: "DELETE" });
    expect(again.status).toBe(409);
    expect((await call(`/${id}`, viewer, { method: "DELETE" })).status).toBe(403);
    expect((await call("/99999999", operator, { method: "DELETE" })).status).toBe(404);
  });

  it("a running job reaches cancelled within 2 s: its worker sees the request at its next heartbeat", async () => {
    const id = await externalJob();
    await sql`update ops.jobs set status = 'cancelled', finished_at = now()
               where type = 'external' and status = 'pending' and id <> ${id}`;
    const [claimed] = await sql`select * from ops.claim('test-worker', array['external'], 1) where id = ${id}`;
    expect(claimed?.id).toBe(id);
    let stop = false;
    const worker = (async () => {
      while (!stop) {
        const [beat] = await sql`select * from ops.heartbeat(${id}, 'test-worker')`;
        if (beat.cancel_requested) {
          await sql`select ops.finish(${id}, 'cancelled', null, 'cancelled by operator', 'cancelled', null, 'test-worker')`;
          return;
        }
        await new Promise((r) => setTimeout(r, 250));
      }
    })();
    const started = performance.now();
    const response = await call(`/${id}`, operator, { method: "DELETE", body: JSON.stringify({ reason: "test" }) });
    expect(response.status).toBe(202);
    let status = "running";
    while (status !== "cancelled" && performance.now() - started < 2000) {
      await new Promise((r) => setTimeout(r, 50));
      [{ status }] = await sql`select status from ops.jobs where id = ${id}`;
    }
    stop = true;
    await worker;
    expect(status).toBe("cancelled");
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe("jobs: live log stream (SSE)", () => {
  async function collect(connection: Awaited<ReturnType<typeof openSse>>, count: number) {
    const events: ReceivedEvent[] = [];
    while (events.length < count) {
      const event = await connection.next();
      if (!event) break;
      events.push(event);
    }
    return events;
  }

  it("streams backlog and live lines, resumes after a forced disconnect with no gap or duplicate, ends with done", async () => {
    const id = await externalJob();
    await appendLogs(id, ["l1", "l2", "l3"]);
    const first = await openSse(functionUrl("jobs", `/${id}/stream`), { authorization: `Bearer ${viewer}` });
    expect(first.status).toBe(200);
    expect(first.headers.get("content-type")).toContain("text/event-stream");
    const initial = await collect(first, 4); // 3 logs + progress
    expect(first.retry).toBeGreaterThan(0);
    expect(initial.filter((e) => e.event === "log").map((e) => JSON.parse(e.data).message)).toEqual(["l1", "l2", "l3"]);
    await appendLogs(id, ["l4"]);
    const [live] = await collect(first, 1);
    expect(JSON.parse(live.data).message).toBe("l4");
    first.close(); // forced disconnect

    await appendLogs(id, ["l5", "l6"]); // written while nobody listens
    const second = await openSse(functionUrl("jobs", `/${id}/stream`), {
      authorization: `Bearer ${viewer}`,
      "last-event-id": live.id!,
    });
    const resumed = await collect(second, 3); // l5, l6, progress
    expect(resumed.filter((e) => e.event === "log").map((e) => JSON.parse(e.data).message)).toEqual(["l5", "l6"]);
    await sql`select ops.finish(${id}, 'completed')`;
    const tail = await collect(second, 5);
    const done = tail.find((e) => e.event === "done");
    expect(done && JSON.parse(done.data).status).toBe("completed");
    expect(await second.next()).toBeNull(); // the server closed the stream
  });

  it("serves EventSource clients through a short-lived stream token in the query", async () => {
    const id = await externalJob();
    await appendLogs(id, ["hello"]);
    const minted = await (await call(`/${id}/stream-token`, viewer, { method: "POST" })).json();
    const connection = await openSse(`${stack.supabaseUrl}/functions/v1${minted.stream_path}`);
    const [event] = await collect(connection, 1);
    expect(JSON.parse(event.data).message).toBe("hello");
    connection.close();
    const other = await externalJob();
    const wrongJob = await fetch(functionUrl("jobs", `/${other}/stream?token=${minted.token}`));
    expect(wrongJob.status).toBe(401);
    expect((await wrongJob.json()).error.details.reason).toBe("wrong_job");
  });

  it("refuses a stream token on every other route and as a bearer anywhere, with 401", async () => {
    const id = await externalJob();
    const { token } = await (await call(`/${id}/stream-token`, viewer, { method: "POST" })).json();
    const elsewhere = [
      fetch(functionUrl("jobs", `/${id}?token=${token}`)),
      fetch(functionUrl("jobs", `/${id}/logs?token=${token}`)),
      fetch(functionUrl("jobs", `?token=${token}`)),
      fetch(functionUrl("jobs", `/${id}/stream-token?token=${token}`), { method: "POST" }),
      fetch(functionUrl("jobs", `/${id}/stream?token=${token}`), { method: "DELETE" }),
      call(`/${id}`, token),
      call(`/${id}/stream`, token),
      fetch(functionUrl("control", "/status"), { headers: { authorization: `Bearer ${token}` } }),
      fetch(functionUrl("pipeline", "/pending"), { headers: { authorization: `Bearer ${token}` } }),
      fetch(functionUrl("report", "/jobs"), { method: "POST", headers: { authorization: `Bearer ${token}` } }),
    ];
    const answers = await Promise.all(elsewhere);
    expect(answers.map((r) => r.status)).toEqual(answers.map(() => 401));
    for (const answer of answers) expect((await answer.json()).error.code).toBe("unauthorized");
  });
});
