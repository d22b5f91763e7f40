// The morning answer through the control API: GET /control/digest, GET /control/alerts,
// POST /control/alerts/:id/ack and /snooze (viewer reads, operator acts, audited).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authHeaders, functionUrl, superuserSql, userJwt } from "../support/stack.ts";

const sql = superuserSql();
const portal = `dg-${Date.now().toString(36)}`;
let sourceId: number;
let alertId: string;

const tokens = { viewer: await userJwt("viewer"), operator: await userJwt("operator") };

function call(path: string, token: string, init: RequestInit = {}) {
  return fetch(functionUrl("control", path), {
    ...init,
    headers: { "content-type": "application/json", ...authHeaders(token) },
  });
}

beforeAll(async () => {
  // a source that existed before today and delivered nothing today: a no_data problem and alert
  [{ id: sourceId }] = await sql`
    insert into ops.sources (key, display_name, adapter, owner, tags, created_at)
    values (${portal}, 'Digest test', 'greenhouse', 'team-digest', '{dach}', now() - interval '3 days') returning id`;
  await sql`select ops.sync_alerts()`;
  const [row] =
    await sql`select alert_id from ops.alerts_v where source_id = ${sourceId} and rule = 'no_data'`;
  alertId = row.alert_id;
});

afterAll(async () => {
  await sql`delete from ops.audit_log where target = ${`alert:${alertId}`}`;
  await sql`delete from ops.sources where id = ${sourceId}`;
  await sql.end();
});

describe("GET /control/digest", () => {
  it("answers the SQL digest: the company is a no_data problem with its playbook action and alert", async () => {
    const response = await call("/digest", tokens.viewer);
    expect(response.status).toBe(200);
    const digest = await response.json();
    const [{ expected }] = await sql`select ops.digest() as expected`;
    expect(digest.date).toBe(expected.date);
    expect(digest.health.success + digest.health.problems).toBe(digest.health.companies);
    const entry = digest.problems.find((p: { company_key: string }) => p.company_key === portal);
    expect(entry).toMatchObject({
      final_status: "no_data",
      owner: "team-digest",
      tags: ["dach"],
      problem_reasons: ["no_data"],
      root_cause: { category: "no_data", through_breaker: false },
      suggested_action: { key: "no_data" },
      links: { job: null, logs: `/functions/v1/control/logs?portal=${portal}&level=ERROR` },
    });
    expect(entry.alerts.map((a: { alert_id: string }) => a.alert_id)).toContain(alertId);
  });

  it("400 naming the field for a bad date", async () => {
    const response = await call("/digest?date=26.11.2026", tokens.viewer);
    expect(response.status).toBe(400);
    expect(Object.keys((await response.json()).error.fields)).toEqual(["date"]);
  });
});

describe("alerts: list, acknowledge, snooze", () => {
  it("lists open alerts with their suggested action; 400 for an unknown state", async () => {
    const body = await (await call("/alerts?state=open", tokens.viewer)).json();
    const alert = body.alerts.find((a: { alert_id: string }) => a.alert_id === alertId);
    expect(alert).toMatchObject({
      rule: "no_data",
      state: "open",
      source_key: portal,
      suggested_action: { key: "no_data" },
    });
    expect((await call("/alerts?state=closed", tokens.viewer)).status).toBe(400);
  });

  it("a viewer may not act (403), an unknown alert is 404, and neither writes anything", async () => {
    const ack = await call(`/alerts/${encodeURIComponent(alertId)}/ack`, tokens.viewer, { method: "POST" });
    expect(ack.status).toBe(403);
    const snooze = await call(`/alerts/${encodeURIComponent(alertId)}/snooze`, tokens.viewer, {
      method: "POST",
      body: JSON.stringify({ until_change: true }),
    });
    expect(snooze.status).toBe(403);
    const unknown = await call("/alerts/no_data:nobody:2020-01-01/ack", tokens.operator, { method: "POST" });
    expect(unknown.status).toBe(404);
    const [{ n }] =
      await sql`select count(*)::int as n from ops.audit_log where target = ${`alert:${alertId}`}`;
    expect(n).toBe(0);
  });

  it("400 naming until for a snooze without until or until_change, or with both", async () => {
    for (const body of [{}, { until: "2999-01-01T00:00:00Z", until_change: true }, { until: "tomorrow" }]) {
      const response = await call(`/alerts/${encodeURIComponent(alertId)}/snooze`, tokens.operator, {
        method: "POST",
        body: JSON.stringify(body),
      });
      expect(response.status).toBe(400);
      expect(Object.keys((await response.json()).error.fields)).toContain("until");
    }
  });

  it("an operator snoozes until a time, then acknowledges; each action leaves an audit row", async () => {
    const until = new Date(Date.now() + 3_600_000).toISOString();
    const snoozed = await call(`/alerts/${encodeURIComponent(alertId)}/snooze`, tokens.operator, {
      method: "POST",
      body: JSON.stringify({ until }),
    });
    expect(snoozed.status).toBe(200);
    expect(await snoozed.json()).toMatchObject({
      alert_id: alertId,
      state: "snoozed",
      snooze_until_change: false,
    });
    const listed = await (await call("/alerts?state=snoozed", tokens.viewer)).json();
    expect(listed.alerts.map((a: { alert_id: string }) => a.alert_id)).toContain(alertId);

    const acked = await call(`/alerts/${encodeURIComponent(alertId)}/ack`, tokens.operator, {
      method: "POST",
    });
    expect(acked.status).toBe(200);
    expect(await acked.json()).toMatchObject({ alert_id: alertId, state: "acknowledged" });

    const audit = await sql`select action, actor_role, after from ops.audit_log
                             where target = ${`alert:${alertId}`} order by id`;
    expect(audit.map((r) => r.action)).toEqual(["snooze_alert", "acknowledge_alert"]);
    expect(audit.every((r) => r.actor_role === "operator")).toBe(true);
  });
});
