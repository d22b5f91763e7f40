// The report function through the local functions server: routes, auth,
// validation (400, nothing written), 404, 409, 413, idempotency keys.
import { createClient } from "@supabase/supabase-js";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stackConfig } from "../../scripts/lib/config.ts";
import { mintUserToken } from "../../scripts/lib/tokens.ts";
import { authHeaders } from "../support/stack.ts";

const config = stackConfig();
const base = `${config.supabaseUrl}/functions/v1/report`;
const sql = postgres(config.dbUrl, { max: 2, onnotice: () => {} });
const userToken = (opsRole?: "viewer" | "operator") =>
  mintUserToken({ role: opsRole ?? null, sub: "00000000-0000-4000-8000-0000000000aa" }, config);
const operator = await userToken("operator");
const run = `vt${Date.now().toString(36)}`;
/** Today in Europe/Berlin, as the database computes run dates. */
const today = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Berlin" }).format(new Date());

async function post(
  path: string,
  body: unknown,
  options: { token?: string | null; headers?: Record<string, string>; raw?: string } = {},
) {
  const token = options.token === undefined ? config.secretKey : options.token;
  const response = await fetch(`${base}${path}`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...authHeaders(token),
      ...options.headers,
    },
    body: options.raw ?? JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null };
}

async function count(query: string, ...params: (string | number)[]): Promise<number> {
  const [row] = await sql.unsafe(query, params);
  return Number(row.n);
}

let sourceKey: string;
beforeAll(async () => {
  sourceKey = `${run}-acme`;
  await sql`insert into ops.sources (key, display_name, adapter) values (${sourceKey}, 'Acme (vitest)', 'greenhouse')`;
});
afterAll(async () => {
  await sql`delete from ops.logs where job_id in (select id from ops.jobs where locked_by like ${run + "%"})`;
  await sql`delete from ops.jobs where locked_by like ${run + "%"}`;
  await sql`delete from ops.errors where source_id in (select id from ops.sources where key = ${sourceKey})`;
  await sql`delete from ops.sources where key = ${sourceKey}`;
  await sql`delete from ops.api_idempotency_keys where key like ${run + "%"}`;
  await sql.end();
});

async function startExternal(): Promise<number> {
  const started = await post("/jobs", { worker: `${run}-w` });
  expect(started.status).toBe(201);
  return started.body.job.id;
}

describe("access", () => {
  it("needs a token (gateway 401), rejects anon (401), users without role and viewers (403)", async () => {
    expect((await post("/jobs", {}, { token: null })).status).toBe(401);
    const anon = await post("/jobs", {}, { token: config.publishableKey });
    expect(anon.status).toBe(401);
    expect(anon.body.error.code).toBe("unauthorized");
    expect((await post("/jobs", {}, { token: await userToken() })).status).toBe(403);
    expect((await post("/jobs", {}, { token: await userToken("viewer") })).body.error.code).toBe("forbidden");
  });

  it("works through supabase-js functions.invoke with an operator token", async () => {
    const client = createClient(config.supabaseUrl, config.publishableKey, {
      global: { headers: { Authorization: `Bearer ${operator}` } },
      auth: { persistSession: false },
      // Node 20 has no WebSocket; realtime is not used here, so any constructor will do
      realtime: { transport: class {} as never },
    });
    const { data, error } = await client.functions.invoke("report/jobs", {
      body: { source_key: sourceKey, worker: `${run}-op`, run_date: today },
    });
    expect(error).toBeNull();
    expect(data.job).toMatchObject({
      type: "scrape",
      status: "running",
      worker: `${run}-op`,
      source_key: sourceKey,
      run_date: today,
    });
    expect(data.job.created_by).toBe("operator@example.com");
    expect(await count("select count(*) as n from ops.scrape_runs where job_id = $1", data.job.id)).toBe(1);
  });
});

describe("POST /report/jobs", () => {
  it("starts an external job without a source", async () => {
    const started = await post("/jobs", { worker: `${run}-ext`, params: { host: "vm-3" } });
    expect(started.status).toBe(201);
    expect(started.body.job).toMatchObject({
      type: "external",
      status: "running",
      attempt: 1,
      params: { host: "vm-3" },
    });
  });

  it("answers 400 with the failing fields and writes nothing", async () => {
    const before = await count("select count(*) as n from ops.jobs where created_by = 'service_role'");
    const bad = await post("/jobs", { worker: 7, run_date: "22.11.2026", type: "scrape", extra: true });
    expect(bad.status).toBe(400);
    const paths = Object.keys(bad.body.error.fields).sort();
    expect(paths).toEqual(expect.arrayContaining(["worker", "run_date"]));
    expect(await count("select count(*) as n from ops.jobs where created_by = 'service_role'")).toBe(before);
  });

  it("answers 400 for a body that is not JSON", async () => {
    const bad = await post("/jobs", null, { raw: "{not json" });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("invalid_json");
  });

  it("answers 404 for an unknown source and writes nothing", async () => {
    const before = await count("select count(*) as n from ops.jobs where created_by = 'service_role'");
    const missing = await post("/jobs", { source_key: `${run}-nope`, worker: `${run}-w` });
    expect(missing.status).toBe(404);
    expect(await count("select count(*) as n from ops.jobs where created_by = 'service_role'")).toBe(before);
  });

  it("answers 404 for unknown routes, 405 for other methods, 400 for a bad job id", async () => {
    expect((await post("/jobs/1/dance", {})).status).toBe(404);
    expect((await post("/nope", {})).status).toBe(404);
    expect(Object.keys((await post("/jobs/abc/logs", { lines: [] })).body.error.fields)).toEqual(["job_id"]);
    const get = await fetch(`${base}/jobs`, {
      headers: { apikey: config.secretKey },
    });
    expect(get.status).toBe(405);
    await get.body?.cancel();
  });
});

describe("POST /report/jobs/:id/logs", () => {
  it("stores a batch of 500 lines in order", async () => {
    const id = await startExternal();
    const lines = Array.from(
      { length: 500 },
      (_, i) => ({ level: i % 2 ? "info" : "DEBUG", message: `line ${i}`, context: { i } }),
    );
    const stored = await post(`/jobs/${id}/logs`, { lines });
    expect(stored.status).toBe(200);
    expect(stored.body.inserted).toBe(500);
    expect(stored.body.last_id - stored.body.first_id).toBe(499);
    const rows = await sql<
      { message: string; level: string }[]
    >`select message, level from ops.logs where job_id = ${id} order by id`;
    expect(rows.map((r) => r.message)).toEqual(lines.map((l) => l.message));
    expect(rows[1].level).toBe("INFO");
  });

  it("rejects a batch with one bad line (400 naming it) and stores nothing", async () => {
    const id = await startExternal();
    const bad = await post(`/jobs/${id}/logs`, {
      lines: [{ level: "INFO", message: "ok" }, { level: "LOUD", message: "x" }, {
        level: "INFO",
        message: "",
      }],
    });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.fields)).toEqual([
      "lines.1.level",
      "lines.2.message",
    ]);
    expect(await count("select count(*) as n from ops.logs where job_id = $1", id)).toBe(0);
  });

  it("answers 413 over 5,000 lines or 1 MB and stores nothing", async () => {
    const id = await startExternal();
    const many = await post(`/jobs/${id}/logs`, {
      lines: Array.from({ length: 5001 }, () => ({ level: "INFO", message: "x" })),
    });
    expect(many.status).toBe(413);
    const big = "y".repeat(60_000);
    const heavy = await post(`/jobs/${id}/logs`, {
      lines: Array.from({ length: 20 }, () => ({ level: "INFO", message: big })),
    });
    expect(heavy.status).toBe(413);
    expect(heavy.body.error.code).toBe("payload_too_large");
    expect(await count("select count(*) as n from ops.logs where job_id = $1", id)).toBe(0);
  });

  it("answers 404 for an unknown job", async () => {
    const missing = await post("/jobs/987654321/logs", { lines: [{ level: "INFO", message: "x" }] });
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({ code: "not_found", details: { job_id: 987654321 } });
  });

  it("stores a retried batch with the same Idempotency-Key once and answers like the first time", async () => {
    const id = await startExternal();
    const key = `${run}-logs-${id}`;
    const body = { lines: [{ level: "INFO", message: "a" }, { level: "INFO", message: "b" }] };
    const first = await post(`/jobs/${id}/logs`, body, { headers: { "idempotency-key": key } });
    const second = await post(`/jobs/${id}/logs`, body, { headers: { "idempotency-key": key } });
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get("idempotency-replayed")).toBe("true");
    expect(await count("select count(*) as n from ops.logs where job_id = $1", id)).toBe(2);
    const reused = await post(`/jobs/${id}/logs`, { lines: [{ level: "INFO", message: "c" }] }, {
      headers: { "idempotency-key": key },
    });
    expect(reused.status).toBe(422);
    expect(reused.body.error.code).toBe("idempotency_key_reused");
  });

  it("stores a batch once when retries with the same key race each other", async () => {
    const id = await startExternal();
    const key = `${run}-race-${id}`;
    const body = { lines: Array.from({ length: 50 }, (_, i) => ({ level: "INFO", message: `r${i}` })) };
    const answers = await Promise.all(
      Array.from(
        { length: 6 },
        () => post(`/jobs/${id}/logs`, body, { headers: { "idempotency-key": key } }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200]);
    for (const answer of answers) expect(answer.body).toEqual(answers[0].body);
    expect(await count("select count(*) as n from ops.logs where job_id = $1", id)).toBe(50);
  });
});

describe("POST /report/jobs/:id/errors, heartbeat, finish", () => {
  it("classifies and deduplicates errors", async () => {
    const started = await post("/jobs", { source_key: sourceKey, worker: `${run}-err` });
    const id = started.body.job.id;
    const recorded = await post(`/jobs/${id}/errors`, {
      errors: [
        { message: "HTTP 429 on https://acme.example/jobs?page=2", http_status: 429 },
        { message: "HTTP 429 on https://acme.example/jobs?page=3", http_status: 429 },
        { message: "Unexpected token < in JSON at position 0" },
      ],
    });
    expect(recorded.status).toBe(200);
    const byCategory = Object.fromEntries(
      recorded.body.errors.map((e: { category: string; count: number }) => [e.category, e.count]),
    );
    expect(byCategory).toEqual({ block_429: 2, parsing: 1 });
    const bad = await post(`/jobs/${id}/errors`, { errors: [{ message: "x", http_status: 999 }] });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.fields)).toEqual(["errors.0.http_status"]);
  });

  it("heartbeats with progress and metrics and tells about a cancel request", async () => {
    const started = await post("/jobs", { source_key: sourceKey, worker: `${run}-hb` });
    const id = started.body.job.id;
    const beat = await post(`/jobs/${id}/heartbeat`, {
      progress: { done: 3, total: 10 },
      cursor: { page: 4 },
      totals: { requests: 7, blocked_403: 1 },
    });
    expect(beat.body).toEqual({ cancel_requested: false, status: "running", owned: true });
    const [run_] = await sql`select requests, blocked_403 from ops.scrape_runs where job_id = ${id}`;
    expect(run_).toEqual({ requests: 7, blocked_403: 1 });
    expect((await post(`/jobs/${id}/heartbeat`, { totals: { requests: -1 } })).status).toBe(400);
    expect((await post(`/jobs/${id}/heartbeat`, { totals: { bogus: 1 } })).status).toBe(400);
    await sql`select ops.request_cancel(${id}, 'stop please')`;
    expect((await post(`/jobs/${id}/heartbeat`, {})).body.cancel_requested).toBe(true);
  });

  it("finishes once: replay answers the same, a different finish is 409", async () => {
    const started = await post("/jobs", { source_key: sourceKey, worker: `${run}-fin` });
    const id = started.body.job.id;
    const finish = {
      status: "partial",
      result: { pages: 4 },
      error: "page 5 timed out",
      totals: { requests: 10, timeouts: 1 },
    };
    const first = await post(`/jobs/${id}/finish`, finish);
    expect(first.status).toBe(200);
    expect(first.body.job).toMatchObject({ status: "partial", error_category: "network_timeout" });
    expect(first.body.counters).toMatchObject({ requests: 10, timeouts: 1 });
    const [stored] = await sql`select status, timeout_rate::float8 from ops.scrape_runs where job_id = ${id}`;
    expect(stored).toEqual({ status: "partial", timeout_rate: 0.1 });
    const replay = await post(`/jobs/${id}/finish`, finish);
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual(first.body);
    const conflict = await post(`/jobs/${id}/finish`, { status: "completed" });
    expect(conflict.status).toBe(409);
    expect(conflict.body.error).toMatchObject({ code: "job_finished", details: { status: "partial", job_id: id } });
    expect((await post("/jobs/987654321/finish", { status: "completed" })).status).toBe(404);
    const bad = await post(`/jobs/${id}/finish`, { status: "done" });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.fields)).toEqual(["status"]);
  });
});

describe("report API semantics", () => {
  async function get(path: string) {
    const response = await fetch(`${base}${path}`, { headers: { apikey: config.secretKey } });
    return { status: response.status, body: await response.json() };
  }
  const berlinDay = (offsetDays: number) =>
    new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Berlin" }).format(new Date(Date.now() + offsetDays * 86_400_000));

  it("counters are running totals: the same totals twice count once, a lower total is a 400 naming it", async () => {
    const id = (await post("/jobs", { source_key: sourceKey, worker: `${run}-tot` })).body.job.id;
    for (let i = 0; i < 2; i++) {
      expect((await post(`/jobs/${id}/heartbeat`, { totals: { requests: 5, items_found: 2 } })).status).toBe(200);
    }
    expect((await post(`/jobs/${id}/heartbeat`, { totals: { requests: 8 } })).status).toBe(200);
    const down = await post(`/jobs/${id}/heartbeat`, { totals: { requests: 3, items_found: 1 } });
    expect(down.status).toBe(400);
    expect(down.body.error.code).toBe("counters_decreased");
    expect(Object.keys(down.body.error.fields).sort()).toEqual(["totals.items_found", "totals.requests"]);
    const finished = await post(`/jobs/${id}/finish`, { status: "completed", totals: { requests: 9, items_found: 2 } });
    expect(finished.body.counters).toMatchObject({ requests: 9, items_found: 2 });
    // the old field name is refused with the reason, not silently added
    const legacy = await post(`/jobs/${id}/heartbeat`, { metrics: { requests: 1 } });
    expect(legacy.status).toBe(400);
    expect(legacy.body.error.fields.metrics[0]).toMatch(/running totals/);
  });

  it("a repeated finish with other totals is a 409; with the same totals it answers like the first", async () => {
    const id = (await post("/jobs", { source_key: sourceKey, worker: `${run}-rf` })).body.job.id;
    const body = { status: "completed", totals: { requests: 4, items_found: 4 } };
    const first = await post(`/jobs/${id}/finish`, body);
    expect((await post(`/jobs/${id}/finish`, body)).body).toEqual(first.body);
    const other = await post(`/jobs/${id}/finish`, { ...body, totals: { requests: 5 } });
    expect(other.status).toBe(409);
    expect(other.body.error).toMatchObject({ code: "job_finished", details: { status: "completed" } });
  });

  it("the worker is named once at start: heartbeat and finish never conflict with it", async () => {
    const id = (await post("/jobs", { source_key: sourceKey, worker: `${run}-named` })).body.job.id;
    expect((await post(`/jobs/${id}/heartbeat`, {})).body.owned).toBe(true);
    const named = await post(`/jobs/${id}/finish`, { status: "completed", worker: "someone-else" });
    expect(named.status).toBe(400);
    expect(named.body.error.fields.worker[0]).toMatch(/set once at start/);
    const done = await post(`/jobs/${id}/finish`, { status: "completed" });
    expect(done.status).toBe(200);
    expect(done.body.job).toMatchObject({ status: "completed", worker: `${run}-named` });
  });

  it("a paused source is a 409 source_paused and starts nothing", async () => {
    await sql`update ops.sources set active = false where key = ${sourceKey}`;
    try {
      const before = await count("select count(*) as n from ops.jobs where locked_by like $1", `${run}%`);
      const paused = await post("/jobs", { source_key: sourceKey, worker: `${run}-p` });
      expect(paused.status).toBe(409);
      expect(paused.body.error).toMatchObject({ code: "source_paused", details: { source_key: sourceKey } });
      expect(await count("select count(*) as n from ops.jobs where locked_by like $1", `${run}%`)).toBe(before);
    } finally {
      await sql`update ops.sources set active = true where key = ${sourceKey}`;
    }
  });

  it("run dates are bounded: tomorrow (Berlin) is fine, the day after is a 400 naming run_date", async () => {
    expect((await post("/jobs", { source_key: sourceKey, worker: `${run}-d1`, run_date: berlinDay(1) })).status)
      .toBe(201);
    const later = await post("/jobs", { source_key: sourceKey, worker: `${run}-d2`, run_date: berlinDay(3) });
    expect(later.status).toBe(400);
    expect(Object.keys(later.body.error.fields)).toEqual(["run_date"]);
    expect(later.body.error.details).toMatchObject({ latest: berlinDay(1) });
    expect((await post("/jobs", { source_key: sourceKey, worker: `${run}-d3`, run_date: "2019-01-01" })).status)
      .toBe(400);
  });

  it("GET /report/jobs/:id reads a run back: status, counters, errors, log count", async () => {
    const id = (await post("/jobs", { source_key: sourceKey, worker: `${run}-get` })).body.job.id;
    await post(`/jobs/${id}/logs`, { lines: [{ level: "INFO", message: "a" }, { level: "WARNING", message: "b" }] });
    await post(`/jobs/${id}/errors`, { errors: [{ message: "HTTP 403 on /jobs", http_status: 403, url: "https://x.example/jobs" }] });
    await post(`/jobs/${id}/heartbeat`, { totals: { requests: 3, blocked_403: 1 }, progress: { done: 1, total: 3 } });
    const read = await get(`/jobs/${id}`);
    expect(read.status).toBe(200);
    expect(read.body.job).toMatchObject({ id, status: "running", source_key: sourceKey, progress: { done: 1, total: 3 } });
    expect(read.body.counters).toMatchObject({ requests: 3, blocked_403: 1, items_found: 0 });
    expect(read.body.errors).toEqual([expect.objectContaining({ category: "block_403", severity: "high", count: 1 })]);
    expect(read.body.log_count).toBe(2);
    expect((await get("/jobs/987654321")).status).toBe(404);
  });

  it("categories are discoverable; an unknown one is a 400 naming the allowed values, writing nothing", async () => {
    const listed = await get("/categories");
    expect(listed.status).toBe(200);
    const names = listed.body.categories.map((c: { category: string }) => c.category);
    expect(names).toEqual(expect.arrayContaining(["block_403", "block_429", "captcha", "network_timeout"]));
    const id = (await post("/jobs", { source_key: sourceKey, worker: `${run}-cat` })).body.job.id;
    const bad = await post(`/jobs/${id}/errors`, { errors: [{ message: "x", category: "weird_thing" }] });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.fields)).toEqual(["errors.0.category"]);
    expect(bad.body.error.details.allowed).toEqual(names.slice().sort());
    const badFinish = await post(`/jobs/${id}/finish`, { status: "failed", error: "x", error_category: "weird_thing" });
    expect(badFinish.status).toBe(400);
    expect(Object.keys(badFinish.body.error.fields)).toEqual(["error_category"]);
    expect((await get(`/jobs/${id}`)).body.job.status).toBe("running");
    // a known category without a severity gets the taxonomy's default
    const typed = await post(`/jobs/${id}/errors`, { errors: [{ message: "slow page", category: "network_timeout" }] });
    expect(typed.body.errors[0]).toMatchObject({ category: "network_timeout", severity: "medium" });
  });

  it("a reported run whose heartbeats stop is ended by the sweeper, never handed to another worker", async () => {
    const id = (await post("/jobs", { source_key: sourceKey, worker: `${run}-lost` })).body.job.id;
    await sql`update ops.jobs set heartbeat_at = heartbeat_at - interval '2 hours' where id = ${id}`;
    await sql`select ops.sweep()`;
    const read = await get(`/jobs/${id}`);
    expect(read.body.job).toMatchObject({ status: "failed", error_category: "lost_worker" });
    const late = await post(`/jobs/${id}/finish`, { status: "completed" });
    expect(late.status).toBe(409);
    expect(late.body.error.details).toMatchObject({ status: "failed" });
  });
});
