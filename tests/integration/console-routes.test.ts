// The read routes the operations console added: role checks, bad input as a
// 400 naming the field, paging and sorting, counts, JSON Schemas of the job
// types, and a job's lineage.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authHeaders, functionUrl, stack, superuserSql, userJwt } from "../support/stack.ts";

const sql = superuserSql();
const key = (n: number) => `cr-${Date.now().toString(36)}-${n}`;
const keys = [key(1), key(2), key(3)];
const DAY = "2026-06-10";
let sourceIds: number[] = [];
const jobIds: number[] = [];
let rootId: number;

const viewer = await userJwt("viewer");

async function get(path: string, credential: string | null = viewer) {
  const response = await fetch(functionUrl(path), { headers: authHeaders(credential) });
  return { status: response.status, body: await response.json() };
}

beforeAll(async () => {
  sourceIds = (await sql`
    insert into ops.sources (key, display_name, adapter)
    select k, 'Console route ' || k, 'greenhouse' from unnest(${keys}::text[]) k returning id`).map((r) => r.id);
  // one finished scrape run per source on DAY: items 10, 20, 30; the second is blocked a lot
  for (const [i, sourceId] of sourceIds.entries()) {
    const [job] = await sql`
      insert into ops.jobs (type, status, source_id, run_date, started_at, finished_at, error_category)
      values ('scrape', ${i === 1 ? "failed" : "completed"}, ${sourceId}, ${DAY}, ${`${DAY}T01:00:00Z`},
              ${`${DAY}T01:0${i + 1}:00Z`}, ${i === 1 ? "block_403" : null}) returning id`;
    jobIds.push(job.id);
    await sql`
      insert into ops.scrape_runs (job_id, source_id, run_date, status, items_found, requests, blocked_403,
                                   links_checked, links_ok, started_at, finished_at)
      values (${job.id}, ${sourceId}, ${DAY}, ${i === 1 ? "failed" : "completed"}, ${(i + 1) * 10}, 100,
              ${i === 1 ? 40 : 0}, 10, 10, ${`${DAY}T01:00:00Z`}, ${`${DAY}T01:0${i + 1}:00Z`})`;
  }
  [{ id: rootId }] = await sql`
    insert into ops.jobs (type, status, started_at, finished_at) values ('pipeline', 'failed', now(), now()) returning id`;
  await sql`insert into ops.jobs (type, status, parent_id, root_id) values ('scrape', 'pending', ${rootId}, ${rootId})`;
});

afterAll(async () => {
  await sql`delete from ops.jobs where id = ${rootId} or source_id = any(${sourceIds})`;
  await sql`delete from ops.sources where id = any(${sourceIds})`;
  await sql.end();
});

describe("access", () => {
  it("401 without a token, 403 without an ops role, 200 for a viewer", async () => {
    expect((await get("control/runs", null)).status).toBe(401);
    expect((await get("control/runs", stack.publishableKey)).status).toBe(401);
    expect((await get("control/days", await userJwt(null))).status).toBe(403);
    expect((await get("control/audit")).status).toBe(200);
  });
});

describe("bad input", () => {
  it("answers 400 naming each failing field", async () => {
    const days = await get("control/days?from=2026-06-12&to=2026-06-10&sort=password&limit=0");
    expect(days.status).toBe(400);
    expect(Object.keys(days.body.error.fields).sort()).toEqual(["limit", "sort"]);
    const range = await get("control/runs?from=2026-06-12&to=2026-06-10");
    expect(range.body.error.fields).toEqual({ to: ["from must not be after to"] });
    expect((await get("control/companies/x?days=45")).body.error.fields.days).toBeDefined();
    expect((await get("control/errors/summary?bucket=week")).status).toBe(400);
    expect((await get("control/runs?drop=table")).status).toBe(400);
  });
});

describe("runs and days", () => {
  it("pages and sorts runs, filters by company and error category", async () => {
    const q = `from=${DAY}&to=${DAY}&sort=items_found&order=asc&limit=2`;
    const first = await get(`control/runs?${q}`);
    expect(first.status).toBe(200);
    const ours = (rows: { source: string; items_found: number }[]) => rows.filter((r) => keys.includes(r.source));
    expect(first.body.limit).toBe(2);
    const all = await get(`control/runs?from=${DAY}&to=${DAY}&sort=items_found&order=asc&limit=500`);
    expect(ours(all.body.runs).map((r) => r.items_found)).toEqual([10, 20, 30]);
    expect(all.body.total).toBeGreaterThanOrEqual(3);
    const second = await get(`control/runs?${q}&offset=2`);
    expect([...first.body.runs, ...second.body.runs].map((r: { job_id: number }) => r.job_id))
      .toEqual(all.body.runs.slice(0, 4).map((r: { job_id: number }) => r.job_id));
    const blocked = await get(`control/runs?company=${keys[1]}&error_category=block_403`);
    expect(blocked.body.runs.map((r: { source: string; block_rate: number }) => [r.source, r.block_rate])).toEqual([[keys[1], 0.4]]);
    expect((await get(`control/runs?company=${keys[0]}&error_category=block_403`)).body.total).toBe(0);
  });

  it("answers per company and day with counts per status", async () => {
    const { status, body } = await get(`control/days?from=${DAY}&to=${DAY}&company=${keys[1]}`);
    expect(status).toBe(200);
    expect(body.days.map((d: { company_key: string; final_status: string }) => [d.company_key, d.final_status]))
      .toEqual([[keys[1], "failed"]]);
    expect(body.counts).toEqual({ success: 0, partial: 0, failed: 1, no_data: 0 });
  });
});

describe("company, errors, audit", () => {
  it("answers a company's page data and 404 for an unknown one", async () => {
    const { status, body } = await get(`control/companies/${keys[0]}?days=90`);
    expect(status).toBe(200);
    expect(body.company.key).toBe(keys[0]);
    // (other tests may start scrapes of any active source meanwhile: look for ours)
    const ours = body.recent_runs.find((r: { job_id: number }) => r.job_id === jobIds[0]);
    expect(ours).toMatchObject({ source: keys[0], items_found: 10, status: "completed" });
    expect((await get("control/companies/no-such-company")).status).toBe(404);
  });

  it("summarises errors and lists the audit log", async () => {
    const summary = await get("control/errors/summary?days=30&bucket=day");
    expect(summary.status).toBe(200);
    expect(Object.keys(summary.body).sort()).toEqual(["bucket", "categories", "days", "sources", "top_errors", "trend"]);
    const audit = await get("control/audit?users_only=true&limit=5");
    expect(audit.body.audit.every((r: { actor_role: string }) => !r.actor_role.startsWith("database:"))).toBe(true);
  });
});

describe("jobs: schemas and lineage", () => {
  it("exposes each job type's params as JSON Schema", async () => {
    const { status, body } = await get("jobs/schemas");
    expect(status).toBe(200);
    const scrape = body.types.find((t: { type: string }) => t.type === "scrape");
    expect(scrape.params.required).toEqual(["source"]);
    expect(scrape.params.properties.dry_run).toEqual({ default: false, type: "boolean" });
    expect(body.types.map((t: { type: string }) => t.type)).toEqual(["scrape", "pipeline", "mirror", "backfill"]);
  });

  it("answers a lineage tree with the skipped child's reason", async () => {
    const { status, body } = await get(`jobs/${rootId}/tree`);
    expect(status).toBe(200);
    expect(body.tree.map((n: { effective_status: string }) => n.effective_status)).toEqual(["failed", "skipped"]);
    expect(body.tree[1].skipped_reason).toBe(`not run: pipeline job ${rootId} failed`);
    expect((await get("jobs/999999999/tree")).status).toBe(404);
  });
});
