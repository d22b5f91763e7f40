import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { authHeaders, functionUrl, stack, superuserSql, userJwt } from "../support/stack.ts";

const sql = superuserSql();
const prefix = `pl-${Date.now().toString(36)}`;
const keys = [`${prefix}-a`, `${prefix}-b`];

function call(path: string, token: string | null, init: RequestInit = {}) {
  const headers: Record<string, string> = { "content-type": "application/json" };
  Object.assign(headers, authHeaders(token));
  return fetch(functionUrl("pipeline", path), { ...init, headers });
}

/** Ends every open pipeline so that tests start from a clean slate (scrape workers may not exist here). */
async function endOpenPipelines() {
  await sql`update ops.jobs set status = 'cancelled', finished_at = now(), singleton_key = null
             where status in ('pending', 'running') and (type = 'pipeline' or root_id in
               (select id from ops.jobs where type = 'pipeline'))`;
}

async function waitForStatus(id: number, statuses: string[], timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [{ status }] = await sql`select status from ops.jobs where id = ${id}`;
    if (statuses.includes(status) || Date.now() > deadline) return status;
    await new Promise((r) => setTimeout(r, 200));
  }
}

const silentSite = createServer(() => {});
let siteUrl: string;

beforeAll(async () => {
  await new Promise<void>((resolve) => silentSite.listen(0, "127.0.0.1", resolve));
  siteUrl = `http://127.0.0.1:${(silentSite.address() as AddressInfo).port}`;
  await endOpenPipelines();
  await sql`update ops.sources set active = false where active`;
  for (const key of keys) {
    // a site that never answers: every scrape runs for its 1.5 s timeout, then fails
    await sql`insert into ops.sources (key, display_name, adapter, adapter_config, max_retries, request_timeout_seconds)
              values (${key}, ${key}, 'greenhouse', ${sql.json({ boardToken: "x", baseUrl: siteUrl })}, 0, 1.5)`;
  }
});

afterAll(async () => {
  silentSite.closeAllConnections();
  silentSite.close();
  await endOpenPipelines();
  await sql`delete from ops.jobs where source_id in (select id from ops.sources where key like ${prefix + "%"})`;
  await sql`delete from ops.sources where key like ${prefix + "%"}`;
  await sql.end();
});

describe("pipeline API", () => {
  beforeEach(endOpenPipelines);

  it("POST /run starts a run with one scrape job per active source; a second start is a 409 with the running one", async () => {
    const response = await call("/run", await userJwt("operator"), { method: "POST", body: JSON.stringify({ run_date: "2026-11-01" }) });
    expect(response.status).toBe(201);
    const run = await response.json();
    expect(run).toMatchObject({ run_date: "2026-11-01", scrape_jobs: 2 });
    const again = await call("/run", stack.secretKey, { method: "POST", body: "{}" });
    expect(again.status).toBe(409);
    expect((await again.json()).error.details).toMatchObject({ job_id: run.pipeline_id, type: "pipeline", status: "running" });

    const scrapes = await sql`select s.key from ops.jobs j join ops.sources s on s.id = j.source_id
                               where j.root_id = ${run.pipeline_id} and j.type = 'scrape' order by s.key`;
    expect(scrapes.map((r) => r.key)).toEqual(keys);

    const history = await (await call("/history", await userJwt("viewer"))).json();
    expect(history.runs[0]).toMatchObject({ id: run.pipeline_id, status: "running", progress_total: 2, progress_done: 0 });
    await endOpenPipelines();
  });

  it("exactly one of 20 concurrent starts wins", async () => {
    const [{ since }] = await sql`select now() as since`;
    const responses = await Promise.all(Array.from({ length: 20 }, () =>
      call("/run", stack.secretKey, { method: "POST", body: JSON.stringify({ run_date: "2026-11-02" }) })
    ));
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    const [{ n }] = await sql`select count(*)::int as n from ops.jobs
                               where type = 'pipeline' and run_date = '2026-11-02' and created_at >= ${since}`;
    expect(n).toBe(1);
    await endOpenPipelines();
  });

  it("GET /pending lists jobs waiting to run", async () => {
    const [later] = await sql`select id from ops.enqueue(p_type => 'external', p_run_after => now() + interval '1 hour',
                                                        p_created_by => 'pipeline-api test')`;
    const body = await (await call("/pending", await userJwt("viewer"))).json();
    expect(body.pending.find((j: { id: number }) => j.id === later.id)).toMatchObject({ type: "external", attempt: 0 });
    await sql`update ops.jobs set status = 'cancelled', finished_at = now() where id = ${later.id}`;
  });

  it("the jobs API starts a pipeline as a run with its scrape jobs", async () => {
    const response = await fetch(functionUrl("jobs"), {
      method: "POST",
      headers: { authorization: `Bearer ${await userJwt("operator")}`, "content-type": "application/json" },
      body: JSON.stringify({ type: "pipeline", params: { run_date: "2026-11-03" } }),
    });
    expect(response.status).toBe(201);
    const root = await response.json();
    expect(root).toMatchObject({ type: "pipeline", run_date: "2026-11-03", progress: { total: 2 } });
    await waitForStatus(root.id, ["failed"], 20_000);
  });

  it("a backfill runs one pipeline per date, one after another, and completes", async () => {
    const response = await fetch(functionUrl("jobs"), {
      method: "POST",
      headers: { authorization: `Bearer ${await userJwt("operator")}`, "content-type": "application/json" },
      body: JSON.stringify({ type: "backfill", params: { from: "2026-10-01", to: "2026-10-02" } }),
    });
    expect(response.status).toBe(201);
    const backfill = await response.json();
    const status = await waitForStatus(backfill.id, ["completed", "failed"], 40_000);
    expect(status).toBe("completed");
    const [job] = await sql`select result, progress_done, progress_total from ops.jobs where id = ${backfill.id}`;
    expect(job).toMatchObject({ progress_done: 2, progress_total: 2, result: { dates: 2, runs: { "2026-10-01": "failed", "2026-10-02": "failed" } } });
    const roots = await sql`select run_date from ops.jobs where type = 'pipeline' and created_by = ${`backfill:${backfill.id}`} order by run_date`;
    expect(roots.map((r) => r.run_date)).toEqual(["2026-10-01", "2026-10-02"]);
  });

  it("GET /stats summarizes the last 7 days", async () => {
    const body = await (await call("/stats", await userJwt("viewer"))).json();
    expect(body.window_days).toBe(7);
    expect(body.runs).toBeGreaterThanOrEqual(2);
    expect(body.jobs_by_type.scrape).toBeGreaterThanOrEqual(2);
  });

  it("400 for bad input and nothing is started; 401/403 by role", async () => {
    const [{ before }] = await sql`select count(*)::int as before from ops.jobs where type = 'pipeline'`;
    const bad = await call("/run", await userJwt("operator"), { method: "POST", body: JSON.stringify({ run_date: "yesterday" }) });
    expect(bad.status).toBe(400);
    expect(Object.keys((await bad.json()).error.fields)).toEqual(["run_date"]);
    expect((await call("/run", await userJwt("viewer"), { method: "POST", body: "{}" })).status).toBe(403);
    expect((await call("/history", null)).status).toBe(401);
    expect((await call("/", await userJwt("operator"), { method: "POST", body: JSON.stringify({ action: "work" }) })).status)
      .toBe(403);
    const [{ after }] = await sql`select count(*)::int as after from ops.jobs where type = 'pipeline'`;
    expect(after).toBe(before);
  });
});
