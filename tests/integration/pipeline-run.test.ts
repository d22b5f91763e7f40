// The nightly pipeline end to end: the real pipeline and scrape functions on
// real fixture sites. Per fault profile the scrape status and category, the
// snapshot lineage, the phases and the root's result; then two faults: a worker
// that dies holding a scrape job, and a source paused while the run is going.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postingsOn } from "../../scripts/fixtures/catalog.ts";
import { type JobRow, sleep, useScrapeFixtures, waitForJob } from "../support/scrape.ts";
import { functionUrl, userJwt } from "../support/stack.ts";

/** Day of the fixture sites used by every source: markup_changed (fromDay 3) is broken on it. */
const DAY = 3;
const RUN_DATE = "2026-10-03";

const ctx = useScrapeFixtures([
  // ok, three formats (API JSON, paged API, HTML with detail pages)
  { key: "ok-greenhouse", format: "greenhouse", postings: 8 },
  { key: "ok-lever", format: "lever", postings: 12, pageSize: 5 },
  { key: "ok-html", format: "jsonld-html", postings: 6, pageSize: 4 },
  { key: "forbidden", format: "greenhouse", postings: 5, fault: "always_403" },
  { key: "captcha", format: "css-selector", postings: 5, fault: "captcha" },
  { key: "empty", format: "smartrecruiters", postings: 5, fault: "empty" },
  { key: "broken", format: "personio", postings: 5, fault: "malformed" },
  { key: "hanging", format: "recruitee", postings: 5, fault: "timeout" },
  { key: "flaky", format: "lever", postings: 10, pageSize: 5, fault: { kind: "flaky_500", every: 3 } },
  { key: "changed", format: "css-selector", postings: 6, fault: { kind: "markup_changed", fromDay: 3 } },
  // the killed-worker run
  { key: "kill-a", format: "recruitee", postings: 6 },
  { key: "kill-b", format: "greenhouse", postings: 6 },
  // the paused-source run: a slow company the only worker is busy with, and the one paused meanwhile
  { key: "pause-slow", format: "lever", postings: 10, pageSize: 2, fault: { kind: "slow", delayMs: 250 } },
  { key: "pause-target", format: "greenhouse", postings: 4 },
]);
const { sql } = ctx;
const roots: number[] = [];

/** Ends every open pipeline (and its open children) so that this file starts and leaves a clean slate. */
async function endOpenPipelines() {
  await sql`update ops.jobs set status = 'cancelled', finished_at = now(), singleton_key = null
             where status in ('pending', 'running') and (type = 'pipeline' or root_id in
               (select id from ops.jobs where type = 'pipeline'))`;
}

beforeAll(async () => {
  await endOpenPipelines();
});

// Registered after useScrapeFixtures' hooks, so it runs before them (vitest runs afterAll hooks as a stack).
afterAll(async () => {
  await endOpenPipelines();
  if (roots.length > 0) {
    // logs have no foreign key to jobs; the root's children go with it (on delete cascade)
    await sql`delete from ops.logs where job_id in (select id from ops.jobs where id = any(${roots}) or root_id = any(${roots}))`;
    await sql`delete from ops.jobs where id = any(${roots})`;
  }
});

/** Starts a run in SQL without waking its scrape workers: the test wakes them itself. */
async function startInSql(companyKeys: string[]): Promise<number> {
  const [{ run }] = await sql.begin(async (tx) => {
    await tx`set local ops.wake_workers = off`;
    return await tx`
      select ops.start_pipeline(${RUN_DATE}::date, 'test', 'pipeline-run test',
                                ${companyKeys.map(ctx.sourceKey)}::text[]) as run`;
  });
  roots.push(run.pipeline_id);
  return run.pipeline_id;
}

interface ChildRow {
  id: number;
  type: string;
  status: string;
  parent_id: number;
  source: string | null;
  error: string | null;
  error_category: string | null;
  attempt: number;
  result: Record<string, any> | null;
}

async function children(rootId: number): Promise<ChildRow[]> {
  return [
    ...(await sql<ChildRow[]>`
      select j.id, j.type, j.status, j.parent_id, s.key as source, j.error, j.error_category, j.attempt, j.result
        from ops.jobs j left join ops.sources s on s.id = j.source_id
       where j.root_id = ${rootId} order by j.id`),
  ];
}

function bySource(rows: ChildRow[], type: string): Record<string, ChildRow> {
  const prefix = ctx.sourceKey("");
  return Object.fromEntries(rows.filter((r) => r.type === type).map((r) => [r.source!.slice(prefix.length), r]));
}

describe("the nightly pipeline on the fixture sites", () => {
  it("gives each fault profile its status; snapshots follow the scrapes; the run ends partial with its totals", async () => {
    await ctx.source("ok-greenhouse", { day: DAY });
    await ctx.source("ok-lever", { day: DAY });
    await ctx.source("ok-html", { day: DAY });
    await ctx.source("forbidden", { day: DAY });
    await ctx.source("captcha", { day: DAY });
    await ctx.source("empty", { day: DAY });
    await ctx.source("broken", { day: DAY });
    await ctx.source("hanging", { day: DAY, requestTimeoutSeconds: 0.3, maxRetries: 0 });
    await ctx.source("flaky", { day: DAY, maxRetries: 2 });
    await ctx.source("changed", { day: DAY });
    const companies = [
      "ok-greenhouse", "ok-lever", "ok-html", "forbidden", "captcha", "empty", "broken", "hanging", "flaky", "changed",
    ];

    const response = await fetch(functionUrl("pipeline", "/run"), {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${await userJwt("operator")}` },
      body: JSON.stringify({ run_date: RUN_DATE, sources: companies.map(ctx.sourceKey) }),
    });
    expect(response.status).toBe(201);
    const run = await response.json();
    roots.push(run.pipeline_id);
    expect(run).toMatchObject({ run_date: RUN_DATE, scrape_jobs: 10 });

    const root = await waitForJob(sql, run.pipeline_id, 20_000);
    const jobs = await children(run.pipeline_id);

    // scrape: one job per source, status and category by fault profile
    const scrapes = bySource(jobs, "scrape");
    const outcome = (key: string) => [scrapes[key].status, scrapes[key].error_category];
    expect(Object.keys(scrapes).sort()).toEqual([...companies].sort());
    expect(outcome("ok-greenhouse")).toEqual(["completed", null]);
    expect(outcome("ok-lever")).toEqual(["completed", null]);
    expect(outcome("ok-html")).toEqual(["completed", null]);
    expect(outcome("forbidden")).toEqual(["failed", "block_403"]);
    expect(outcome("captcha")).toEqual(["failed", "captcha"]);
    // a board that never had a posting: "board not found or empty"
    expect(outcome("empty")).toEqual(["partial", "data_quality"]);
    expect(outcome("broken")).toEqual(["failed", "parsing"]);
    expect(outcome("hanging")).toEqual(["failed", "network_timeout"]);
    expect(outcome("flaky")).toEqual(["completed", null]);
    expect(outcome("changed")).toEqual(["failed", "parsing"]);
    for (const job of Object.values(scrapes)) expect(job.parent_id).toBe(run.pipeline_id);

    // snapshot: a child of each scrape job; run when the scrape succeeded, skipped with the reason otherwise
    const succeeded = ["ok-greenhouse", "ok-lever", "ok-html", "empty", "flaky"];
    const snapshots = bySource(jobs, "snapshot");
    expect(Object.keys(snapshots).sort()).toEqual([...companies].sort());
    for (const key of companies) {
      const snap = snapshots[key];
      expect(snap.parent_id, key).toBe(scrapes[key].id);
      if (succeeded.includes(key)) {
        expect(snap, key).toMatchObject({ status: "completed", error: null, attempt: 1 });
        expect(snap.result, key).toMatchObject({ snapshot_date: RUN_DATE });
      } else {
        expect(snap, key).toMatchObject({ status: "skipped", attempt: 0, result: null });
        expect(snap.error, key).toMatch(/^not run: the scrape failed \(.+\)$/);
      }
    }

    // lifespan, repost, score: one job each, children of the root, completed
    for (const type of ["lifespan", "repost", "score"]) {
      const [job, ...more] = jobs.filter((j) => j.type === type);
      expect(more, type).toEqual([]);
      expect(job, type).toMatchObject({ status: "completed", parent_id: run.pipeline_id, source: null });
    }
    expect(jobs).toHaveLength(23);

    // every completed phase job reports its worker invocation's CPU so far (bench:cpu reads it)
    const phaseJobs = jobs.filter((j) => j.type !== "scrape" && j.status === "completed").map((j) => j.id);
    const done = await sql<{ job_id: number; worker: string | null; cpu: unknown }[]>`
      select job_id, context->>'worker' as worker, context->'worker_cpu_ms' as cpu
        from ops.logs where job_id = any(${phaseJobs}) and message like '% done'`;
    expect(done.map((l) => l.job_id).sort()).toEqual([...phaseJobs].sort());
    for (const line of done) {
      expect(line.worker).toMatch(/^pipeline:/);
      expect(Number.isInteger(line.cpu) && (line.cpu as number) >= 0, JSON.stringify(line)).toBe(true);
    }

    // the root: partial, with totals, per-phase figures and the failed jobs' errors
    expect(root.status).toBe("partial");
    expect(root.error).toBe("11 of 23 jobs did not complete");
    expect(root.result?.totals).toEqual({
      jobs: 23,
      completed: 12,
      partial: 1,
      failed: 5,
      cancelled: 0,
      skipped: 5,
      sources: 10,
      scrape_succeeded: 5,
      success_rate: 0.4,
    });
    const phases = root.result?.phases as Record<string, Record<string, unknown>>;
    // a phase counts a partial job (the empty board) as not completed
    expect(phases.scrape).toMatchObject({ jobs: 10, completed: 4, failed: 6, skipped: 0 });
    expect(phases.snapshot).toMatchObject({ jobs: 10, completed: 5, failed: 0, skipped: 5 });
    for (const type of ["lifespan", "repost", "score"]) {
      expect(phases[type], type).toMatchObject({ jobs: 1, completed: 1, failed: 0, skipped: 0 });
    }
    const errors = root.result?.errors as { source: string; category: string; status: string }[];
    expect(errors.map((e) => [e.source, e.category, e.status]).sort()).toEqual(
      [
        ["broken", "parsing", "failed"],
        ["captcha", "captcha", "failed"],
        ["changed", "parsing", "failed"],
        ["empty", "data_quality", "partial"],
        ["forbidden", "block_403", "failed"],
        ["hanging", "network_timeout", "failed"],
      ].map(([key, category, status]) => [ctx.sourceKey(key), category, status]),
    );

    // snapshots rows for the succeeded sources only, counting the fixture's ground truth
    const rows = await sql`
      select s.key, n.posting_count, n.new_count, n.active_count
        from ops.snapshots n join ops.sources s on s.id = n.source_id
       where s.key = any(${companies.map(ctx.sourceKey)}) and n.snapshot_date = ${RUN_DATE}`;
    const prefix = ctx.sourceKey("");
    expect(rows.map((r) => r.key.slice(prefix.length)).sort()).toEqual([...succeeded].sort());
    for (const key of succeeded) {
      const expected = postingsOn(ctx.company(key), DAY).length;
      const row = rows.find((r) => r.key === ctx.sourceKey(key))!;
      // first run of each source: every posting listed is new and open
      expect([row.posting_count, row.new_count, row.active_count], key).toEqual([expected, expected, expected]);
      expect(snapshots[key].result?.postings, key).toBe(expected);
    }
    expect(rows.find((r) => r.key === ctx.sourceKey("empty"))!.posting_count).toBe(0);

    // postings of the ok companies equal the fixture's ground truth for the day
    for (const key of ["ok-greenhouse", "ok-lever", "ok-html", "flaky"]) {
      const truth = postingsOn(ctx.company(key), DAY).map((p) => p.externalId).sort();
      expect(truth.length, key).toBeGreaterThan(0);
      const stored = await sql`
        select p.external_id from ops.postings p join ops.sources s on s.id = p.source_id
         where s.key = ${ctx.sourceKey(key)} and p.active order by p.external_id`;
      expect(stored.map((r) => r.external_id), key).toEqual(truth);
    }
  });

  it("a worker killed in the middle of the scrape phase: its job is reclaimed after expiry and the run still ends", async () => {
    await ctx.source("kill-a", { day: DAY });
    await ctx.source("kill-b", { day: DAY });
    // Start and claim in one transaction: nothing (the sweeper's wake-ups included) sees the jobs before the fake
    // worker holds one. The fake worker never heartbeats and never finishes.
    const { rootId, victim } = await sql.begin(async (tx) => {
      const [{ run }] = await tx`
        select ops.start_pipeline(${RUN_DATE}::date, 'test', 'pipeline-run test',
                                  ${["kill-a", "kill-b"].map(ctx.sourceKey)}::text[]) as run`;
      // first in claim order, ahead of any other runnable scrape job in the shared database
      await tx`
        update ops.jobs j set priority = 100 from ops.sources s
         where s.id = j.source_id and j.root_id = ${run.pipeline_id} and s.key = ${ctx.sourceKey("kill-a")}`;
      const [claimed] = await tx<JobRow[]>`select * from ops.claim('fake-worker', array['scrape']::text[], 1)`;
      return { rootId: run.pipeline_id as number, victim: claimed.id as number };
    });
    roots.push(rootId);
    const [{ id: killA }] = await sql`
      select j.id from ops.jobs j join ops.sources s on s.id = j.source_id
       where j.root_id = ${rootId} and s.key = ${ctx.sourceKey("kill-a")}`;
    expect(victim).toBe(killA);

    // real workers do the other scrape; the phase waits for the dead worker's job
    await sql`select ops.dispatch('scrape', '{"action": "work"}')`;
    const other = (await children(rootId)).find((j) => j.type === "scrape" && j.id !== victim)!;
    expect((await waitForJob(sql, other.id, 10_000)).status).toBe("completed");
    const [held] = await sql`select status, locked_by, attempt from ops.jobs where id = ${victim}`;
    expect(held).toMatchObject({ status: "running", locked_by: "fake-worker", attempt: 1 });
    expect((await children(rootId)).filter((j) => j.type === "snapshot")).toEqual([]);

    // the lease expires: the sweeper re-queues the job with backoff (e^1 s), then wakes a worker for it.
    // One transaction: pg_cron's minutely sweeper skips the locked row, so it cannot take the job first.
    const swept = await sql.begin(async (tx) => {
      await tx`update ops.jobs set heartbeat_at = now() - make_interval(secs => lease_seconds + 1) where id = ${victim}`;
      const [row] = await tx`select ops.sweep_and_wake() as swept`;
      return row.swept;
    });
    // at least the victim: the database is shared, so another test's stale job may be re-queued with it
    expect(swept.requeued).toBeGreaterThanOrEqual(1);
    const [requeued] = await sql`
      select status, locked_by, error_category, extract(epoch from run_after - now())::float8 as wait
        from ops.jobs where id = ${victim}`;
    expect(requeued).toMatchObject({ status: "pending", locked_by: null, error_category: "lost_worker" });
    expect(requeued.wait).toBeGreaterThan(1.5);
    expect(requeued.wait).toBeLessThanOrEqual(Math.E + 0.1);

    const deadline = Date.now() + 10_000;
    for (;;) {
      const [{ status }] = await sql`select status from ops.jobs where id = ${victim}`;
      if (status !== "pending") break;
      if (Date.now() > deadline) throw new Error("the re-queued job was never dispatched again");
      await sql`select ops.sweep_and_wake()`;
      await sleep(250);
    }
    const job = await waitForJob(sql, victim, 10_000);
    expect(job).toMatchObject({ status: "completed", attempt: 2, error_category: null });
    const [{ lines }] = await sql`
      select count(*)::int as lines from ops.logs
       where job_id = ${victim} and message like 'worker fake-worker stopped heartbeating (attempt 1 of %'`;
    expect(lines).toBe(1);

    const root = await waitForJob(sql, rootId, 10_000);
    expect(root.status).toBe("completed");
    expect(root.result?.totals).toMatchObject({ jobs: 7, completed: 7, sources: 2, scrape_succeeded: 2 });
  });

  it("a source paused mid-run: its pending scrape job is skipped with the reason and the run still ends", async () => {
    await ctx.source("pause-slow", { day: DAY });
    await ctx.source("pause-target", { day: DAY });
    // started in SQL: no worker yet; then exactly one worker, which claims the slow company first (order by id = key)
    const rootId = await startInSql(["pause-slow", "pause-target"]);
    const scrapes = bySource(await children(rootId), "scrape");
    await sql`select ops.dispatch('scrape', '{"action": "work"}')`;
    await waitForJob(sql, scrapes["pause-slow"].id, 5_000, ["running"]);
    expect((await waitForJob(sql, scrapes["pause-target"].id, 1, ["pending"])).status).toBe("pending");

    await sql`select ops.set_portal_active(${ctx.sourceKey("pause-target")}, false)`;
    const target = await waitForJob(sql, scrapes["pause-target"].id, 1);
    expect(target).toMatchObject({
      status: "skipped",
      error: `source ${ctx.sourceKey("pause-target")} was deactivated`,
      attempt: 0,
    });

    const root = await waitForJob(sql, rootId, 15_000);
    const jobs = await children(rootId);
    expect(bySource(jobs, "scrape")["pause-slow"].status).toBe("completed");
    const snapshots = bySource(jobs, "snapshot");
    expect(snapshots["pause-slow"].status).toBe("completed");
    expect(snapshots["pause-target"]).toMatchObject({
      status: "skipped",
      error: `not run: the scrape skipped (source ${ctx.sourceKey("pause-target")} was deactivated)`,
    });
    expect(root.status).toBe("partial");
    expect(root.result?.totals).toMatchObject({
      jobs: 7,
      completed: 5,
      skipped: 2,
      failed: 0,
      sources: 2,
      scrape_succeeded: 1,
    });
  });
});
