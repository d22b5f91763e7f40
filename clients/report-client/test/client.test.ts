// The typed client against the real report function: the whole run, run(fn)
// that always finishes, 409 read-back, 413 splits, an unreachable API (bounded
// buffer, counted drops, delivery after recovery) and lost answers (retries
// with the same idempotency key store every line once).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ReportApiError, ReportClient, ReportUnavailableError, ScrapeError } from "../src/index.ts";
import { config, createSource, logMessages, removeSources, sql, startProxy } from "./support.ts";

const prefix = `rc${Date.now().toString(36)}`;
const source = `${prefix}-acme`;
const warnings: string[] = [];
const client = (url = config.supabaseUrl, extra = {}) =>
  new ReportClient({
    url,
    apiKey: config.secretKey,
    retryBaseMs: 20,
    retryMaxMs: 200,
    flushIntervalMs: 50,
    handleExit: false,
    onWarning: (message) => warnings.push(message),
    ...extra,
  });

beforeAll(async () => {
  await createSource(source);
});
afterAll(async () => {
  await removeSources(prefix);
  await sql.end();
});

describe("ReportClient", () => {
  it("start, logs, errors, totals, heartbeat, finish: the run reads back as reported", async () => {
    const run = await client().start({ source_key: source, worker: `${prefix}-vm` });
    expect(run.view.job).toMatchObject({ status: "running", source_key: source, worker: `${prefix}-vm` });
    for (let i = 0; i < 2500; i++) run.info(`line ${i}`, { i });
    run.error({ message: "HTTP 429 on /jobs?page=2", http_status: 429, url: "https://acme.example/jobs?page=2" });
    run.count("requests", 10);
    run.count("blocked_429");
    run.setTotals({ items_found: 40 });
    run.progress(3, 10);
    expect(await run.heartbeat()).toMatchObject({ status: "running", cancel_requested: false });
    const view = await run.finish("completed", { result: { pages: 10 } });
    expect(view.job.status).toBe("completed");
    expect(view.counters).toMatchObject({ requests: 10, blocked_429: 1, items_found: 40 });
    expect(view.errors).toEqual([expect.objectContaining({ category: "block_429", count: 1 })]);
    expect(view.log_count).toBe(2500);
    expect(await logMessages(run.id)).toEqual(Array.from({ length: 2500 }, (_, i) => `line ${i}`));
    // finishing again answers the same, without another request
    expect(await run.finish("completed")).toBe(view);
  });

  it("run(fn) finishes completed, or failed with the error classified, and rethrows", async () => {
    const c = client();
    let id = 0;
    expect(await c.run({ source_key: source }, (run) => {
      id = run.id;
      run.count("items_found", 3);
      return "ok";
    })).toBe("ok");
    expect((await c.getRun(id)).job.status).toBe("completed");

    const blocked = new ScrapeError("block_403", "http_403", "403 refused", { status: 403 });
    await expect(c.run({ source_key: source }, (run) => {
      id = run.id;
      throw blocked;
    })).rejects.toBe(blocked);
    expect((await c.getRun(id)).job).toMatchObject({ status: "failed", error_category: "block_403", error: "403 refused" });

    // not classified by the taxonomy: the server's rules classify the message
    await expect(c.run({ source_key: source }, (run) => {
      id = run.id;
      throw new Error("Unexpected token < in JSON at position 0");
    })).rejects.toThrow();
    expect((await c.getRun(id)).job).toMatchObject({ status: "failed", error_category: "parsing" });

    const timeout = new DOMException("The operation timed out.", "TimeoutError");
    await expect(c.run({ source_key: source }, (run) => {
      id = run.id;
      throw timeout;
    })).rejects.toBe(timeout);
    expect((await c.getRun(id)).job.error_category).toBe("network_timeout");
  });

  it("a 409 on finish reads the run back (the sweeper ended it)", async () => {
    const run = await client().start({ source_key: source });
    await sql`update ops.jobs set heartbeat_at = heartbeat_at - interval '2 hours' where id = ${run.id}`;
    await sql`select ops.sweep()`;
    const view = await run.finish("completed");
    expect(view.job).toMatchObject({ status: "failed", error_category: "lost_worker" });
    expect(warnings.some((w) => w.includes(`run ${run.id} was already failed`))).toBe(true);
  });

  it("a 4xx that retrying cannot fix is thrown at once, typed", async () => {
    const error = await client().start({ source_key: `${prefix}-nope` }).catch((e) => e);
    expect(error).toBeInstanceOf(ReportApiError);
    expect(error).toMatchObject({ status: 404, error: { code: "not_found" } });
  });

  it("a batch over 1 MB is split on the server's 413 and stored once, in order", async () => {
    const run = await client().start({ source_key: source });
    // 2-byte characters: the client's size estimate (UTF-16 units) is half the real bytes
    const lines = Array.from({ length: 40 }, (_, i) => `${i}:${"é".repeat(30_000)}`);
    for (const line of lines) run.info(line);
    await run.finish("completed");
    expect(await logMessages(run.id)).toEqual(lines);
  });
});

describe("faults between the client and the API", () => {
  it("while the API is unreachable, lines wait in a bounded buffer, the rest are dropped and counted", async () => {
    const proxy = await startProxy(config.supabaseUrl);
    try {
      const seen: string[] = [];
      const c = client(proxy.url, { maxBufferedLines: 300, batchLines: 100, onWarning: (m: string) => seen.push(m) });
      const run = await c.start({ source_key: source });
      proxy.mode = "down";
      const started = Date.now();
      for (let i = 0; i < 500; i++) run.info(`down ${i}`);
      expect(Date.now() - started).toBeLessThan(1000); // log() never waits for the network
      await run.drain(); // returns while the API is unreachable instead of blocking
      expect(run.droppedLines).toBe(200);
      expect(seen.some((m) => /200 log lines dropped/.test(m) || /log lines dropped/.test(m))).toBe(true);
      proxy.mode = "up";
      const view = await run.finish("completed");
      const stored = await logMessages(run.id);
      expect(stored.slice(0, 300)).toEqual(Array.from({ length: 300 }, (_, i) => `down ${i}`));
      expect(stored.at(-1)).toBe("200 log lines were dropped by the client");
      expect(view.log_count).toBe(301);
    } finally {
      await proxy.close();
    }
  });

  it("answers lost after the server committed: retries with the same key store every line and error once", async () => {
    const proxy = await startProxy(config.supabaseUrl);
    try {
      proxy.mode = "lose-first-answer";
      const c = client(proxy.url, { batchLines: 50 });
      const run = await c.start({ source_key: source });
      for (let i = 0; i < 400; i++) run.info(`lossy ${i}`);
      run.error({ message: "HTTP 500 on /jobs", http_status: 500 });
      run.count("requests", 400);
      const view = await run.finish("completed");
      expect(proxy.lostAnswers).toBeGreaterThanOrEqual(10); // start, 8 batches, errors, finish
      expect(await logMessages(run.id)).toEqual(Array.from({ length: 400 }, (_, i) => `lossy ${i}`));
      expect(view.errors).toEqual([expect.objectContaining({ category: "http_5xx", count: 1 })]);
      expect(view.counters?.requests).toBe(400);
      // one start despite the lost answer: a second job would still be running
      const [{ n }] = await sql`select count(*)::int as n from ops.jobs
        where source_id = (select id from ops.sources where key = ${source}) and status = 'running'`;
      expect(n).toBe(0);
    } finally {
      await proxy.close();
    }
  });

  it("an API that never comes back: finish gives up after its deadline with a typed error", async () => {
    const proxy = await startProxy(config.supabaseUrl);
    try {
      const c = client(proxy.url, { finishTimeoutMs: 300, retries: 1 });
      const run = await c.start({ source_key: source });
      proxy.mode = "down";
      run.info("never delivered");
      await expect(run.finish("completed")).rejects.toBeInstanceOf(ReportUnavailableError);
      expect(run.droppedLines).toBe(1);
    } finally {
      await proxy.close();
    }
  });
});
