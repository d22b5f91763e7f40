// Notifications end to end against the stand-in receiver: the SQL planner (ops.plan_notifications)
// and the notify worker, driven hour by hour on a simulated clock across both DST changes of 2027,
// with failing and hanging receivers. The receiver must get exactly one digest per Berlin date and
// channel, in each channel's wire format, and no secret may end up in a row.
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type NotifyStandin, startNotifyStandin } from "../../scripts/notify-standin/server.ts";
import { deliverDueNotifications } from "../../supabase/functions/notify/worker.ts";
import { authHeaders, functionUrl, stack, superuserSql, userJwt } from "../support/stack.ts";

const admin = superuserSql();
// one session, so that the simulated clock (ops.now) holds for the planner and the worker alike
const clocked = postgres(stack.dbUrl, { max: 1, onnotice: () => {} });
const tag = `nt${Date.now().toString(36)}`;
const API_KEY = `key-${tag}`;
let standin: NotifyStandin;
let env: Record<string, string>;
const channelIds: Record<string, number> = {};

/** Berlin dates and the hourly ticks (UTC, at :20) from 00:20 of the first to the end of the last date. */
const DATES = ["2027-03-27", "2027-03-28", "2027-03-29", "2027-10-30", "2027-10-31", "2027-11-01"];
function ticks(): Date[] {
  const out: Date[] = [];
  for (
    const [from, to] of [["2027-03-26T23:20:00Z", "2027-03-29T22:00:00Z"], [
      "2027-10-29T22:20:00Z",
      "2027-11-01T23:00:00Z",
    ]]
  ) {
    for (let t = Date.parse(from); t < Date.parse(to); t += 3_600_000) out.push(new Date(t));
  }
  return out;
}

beforeAll(async () => {
  standin = await startNotifyStandin({ apiKey: API_KEY });
  env = {
    [`SLACK_${tag}`]: `${standin.url}/slack/${tag}`,
    [`HOOK_${tag}`]: `${standin.url}/webhook/${tag}`,
    [`MAIL_${tag}`]: API_KEY,
  };
  // the planner and this worker are driven by hand here: no cron tick may deliver in between
  await admin`update cron.job set active = false where jobname = 'ops-notify'`;
  const rows = await admin`
    insert into ops.notification_channels (name, kind, secret_name, endpoint_url, recipients, sender, min_alert_severity)
    values (${`slack-${tag}`}, 'slack', ${`SLACK_${tag}`}, null, '{}', null, null),
           (${`hook-${tag}`}, 'webhook', ${`HOOK_${tag}`}, null, '{}', null, null),
           (${`mail-${tag}`}, 'email', ${`MAIL_${tag}`}, ${`${standin.url}/email`}, '{ops@example.org}', 'scrape-ops@example.org', null)
    returning id, kind`;
  for (const row of rows) channelIds[row.kind] = Number(row.id);
});

afterAll(async () => {
  await admin`delete from ops.notification_channels where name like ${`%-${tag}`}`;
  await admin`update cron.job set active = true where jobname = 'ops-notify'`;
  await standin?.close();
  await clocked.end();
  await admin.end();
});

describe("digest notifications", () => {
  it(
    "exactly one digest per Berlin date and channel across both DST changes, through failures and timeouts",
    async () => {
      // the first attempts fail in three ways: 500 twice on the webhook, a hang on Slack, a 503 on e-mail
      standin.failNext(`/webhook/${tag}`, 500, 2);
      standin.failNext(`/slack/${tag}`, "hang", 1);
      standin.failNext("/email", 503, 1);

      for (const tick of ticks()) {
        await clocked`select set_config('ops.now', ${tick.toISOString()}, false)`;
        await clocked`select ops.plan_notifications()`;
        await deliverDueNotifications({ sql: clocked, env: (name) => env[name], timeoutMs: 1_000 });
      }

      for (
        const [kind, prefix] of [["slack", `/slack/${tag}`], ["webhook", `/webhook/${tag}`], [
          "email",
          "/email",
        ]]
      ) {
        const keys = standin.messages.filter((m) => m.path === prefix).map((m) => m.idempotencyKey);
        expect(keys, kind).toEqual(DATES.map((date) => `digest:${channelIds[kind]}:${date}`));
      }
      expect(standin.failures.map((f) => f.outcome).sort()).toEqual([500, 500, 503, "hang"].sort());

      const deliveries = await admin`
      select c.kind, d.digest_date::text as date, d.status, d.attempts, d.last_error
        from ops.notification_deliveries d join ops.notification_channels c on c.id = d.channel_id
       where c.name like ${`%-${tag}`} order by c.kind, d.digest_date`;
      expect(deliveries).toHaveLength(3 * DATES.length);
      expect(deliveries.every((d) => d.status === "sent" && d.last_error === null)).toBe(true);
      const firstAttempts = Object.fromEntries(
        deliveries.filter((d) => d.date === DATES[0]).map((d) => [d.kind, d.attempts]),
      );
      expect(firstAttempts).toEqual({ email: 2, slack: 2, webhook: 3 });
    },
    600_000,
  );

  it("sends each channel's wire format, from the SQL digest", async () => {
    const slack = standin.messages.find((m) => m.path === `/slack/${tag}`)!;
    expect(slack.body.text).toMatch(/^\*Morning report 2027-03-27\*/);
    const hook = standin.messages.find((m) => m.path === `/webhook/${tag}`)!;
    expect(hook.body).toMatchObject({ type: "digest", digest: { version: 1, date: "2027-03-27" } });
    const mail = standin.messages.find((m) => m.path === "/email")!;
    expect(mail.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(mail.body).toMatchObject({ from: "scrape-ops@example.org", to: ["ops@example.org"] });
    expect(mail.body.subject).toMatch(/^Morning report 2027-03-27: \d+ of \d+ companies need attention$/);
    expect(mail.body.text).toMatch(/^MORNING REPORT {2}run date 2027-03-27/);
  });

  it("keeps secrets (webhook URLs, the API key) out of every row", async () => {
    const secrets = Object.values(env);
    const rows = await admin`
      select row_to_json(d)::text || row_to_json(c)::text as text
        from ops.notification_deliveries d join ops.notification_channels c on c.id = d.channel_id
       where c.name like ${`%-${tag}`}`;
    expect(rows.length).toBeGreaterThan(0);
    for (const { text } of rows) for (const secret of secrets) expect(text).not.toContain(secret);
  });
});

describe("a failing channel", () => {
  it(
    "is retried with backoff, given up after max attempts, raises notification_failing, and does not hold up others",
    async () => {
      const [{ id }] = await admin`
      insert into ops.notification_channels (name, kind, secret_name, min_alert_severity)
      values (${`dead-${tag}`}, 'webhook', ${`DEAD_${tag}`}, null) returning id`;
      env[`DEAD_${tag}`] = `${standin.url}/webhook/dead-${tag}`;
      standin.failNext(`/webhook/dead-${tag}`, 502, 100);
      const start = Date.parse("2027-12-01T07:00:00Z"); // 08:00 Berlin
      for (let i = 0; i < 8; i++) {
        // two hours apart: past every backoff (30 s doubling, at most one hour)
        const tick = new Date(start + i * 7_200_000).toISOString();
        await clocked`select set_config('ops.now', ${tick}, false)`;
        await clocked`select ops.plan_notifications()`;
        await deliverDueNotifications({ sql: clocked, env: (name) => env[name], timeoutMs: 1_000 });
      }
      const [dead] =
        await admin`select status, attempts, last_status_code, last_error from ops.notification_deliveries
                                where channel_id = ${id}`;
      expect(dead).toMatchObject({ status: "failed", attempts: 6, last_status_code: 502 });
      expect(dead.last_error).toMatch(/^HTTP 502/);
      const others = await admin`select count(*)::int as n from ops.notification_deliveries d
      join ops.notification_channels c on c.id = d.channel_id
     where c.name like ${`%-${tag}`} and c.id <> ${id} and d.digest_date = '2027-12-01' and d.status = 'sent'`;
      expect(others[0].n).toBe(3);
      await clocked`select set_config('ops.now', ${new Date(start + 16 * 3_600_000).toISOString()}, false)`;
      const [alert] =
        await clocked`select rule, message from ops.alerts_v where rule = 'notification_failing'`;
      expect(alert.message).toContain(`dead-${tag} (6 failed attempts, last answer 502`);
      await clocked`select set_config('ops.now', '', false)`;
    },
    300_000,
  );
});

describe("POST /notify", () => {
  it("delivers what is due for the service role or an operator; 403 for a viewer; 400 for a bad body", async () => {
    const call = async (credential: string, body: unknown) =>
      await fetch(functionUrl("notify"), {
        method: "POST",
        headers: { "content-type": "application/json", ...authHeaders(credential) },
        body: JSON.stringify(body),
      });
    expect((await call(await userJwt("viewer"), { action: "work" })).status).toBe(403);
    const bad = await call(stack.secretKey, { action: "send-everything" });
    expect(bad.status).toBe(400);
    expect(Object.keys((await bad.json()).error.fields)).toEqual(["action"]);
    const ok = await call(await userJwt("operator"), { action: "work", trigger: "test" });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ sent: 0, retrying: 0, failed: 0 });
  });
});
