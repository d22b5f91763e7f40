// The scrape function end to end: every adapter against the fixture sites,
// through the real function under the local functions server and the real DB.
import { describe, expect, it } from "vitest";
import { FORMATS, postingsOn } from "../../scripts/fixtures/catalog.ts";
import { expectedDescriptionLines, expectedRecord, PERSONAL_NAMES } from "../../scripts/fixtures/formats.ts";
import { functionUrl, userJwt } from "../support/stack.ts";
import {
  callScrape,
  enqueueScrape,
  outcomeOf,
  runScrape,
  useScrapeFixtures,
  waitForJob,
} from "../support/scrape.ts";

const ctx = useScrapeFixtures([
  ...FORMATS.map((format) => ({ key: `ok-${format}`, format, postings: 7, pageSize: 3 })),
  { key: "evolving", format: "lever" as const, postings: 20, pageSize: 8 },
  { key: "dry", format: "greenhouse" as const, postings: 5 },
  { key: "invalid", format: "greenhouse" as const, postings: 5 },
  { key: "untitled", format: "recruitee" as const, postings: 10, missingTitle: 2 },
]);
const { sql } = ctx;

async function activePostings(sourceId: number): Promise<string[]> {
  const rows =
    await sql`select external_id from ops.postings where source_id = ${sourceId} and active order by 1`;
  return rows.map((r) => r.external_id as string);
}

describe("scrape function: every adapter end to end", () => {
  for (const format of FORMATS) {
    it(`${format}: completed, every posting stored, metrics counted`, async () => {
      const key = `ok-${format}`;
      const sourceId = await ctx.source(key);
      const { job, run, errors } = await runScrape(sql, sourceId);
      const expected = postingsOn(ctx.company(key), 0);
      expect(job).toMatchObject({ status: "completed", error_category: null });
      expect(errors).toEqual([]);
      expect(await activePostings(sourceId)).toEqual(expected.map((p) => p.externalId).sort());
      const requests = ctx.server().requestsFor(key).length;
      expect(run).toMatchObject({
        status: "completed",
        items_found: expected.length,
        items_new: expected.length,
        items_updated: 0,
        items_rejected: 0,
        requests,
        http_failures: 0,
        links_failed: 0,
      });
      expect(run.links_ok).toBe(run.links_checked);
      expect(Number(run.request_time_ms_total)).toBeGreaterThan(0);
      expect(job.result).toMatchObject({ postings: expected.length, new: expected.length, complete: true });
      const [{ levels }] = await sql`
        select array_agg(distinct level order by level) as levels from ops.logs where job_id = ${job.id}`;
      expect(levels).toEqual(expect.arrayContaining(["INFO", "SUCCESS"]));
      // Field by field, as stored.
      const stored = await sql`
        select external_id, title, location, department, workplace_type, employment_type, salary_min::float8,
               salary_max::float8, salary_currency, salary_period, posted_at, description
          from ops.postings where source_id = ${sourceId}`;
      const byId = new Map(stored.map((r) => [r.external_id as string, r]));
      for (const truth of expected) {
        const want = expectedRecord(format, truth);
        const row = byId.get(truth.externalId)!;
        expect({
          externalId: row.external_id,
          title: row.title,
          location: row.location,
          department: row.department,
          workplaceType: row.workplace_type,
          employmentType: row.employment_type,
          salary: row.salary_currency === null ? null : {
            min: row.salary_min,
            max: row.salary_max,
            currency: row.salary_currency,
            period: row.salary_period,
          },
          postedAt: (row.posted_at as Date).toISOString(),
        }).toEqual(want);
        expect((row.description as string).split("\n")).toEqual(
          expect.arrayContaining(expectedDescriptionLines(ctx.company(key), truth)),
        );
      }
    });
  }

  it("privacy: no stored posting of any fixture site holds an e-mail address, a phone number or a personal field", async () => {
    // Runs after every format above; the fixture sites publish recruiter names, e-mail addresses
    // and phone numbers in personal fields and in the ad text.
    const rows = await sql`
      select p.external_id, to_jsonb(p) as record from ops.postings p
        join ops.sources s on s.id = p.source_id
       where s.key = any(${FORMATS.map((f) => ctx.sourceKey(`ok-${f}`))})`;
    expect(rows.length).toBeGreaterThan(FORMATS.length * 5);
    const email = /[A-Z0-9._%+-]+@[A-Z0-9-]+(\.[A-Z0-9-]+)*\.[A-Z]{2,}/i;
    const personalKey = /creator|recruiter|hiring_?manager|contact|e-?mail|phone|metadata/i;
    for (const { external_id, record } of rows) {
      const text = JSON.stringify(record);
      expect(text, external_id).not.toMatch(email);
      expect(text, external_id).not.toMatch(/\+49[\s\d]{6,}/);
      for (const name of PERSONAL_NAMES) expect(text, external_id).not.toContain(name);
      expect(Object.keys(record.raw).filter((k) => personalKey.test(k)), external_id).toEqual([]);
    }
  });
});

describe("scrape function: runs over days", () => {
  it("re-running the same day creates no duplicates; a later complete run deactivates what is gone", async () => {
    const key = "evolving";
    const sourceId = await ctx.source(key);
    const day0 = postingsOn(ctx.company(key), 0);
    const first = await runScrape(sql, sourceId);
    expect(first.run).toMatchObject({ items_new: day0.length, items_found: day0.length });

    const again = await runScrape(sql, sourceId);
    expect(again.job.status).toBe("completed");
    expect(again.run).toMatchObject({ items_new: 0, items_updated: 0, items_found: day0.length });
    const [{ n }] = await sql`select count(*)::int as n from ops.postings where source_id = ${sourceId}`;
    expect(n).toBe(day0.length);

    await ctx.setDay(key, 6);
    const day6 = postingsOn(ctx.company(key), 6);
    const ids0 = new Set(day0.map((p) => p.externalId));
    const ids6 = new Set(day6.map((p) => p.externalId));
    const gone = [...ids0].filter((id) => !ids6.has(id));
    const added = [...ids6].filter((id) => !ids0.has(id));
    expect(gone.length).toBeGreaterThan(0);
    const later = await runScrape(sql, sourceId);
    expect(later.job.status).toBe("completed");
    expect(later.run.items_new).toBe(added.length);
    expect(await activePostings(sourceId)).toEqual([...ids6].sort());
    const inactive =
      await sql`select external_id from ops.postings where source_id = ${sourceId} and not active`;
    expect(inactive.map((r) => r.external_id).sort()).toEqual(gone.sort());
  });

  it("dry run: fetches and parses, writes no postings", async () => {
    const sourceId = await ctx.source("dry");
    const { job, run } = await runScrape(sql, sourceId, { source: ctx.sourceKey("dry"), dry_run: true });
    expect(job.status).toBe("completed");
    expect(job.result).toMatchObject({ dry_run: true, postings: 5 });
    expect((job.result?.sample as unknown[]).length).toBe(5);
    expect(run).toMatchObject({ items_found: 5, items_new: 0 });
    expect(await activePostings(sourceId)).toEqual([]);
  });

  it("invalid adapter config: failed at once with a validation error and zero requests", async () => {
    const sourceId = await ctx.source("invalid", { adapterConfig: { boardToken: "", baseUrl: "not a url" } });
    const { job, run, errors } = await runScrape(sql, sourceId);
    expect(job).toMatchObject({ status: "failed", error_category: "validation" });
    expect(job.error).toMatch(/invalid greenhouse config/);
    expect(run).toMatchObject({ status: "failed", requests: 0, links_checked: 0 });
    expect(errors).toEqual([expect.objectContaining({ category: "validation" })]);
    expect(ctx.server().requestsFor("invalid")).toHaveLength(0);
  });

  it("records without a title are rejected, counted and recorded as validation errors; the run completes", async () => {
    const sourceId = await ctx.source("untitled");
    const { job, run, errors } = await runScrape(sql, sourceId);
    expect(job.status).toBe("completed");
    expect(run).toMatchObject({ items_found: 10, items_rejected: 2, items_new: 8 });
    expect(errors).toEqual([expect.objectContaining({ category: "validation", count: 2 })]);
  });
});

describe("scrape function: access", () => {
  it("accepts the service role with 202 and refuses everyone else", async () => {
    expect((await callScrape({ action: "work", budget_ms: 1000 })).status).toBe(202);
    expect((await callScrape({ action: "work" }, await userJwt("operator"))).status).toBe(403);
    expect((await callScrape({ action: "work" }, null)).status).toBe(401);
    const bad = await callScrape({ action: "explode" });
    expect(bad.status).toBe(400);
  });

  it("a job started through the jobs API is picked up by the dispatched worker", async () => {
    const sourceId = await ctx.source("ok-greenhouse");
    const jobId = await enqueueScrape(sql, sourceId, {
      source: ctx.sourceKey("ok-greenhouse"),
      dry_run: false,
    });
    await sql`select ops.dispatch('scrape', ${sql.json({ job_id: jobId, type: "scrape" })})`;
    const job = await waitForJob(sql, jobId);
    expect(job.status).toBe("completed");
    expect((await outcomeOf(sql, jobId)).run.items_found).toBe(7);
  });
});

describe("scrape function: in the nightly pipeline", () => {
  it("a pipeline run's scrape jobs are done by the dispatched workers and the pipeline moves on", async () => {
    await sql`update ops.jobs set status = 'cancelled', finished_at = now(), singleton_key = null
               where type = 'pipeline' and status in ('pending', 'running')`;
    const keys = ["ok-lever", "ok-personio"];
    for (const key of keys) await ctx.source(key);
    const response = await fetch(functionUrl("pipeline", "/run"), {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${await userJwt("operator")}` },
      body: JSON.stringify({ sources: keys.map(ctx.sourceKey) }),
    });
    expect(response.status).toBe(201);
    const run = await response.json();
    expect(run.scrape_jobs).toBe(2);
    const scrapes = await sql`select id from ops.jobs where root_id = ${run.pipeline_id} and type = 'scrape'`;
    for (const { id } of scrapes) expect((await waitForJob(sql, id)).status).toBe("completed");
    const root = await waitForJob(sql, run.pipeline_id, 20_000);
    expect(root.status).toBe("completed");
    const [{ snapshots }] = await sql`
      select count(*)::int as snapshots from ops.jobs
       where root_id = ${run.pipeline_id} and type = 'snapshot' and status = 'completed'`;
    expect(snapshots).toBe(2);
  });
});
