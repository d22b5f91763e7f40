// The mirror function against the real database and the local target (the functions server has no
// BigQuery configuration, so it exports to `scrape_ops_mirror`.monitoring.daily_summary).
//
// Scenario (D0 = today in Berlin, D1 = yesterday, D2 = the day before; sources created 5 days ago):
//   A  D2 completed 38 items, 80 requests           -> success, rates 0 / 0, no baseline yet, 55 s
//      D1 completed 40 items, 100 req, 5 fail, 2 403 -> success, 0.05 / 0.02, baseline 38, 61.5 s
//      D0 no run                                     -> no_data, baseline (38 + 40) / 2 = 39
//   B  D1 failed, 0 items, 10 requests all failed    -> failed, 1.0 / 0, 3 s
//      then a re-run on D1 completed 25 items, 30 requests -> success, fail rate 10 / 40 = 0.25, 20 s
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  addRun,
  addSource,
  berlinDay,
  localMirrorSql,
  type MirroredRow,
  mirroredRows,
  removeSources,
} from "../support/mirror.ts";
import { authHeaders, functionUrl, stack, superuserSql, userJwt } from "../support/stack.ts";

const sql = superuserSql();
const mirror = localMirrorSql();
const prefix = `mirror-${Date.now().toString(36)}-`;
const A = `${prefix}a`;
const B = `${prefix}b`;
const operator = await userJwt("operator");
const viewer = await userJwt("viewer");
let d0: string, d1: string, d2: string;
let sourceB: number;

function call(path: string, token: string | null, init: RequestInit = {}) {
  const headers: Record<string, string> = { "content-type": "application/json" };
  Object.assign(headers, authHeaders(token));
  return fetch(functionUrl("mirror", path), { ...init, headers });
}

async function exportNow(body: Record<string, unknown> = {}, token = stack.secretKey) {
  const response = await call("", token, {
    method: "POST",
    body: JSON.stringify({ action: "export", ...body }),
  });
  return { status: response.status, body: await response.json() };
}

function row(
  key: string,
  runDate: string,
  values: [string, number, number, number | null, number | null, number | null, number | null, number | null],
): MirroredRow {
  const [final_status, is_success, is_problem, jobs, fail, block, baseline, exec] = values;
  return {
    company_key: key,
    run_date: runDate,
    final_status,
    is_success,
    is_problem,
    jobs_processed_best: jobs,
    http_fail_rate_sum: fail,
    http_block_rate_sum: block,
    baseline_jobs_processed_14d: baseline,
    execution_time_sec_best: exec,
  };
}

async function mirrorRunsSince(id: number) {
  return await sql`select * from ops.mirror_runs where id > ${id} order by id`;
}

async function lastRunId(): Promise<number> {
  const [{ id }] = await sql`select coalesce(max(id), 0)::int as id from ops.mirror_runs`;
  return id;
}

async function waitFor<T>(probe: () => Promise<T | undefined | null>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("timed out waiting");
}

beforeAll(async () => {
  [d0, d1, d2] = await Promise.all([berlinDay(sql, 0), berlinDay(sql, 1), berlinDay(sql, 2)]);
  const sourceA = await addSource(sql, A);
  sourceB = await addSource(sql, B);
  await addRun(sql, sourceA, d2, { status: "completed", items: 38, exec: 55, requests: 80 });
  await addRun(sql, sourceA, d1, {
    status: "completed",
    items: 40,
    exec: 61.5,
    requests: 100,
    failures: 5,
    blocked403: 2,
  });
  await addRun(sql, sourceB, d1, { status: "failed", items: 0, exec: 3, requests: 10, failures: 10 });
  await sql`update ops.jobs set status = 'cancelled', finished_at = now(), singleton_key = null
             where type = 'mirror' and status in ('pending', 'running')`;
});

afterAll(async () => {
  await removeSources(sql, prefix);
  await mirror`delete from monitoring.daily_summary where company_key like ${`${prefix}%`}`.catch(() => {});
  await Promise.all([sql.end(), mirror.end()]);
});

describe("mirror: export to the local target", () => {
  it("exports the last 3 days: hand-computed rows, one record with counts and watermark", async () => {
    const before = await lastRunId();
    const { status, body } = await exportNow();
    expect(status).toBe(200);
    const [view] = await sql`
      select count(*)::int as n from reporting.daily_summary_looker_v where run_date between ${d2} and ${d0}`;
    const [{ watermark }] = await sql`
      select max(d.updated_at) as watermark from ops.daily_source_stats d join ops.sources s on s.id = d.source_id
       where s.active and d.run_date between ${d2} and ${d0}`;
    expect(body.export).toMatchObject({
      target: "local",
      status: "completed",
      trigger: "api",
      date_from: d2,
      date_to: d0,
      rows_read: view.n,
      rows_upserted: view.n,
      error: null,
    });
    expect(new Date(body.export.watermark).getTime()).toBe(watermark.getTime());
    expect(body.export.duration_ms).toBeGreaterThanOrEqual(0);
    expect(await mirrorRunsSince(before)).toHaveLength(1);

    expect(await mirroredRows(mirror, prefix)).toEqual([
      row(A, d2, ["success", 1, 0, 38, 0, 0, null, 55]),
      row(A, d1, ["success", 1, 0, 40, 0.05, 0.02, 38, 61.5]),
      row(A, d0, ["no_data", 0, 1, null, null, null, 39, null]),
      row(B, d2, ["no_data", 0, 1, null, null, null, null, null]),
      row(B, d1, ["failed", 0, 1, 0, 1, 0, null, 3]),
      row(B, d0, ["no_data", 0, 1, null, null, null, null, null]),
    ]);
  });

  it("two exports give identical rows, exactly one per key", async () => {
    await exportNow();
    const first = await mirroredRows(mirror);
    const { status } = await exportNow();
    expect(status).toBe(200);
    expect(await mirroredRows(mirror)).toEqual(first);
    const duplicates = await mirror`
      select company_key, run_date from monitoring.daily_summary group by 1, 2 having count(*) > 1`;
    expect(duplicates).toHaveLength(0);
    const [{ n }] = await mirror`
      select count(*)::int as n from monitoring.daily_summary where run_date between ${d2} and ${d0}`;
    const [view] = await sql`
      select count(*)::int as n from reporting.daily_summary_looker_v where run_date between ${d2} and ${d0}`;
    expect(n).toBe(view.n);
  });

  it("a correction (a re-run that turns a failed day into a success) updates the mirrored row", async () => {
    const before = await exportNow();
    await addRun(sql, sourceB, d1, { status: "completed", items: 25, exec: 20, requests: 30 }, 120);
    const { status, body } = await exportNow();
    expect(status).toBe(200);
    expect(new Date(body.export.watermark).getTime()).toBeGreaterThan(
      new Date(before.body.export.watermark).getTime(),
    );
    expect(await mirroredRows(mirror, B)).toEqual([
      row(B, d2, ["no_data", 0, 1, null, null, null, null, null]),
      row(B, d1, ["success", 1, 0, 25, 0.25, 0, null, 20]),
      row(B, d0, ["no_data", 0, 1, null, null, null, 25, null]),
    ]);
    const [{ n }] = await mirror`
      select count(*)::int as n from monitoring.daily_summary where company_key = ${B} and run_date = ${d1}`;
    expect(n).toBe(1);
  });

  it("a row that violates schema v1 fails the export before anything is written, naming row and field", async () => {
    // execution_time_sec 'NaN' passes every constraint of ops.scrape_runs (NaN >= 0 is true for
    // numeric) and reaches the Looker view as a float8 NaN; schema v1 demands a finite FLOAT.
    const bad = `${prefix}nan`;
    const badSource = await addSource(sql, bad);
    const badJob = await addRun(sql, badSource, d1, { status: "completed", items: 7, exec: "NaN" });
    const tableBefore = await mirroredRows(mirror, "", true);
    const runsBefore = await lastRunId();

    const dry = await exportNow({ dry_run: true });
    expect(dry.status).toBe(422);
    expect(await mirrorRunsSince(runsBefore)).toHaveLength(0);

    const { status, body } = await exportNow();
    expect(status).toBe(422);
    expect(body.error.code).toBe("invalid_rows");
    expect(body.error.details.issues).toEqual([
      expect.objectContaining({ companyKey: bad, runDate: d1, field: "execution_time_sec_best" }),
    ]);
    expect(body.error.message).toMatch(
      new RegExp(
        `^nothing written: .*row \\d+ \\(company_key=${bad}, run_date=${d1}\\): execution_time_sec_best must be a finite number, got NaN`,
      ),
    );
    expect(body.export).toMatchObject({ status: "failed", rows_upserted: 0 });
    expect(body.export.error).toContain("execution_time_sec_best");
    expect(await mirroredRows(mirror, "", true)).toEqual(tableBefore); // not even mirrored_at changed

    // the source is fixed (the run re-reported with its real time): a re-run repairs the export
    await sql`update ops.scrape_runs set execution_time_sec = 42 where job_id = ${badJob}`;
    const repaired = await exportNow();
    expect(repaired.status).toBe(200);
    expect(await mirroredRows(mirror, bad)).toContainEqual(
      row(bad, d1, ["success", 1, 0, 7, 0, 0, null, 42]),
    );
  });

  it("a dry run returns what would be written and writes nothing", async () => {
    const tableBefore = await mirroredRows(mirror, "", true);
    const runsBefore = await lastRunId();
    const { status, body } = await exportNow({ dry_run: true, days: 2 }, operator);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      dry_run: true,
      target: "local",
      date_from: d1,
      date_to: d0,
      rows_truncated: false,
    });
    expect(body.rows).toHaveLength(body.rows_read);
    expect(body.rows.filter((r: MirroredRow) => r.company_key.startsWith(A))).toEqual([
      row(A, d1, ["success", 1, 0, 40, 0.05, 0.02, 38, 61.5]),
      row(A, d0, ["no_data", 0, 1, null, null, null, 39, null]),
    ]);
    expect(await mirroredRows(mirror, "", true)).toEqual(tableBefore);
    expect(await mirrorRunsSince(runsBefore)).toHaveLength(0);
  });
});

describe("mirror: routes, roles and input", () => {
  it("an operator exports (trigger api); a viewer may not; anon gets 401", async () => {
    expect((await exportNow({ days: 1 }, operator)).body.export).toMatchObject({
      status: "completed",
      trigger: "api",
    });
    const denied = await exportNow({}, viewer);
    expect(denied.status).toBe(403);
    const anon = await call("", null, { method: "POST", body: JSON.stringify({ action: "export" }) });
    expect(anon.status).toBe(401);
  });

  it("a viewer reads the status: target, freshness and the last exports", async () => {
    const response = await call("/status", viewer);
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.target).toBe("local");
    expect(body.destination).toContain("scrape_ops_mirror");
    expect(body.freshness).toMatchObject({ yesterday: d1, today: d0 });
    expect(typeof body.freshness.is_fresh).toBe("boolean");
    expect(body.exports.length).toBeGreaterThan(0);
    expect(body.exports[0]).toMatchObject({ target: "local", status: "completed" });
    const same = await call("?limit=1", viewer);
    expect((await same.json()).exports).toHaveLength(1);
  });

  it("bad input is a 400 with field errors and records nothing", async () => {
    const before = await lastRunId();
    for (
      const body of [{ action: "export", days: 0 }, { action: "export", days: "3" }, {
        action: "export",
        rows: [],
      }]
    ) {
      const response = await call("", stack.secretKey, { method: "POST", body: JSON.stringify(body) });
      expect(response.status).toBe(400);
      expect((await response.json()).error.code).toBe("invalid_input");
    }
    const workAsOperator = await call("", operator, { method: "POST", body: JSON.stringify({ job_id: 1 }) });
    expect(workAsOperator.status).toBe(403);
    expect(await mirrorRunsSince(before)).toHaveLength(0);
  });
});

describe("mirror: jobs and the schedule", () => {
  it("a mirror job started through the jobs function runs, logs, finishes and links its export", async () => {
    const started = await fetch(functionUrl("jobs", "/"), {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${operator}` },
      body: JSON.stringify({ type: "mirror", params: { days: 2 } }),
    });
    expect(started.status).toBe(201);
    const { id } = await started.json();
    const job = await waitFor(async () => {
      const [j] =
        await sql`select status, result, error from ops.jobs where id = ${id} and finished_at is not null`;
      return j;
    });
    expect(job).toMatchObject({ status: "completed", error: null });
    expect(job.result).toMatchObject({ dry_run: false, target: "local", date_from: d1, date_to: d0 });
    const [run] = await sql`select * from ops.mirror_runs where job_id = ${id}`;
    expect(run).toMatchObject({ id: job.result.mirror_run_id, trigger: "job", status: "completed" });
    const logs = await sql`select level, message from ops.logs where job_id = ${id} order by id`;
    expect(logs.map((l) => l.level)).toEqual(["INFO", "INFO", "SUCCESS"]);
  });

  it("a dry-run job logs what it would write and records no export", async () => {
    const before = await lastRunId();
    const [job] = await sql`select id from ops.enqueue(p_type => 'mirror', p_params => ${
      sql.json({ days: 1, dry_run: true })
    })`;
    await sql`select ops.dispatch('mirror', ${sql.json({ job_id: job.id, type: "mirror" })})`;
    const done = await waitFor(async () => {
      const [j] =
        await sql`select status, result from ops.jobs where id = ${job.id} and finished_at is not null`;
      return j;
    });
    expect(done).toMatchObject({
      status: "completed",
      result: { dry_run: true, date_from: d0, date_to: d0 },
    });
    const [{ n }] =
      await sql`select count(*)::int as n from ops.logs where job_id = ${job.id} and message like 'would upsert%'`;
    expect(n).toBeGreaterThan(0);
    expect(await mirrorRunsSince(before)).toHaveLength(0);
  });

  it("the 07:45 schedule's dispatch (pg_notify -> functions server) runs a scheduled export", async () => {
    const before = await lastRunId();
    await sql`select ops.dispatch('mirror', ${
      sql.json({ action: "export", trigger: "schedule", schedule: "mirror_export", local_date: d0 })
    })`;
    const [run] = await waitFor(async () => {
      const runs = await sql`select * from ops.mirror_runs where id > ${before} and finished_at is not null`;
      return runs.length ? runs : null;
    });
    expect(run).toMatchObject({ trigger: "schedule", status: "completed", target: "local" });
  });
});
