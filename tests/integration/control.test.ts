import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authHeaders, functionUrl, stack, superuserSql, userJwt } from "../support/stack.ts";

const sql = superuserSql();
const portal = `ctl-${Date.now().toString(36)}`;
let sourceId: number;
let jobId: number;

const tokens = {
  anon: stack.publishableKey,
  user: await userJwt(null),
  viewer: await userJwt("viewer"),
  operator: await userJwt("operator"),
  service: stack.secretKey,
};

function call(path: string, token: string | null, init: RequestInit = {}) {
  const headers: Record<string, string> = { "content-type": "application/json" };
  Object.assign(headers, authHeaders(token));
  return fetch(functionUrl("control", path), { ...init, headers });
}

beforeAll(async () => {
  [{ id: sourceId }] = await sql`
    insert into ops.sources (key, display_name, adapter, breaker_state, breaker_opened_at, consecutive_errors)
    values (${portal}, 'Control test', 'greenhouse', 'open', now(), 6) returning id`;
  [{ id: jobId }] = await sql`
    insert into ops.jobs (type, status, source_id, started_at, heartbeat_at)
    values ('scrape', 'running', ${sourceId}, now(), now()) returning id`;
  await sql`
    insert into ops.logs (job_id, source_id, ts, level, message)
    select ${jobId}, ${sourceId}, '2026-01-01T00:00:00Z'::timestamptz + make_interval(mins => i), lvl, 'line ' || i
      from generate_series(1, 6) i,
           lateral (select (array['INFO','ERROR','WARNING','INFO','ERROR','DEBUG'])[i] as lvl) l`;
  await sql`
    insert into ops.errors (source_id, job_id, fingerprint, category, severity, message, last_occurrence)
    values (${sourceId}, ${jobId}, 'fp-a', 'block_403', 'high', 'Forbidden', '2026-01-01T01:00:00Z'),
           (${sourceId}, ${jobId}, 'fp-b', 'parsing', 'medium', 'markup changed', '2026-01-02T01:00:00Z')`;
});

afterAll(async () => {
  await sql`delete from ops.logs where job_id = ${jobId}`;
  await sql`delete from ops.jobs where id = ${jobId}`;
  await sql`delete from ops.audit_log where target = ${`sources:${portal}`}`;
  await sql`delete from ops.sources where id = ${sourceId}`;
  await sql`update ops.settings set value = '0' where key = 'global_rate_limit_seconds'`;
  await sql.end();
});

describe("control: access", () => {
  it("401 without a token, with the anon key, or with a forged token", async () => {
    expect((await call("/status", null)).status).toBe(401);
    expect((await call("/status", tokens.anon)).status).toBe(401);
    expect((await call("/status", `${tokens.operator.slice(0, -4)}AAAA`)).status).toBe(401);
  });

  it("403 for a signed-in user without an ops role", async () => {
    const response = await call("/portals", tokens.user);
    expect(response.status).toBe(403);
  });

  it("a viewer reads but pulls no lever", async () => {
    expect((await call("/portals", tokens.viewer)).status).toBe(200);
    const response = await call(`/portals/${portal}/breaker-reset`, tokens.viewer, { method: "POST" });
    expect(response.status).toBe(403);
    const [row] = await sql`select breaker_state from ops.sources where id = ${sourceId}`;
    expect(row.breaker_state).toBe("open");
  });
});

describe("control: status and portals", () => {
  it("lists running jobs and the queue", async () => {
    const body = await (await call("/status", tokens.viewer)).json();
    expect(body.running_jobs.map((j: { id: number }) => Number(j.id))).toContain(jobId);
    expect(body.queue.running).toBeGreaterThanOrEqual(1);
    expect(body.uptime.database_seconds).toBeGreaterThanOrEqual(0);
  });

  it("shows a portal's breaker and counters", async () => {
    const body = await (await call("/portals", tokens.operator)).json();
    const mine = body.portals.find((p: { portal: string }) => p.portal === portal);
    expect(mine).toMatchObject({ active: true, breaker_state: "open", consecutive_errors: 6, rate_limit_seconds: 1 });
  });
});

describe("control: levers", () => {
  it("an operator changes a portal's rate limit, and the change is audited", async () => {
    const response = await call("/rate-limit", tokens.operator, {
      method: "POST",
      body: JSON.stringify({ portal, seconds: 2.5 }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ scope: "portal", portal, rate_limit_seconds: 2.5 });
    const [audit] = await sql`select actor, actor_role, before, after from ops.audit_log
                               where target = ${`sources:${portal}`} order by id desc limit 1`;
    expect(audit).toEqual({
      actor: "operator@example.com",
      actor_role: "operator",
      before: { rate_limit_seconds: 1 },
      after: { rate_limit_seconds: 2.5 },
    });
  });

  it("sets the global rate limit", async () => {
    const response = await call("/rate-limit", tokens.operator, { method: "POST", body: JSON.stringify({ seconds: 0.25 }) });
    expect(await response.json()).toEqual({ scope: "global", rate_limit_seconds: 0.25 });
  });

  it("toggles a portal and resets its breaker", async () => {
    const off = await call(`/portals/${portal}/toggle`, tokens.operator, {
      method: "POST",
      body: JSON.stringify({ active: false }),
    });
    expect(await off.json()).toEqual({ portal, active: false });
    const reset = await call(`/portals/${portal}/breaker-reset`, tokens.operator, { method: "POST" });
    expect(await reset.json()).toEqual({ portal, breaker_state: "closed", consecutive_errors: 0 });
    const [row] = await sql`select active, breaker_state, consecutive_errors from ops.sources where id = ${sourceId}`;
    expect(row).toEqual({ active: false, breaker_state: "closed", consecutive_errors: 0 });
  });

  it("400 with the failing field for a rate limit out of range, and nothing written", async () => {
    const before = await sql`select count(*)::int as n from ops.audit_log`;
    const response = await call("/rate-limit", tokens.operator, {
      method: "POST",
      body: JSON.stringify({ portal, seconds: 99999 }),
    });
    expect(response.status).toBe(400);
    expect(Object.keys((await response.json()).error.fields)).toEqual(["seconds"]);
    const after = await sql`select count(*)::int as n from ops.audit_log`;
    expect(after[0].n).toBe(before[0].n);
  });

  it("400 for malformed JSON and unknown fields; 404 for an unknown portal", async () => {
    expect((await call("/rate-limit", tokens.operator, { method: "POST", body: "{" })).status).toBe(400);
    const extra = await call("/rate-limit", tokens.operator, {
      method: "POST",
      body: JSON.stringify({ seconds: 1, sneaky: true }),
    });
    expect(extra.status).toBe(400);
    const unknown = await call("/portals/no-such-portal/breaker-reset", tokens.operator, { method: "POST" });
    expect(unknown.status).toBe(404);
  });
});

describe("control: log and error search", () => {
  it("filters logs by job, level and time range, newest first", async () => {
    const query = `/logs?job_id=${jobId}&level=ERROR&start=2026-01-01T00:00:00Z&end=2026-01-01T00:04:00Z`;
    const body = await (await call(query, tokens.viewer)).json();
    expect(body.logs.map((l: { message: string }) => l.message)).toEqual(["line 2"]);
    const byPortal = await (await call(`/logs?portal=${portal}&limit=3`, tokens.viewer)).json();
    expect(byPortal.logs.map((l: { message: string }) => l.message)).toEqual(["line 6", "line 5", "line 4"]);
  });

  it("filters errors by type, severity and portal", async () => {
    const body = await (await call(`/errors?portal=${portal}&error_type=parsing`, tokens.viewer)).json();
    expect(body.errors.map((e: { message: string }) => e.message)).toEqual(["markup changed"]);
    const high = await (await call(`/errors?portal=${portal}&severity=high`, tokens.viewer)).json();
    expect(high.errors.map((e: { fingerprint: string }) => e.fingerprint)).toEqual(["fp-a"]);
  });

  it("400 for a limit over 1000, a bad level or a bad date", async () => {
    for (const query of ["/logs?limit=5000", "/logs?level=LOUD", "/errors?start=yesterday"]) {
      const response = await call(query, tokens.viewer);
      expect(response.status, query).toBe(400);
    }
  });
});
