// The job harness against the real database: lifecycle capture, batching of
// logs, error classification, cancellation, checkpoints, lost leases, timeouts.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { stackConfig } from "../../scripts/lib/config.ts";
import { connectDb } from "../../supabase/functions/_shared/db.ts";
import {
  claimAndRun,
  jobsApi,
  LogBuffer,
  mergeMetrics,
  runJob,
} from "../../supabase/functions/_shared/jobs/mod.ts";
import { waitForJob } from "../support/scrape.ts";

const sql = connectDb(stackConfig().dbUrl, { max: 4 });
const api = jobsApi(sql);
const type = `vt_${Date.now().toString(36)}`;
const worker = `${type}-worker`;
let sourceId: number;

beforeAll(async () => {
  await sql`insert into ops.job_types (type, description, timeout_seconds, max_attempts, lease_seconds)
            values (${type}, 'vitest harness jobs', 60, 2, 60)`;
  [{ id: sourceId }] = await sql<{ id: number }[]>`
    insert into ops.sources (key, display_name, adapter) values (${
    type.replace(/_/g, "-")
  }, 'Harness', 'lever') returning id`;
});
afterAll(async () => {
  await sql`delete from ops.logs where job_id in (select id from ops.jobs where type in (${type}, 'scrape') and (locked_by like ${
    type + "%"
  }))`;
  await sql`delete from ops.jobs where type = ${type} or locked_by like ${type + "%"}`;
  await sql`delete from ops.errors where source_id = ${sourceId}`;
  await sql`delete from ops.error_hourly where source_id = ${sourceId}`;
  await sql`delete from ops.sources where id = ${sourceId}`;
  await sql`delete from ops.job_types where type = ${type}`;
  await sql.end();
});

/** Until the worker has claimed the job: only then can a cancel or a sweep reach it while it runs. */
const untilRunning = (jobId: number) => waitForJob(sql, jobId, 20_000, ["running"]);
const logsOf = (jobId: number) =>
  sql<
    { level: string; message: string }[]
  >`select level, message from ops.logs where job_id = ${jobId} order by id`;

describe("runJob", () => {
  it("claims, logs in batches, rolls up metrics and completes", async () => {
    // This test claims the scrape job itself, in the transaction that enqueues it: no scrape worker
    // (woken by this enqueue, by the sweeper's minutely wake-up or by another test) can see it first.
    const { job, claimed } = await sql.begin(async (tx) => {
      await tx`set local ops.wake_workers = off`;
      const job = await jobsApi(tx).enqueue({ type: "scrape", sourceId, params: { page: 1 }, priority: 1_000_000 });
      const [claimed] = await jobsApi(tx).claim(`${type}-scrape`, ["scrape"], 1);
      return { job, claimed };
    });
    expect(claimed.id).toBe(job.id);
    const batches: number[] = [];
    const counting = {
      ...api,
      appendLogs: (id: number, lines: Parameters<typeof api.appendLogs>[1]) => {
        batches.push(lines.length);
        return api.appendLogs(id, lines);
      },
    };
    const result = await runJob(counting, claimed, async (ctx) => {
      for (let i = 0; i < 25; i++) ctx.log.info(`item ${i}`, { i });
      ctx.metrics({ requests: 3, items_found: 25, portal_stats: { lever: { requests: 3 } } });
      ctx.metrics({ requests: 2, blocked_429: 1 });
      ctx.progress(25, 25);
      return { result: { items: 25 } };
    }, { worker: `${type}-scrape`, logs: { maxLines: 10 } });
    expect(result.outcome).toBe("completed");
    expect(result.answer?.scrape_run).toMatchObject({
      requests: 5,
      items_found: 25,
      blocked_429: 1,
      status: "completed",
    });
    expect(batches).toEqual([10, 10, 5]);
    const lines = await logsOf(job.id);
    expect(lines.map((l) => l.message)).toEqual(Array.from({ length: 25 }, (_, i) => `item ${i}`));
    const [row] = await sql`select status, result, locked_by from ops.jobs where id = ${job.id}`;
    expect(row).toEqual({ status: "completed", result: { items: 25 }, locked_by: `${type}-scrape` });
  });

  it("classifies a thrown error, records it and fails the job", async () => {
    await api.enqueue({ type, sourceId });
    const [result] = await claimAndRun(sql, { types: [type] }, async (ctx) => {
      ctx.log.info("fetching");
      throw Object.assign(new Error("HTTP 403 Forbidden for https://acme.example/careers"), { status: 403 });
    }, { worker });
    expect(result.outcome).toBe("failed");
    expect(result.answer?.job).toMatchObject({
      error_category: "block_403",
      error: "HTTP 403 Forbidden for https://acme.example/careers",
    });
    const [error] = await sql`select category, count from ops.errors where job_id = ${result.jobId}`;
    expect(error).toEqual({ category: "block_403", count: 1 });
    const lines = await logsOf(result.jobId);
    expect(lines.at(-1)).toEqual({
      level: "ERROR",
      message: "job failed: HTTP 403 Forbidden for https://acme.example/careers",
    });
  });

  it("aborts the signal when an operator cancels and finishes as cancelled", async () => {
    const job = await api.enqueue({ type });
    let sawAbort = false;
    const running = claimAndRun(sql, { types: [type] }, async (ctx) => {
      // runs until aborted (the test's timeout bounds it)
      await new Promise<void>((_, reject) => {
        ctx.signal.addEventListener("abort", () => {
          sawAbort = true;
          reject(ctx.signal.reason);
        });
      });
    }, { worker, heartbeatMs: 50 });
    await untilRunning(job.id);
    await api.requestCancel(job.id, "operator said so");
    const [result] = await running;
    expect(sawAbort).toBe(true);
    expect(result.outcome).toBe("cancelled");
    expect(result.answer?.job.error_category).toBe("cancelled");
  });

  it("stores checkpoints at once and continues later from the cursor", async () => {
    const job = await api.enqueue({ type });
    const [first] = await claimAndRun(sql, { types: [type] }, async (ctx) => {
      expect(ctx.cursor).toBeNull();
      await ctx.checkpoint({ page: 3 }, { done: 3, total: 10 });
      const [row] = await sql`select cursor, progress_done from ops.jobs where id = ${job.id}`;
      expect(row).toEqual({ cursor: { page: 3 }, progress_done: 3 });
      return { continueLater: { cursor: { page: 4 } } };
    }, { worker });
    expect(first.outcome).toBe("continued");
    const [second] = await claimAndRun(sql, { types: [type] }, async (ctx) => {
      expect(ctx.cursor).toEqual({ page: 4 });
      expect(ctx.job.attempt).toBe(1);
    }, { worker });
    expect(second).toMatchObject({ jobId: job.id, outcome: "completed" });
  });

  it("stops without finishing when the sweeper took the job away (lost lease)", async () => {
    const job = await api.enqueue({ type });
    const running = claimAndRun(sql, { types: [type] }, async (ctx) => {
      await new Promise<void>((resolve) => ctx.signal.addEventListener("abort", () => resolve()));
      expect(ctx.abortReason).toBe("lost");
    }, { worker, heartbeatMs: 50 });
    await untilRunning(job.id);
    // one transaction: a heartbeat of the running worker cannot land between the two (it waits for the row)
    await sql.begin(async (tx) => {
      await tx`update ops.jobs set heartbeat_at = now() - interval '1 hour' where id = ${job.id}`;
      await tx`select ops.sweep()`; // re-queued: attempt 1 of 2
    });
    const [result] = await running;
    expect(result.outcome).toBe("lost");
    const [row] = await sql`select status, finished_at from ops.jobs where id = ${job.id}`;
    expect(row).toEqual({ status: "pending", finished_at: null });
    await sql`update ops.jobs set status = 'cancelled', finished_at = now() where id = ${job.id}`;
  });

  it("aborts at the job's timeout and fails it with category timeout", async () => {
    const job = await api.enqueue({ type });
    const [claimed] = await api.claim(worker, [type], 1);
    expect(claimed.id).toBe(job.id);
    const soon = { ...claimed, timeout_at: new Date(Date.now() + 150).toISOString() };
    const result = await runJob(api, soon, async (ctx) => {
      await new Promise((_, reject) => ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason)));
    }, { worker });
    expect(result.outcome).toBe("failed");
    expect(result.answer?.job.error_category).toBe("timeout");
  });
});

describe("LogBuffer", () => {
  it("flushes on size, on time and on close, keeping lines when a flush fails", async () => {
    const written: string[][] = [];
    let failNext = false;
    const buffer = new LogBuffer({
      appendLogs: (lines) => {
        if (failNext) {
          failNext = false;
          return Promise.reject(new Error("db down"));
        }
        written.push(lines.map((l) => l.message));
        return Promise.resolve();
      },
      recordErrors: () => Promise.resolve(),
    }, { maxLines: 3, flushMs: 30, onFlushError: () => {} });
    for (const m of ["a", "b", "c"]) buffer.log({ level: "INFO", message: m });
    await vi.waitFor(() => expect(written).toEqual([["a", "b", "c"]]), { timeout: 10_000, interval: 5 });
    buffer.log({ level: "INFO", message: "d" });
    // below maxLines: only the flushMs timer writes it
    await vi.waitFor(() => expect(written).toEqual([["a", "b", "c"], ["d"]]), { timeout: 10_000, interval: 5 });
    failNext = true;
    buffer.log({ level: "INFO", message: "e" });
    await expect(buffer.flush()).rejects.toThrow("db down");
    expect(buffer.pending).toBe(1);
    await buffer.close();
    expect(written.at(-1)).toEqual(["e"]);
    expect(() => buffer.log({ level: "INFO", message: "late" })).toThrow();
  });

  it("merges metric increments like the database", () => {
    expect(
      mergeMetrics({ requests: 1, portal_stats: { a: { n: 1 } }, breaker_triggered: false }, {
        requests: 2,
        portal_stats: { a: { n: 2 }, b: 1 },
        breaker_triggered: true,
      }),
    )
      .toEqual({ requests: 3, portal_stats: { a: { n: 3 }, b: 1 }, breaker_triggered: true });
  });
});
