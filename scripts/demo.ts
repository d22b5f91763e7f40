// npm run demo: the nightly system end to end on this machine.
//   1. starts the local stack on a fresh database and the fixture career sites
//   2. registers ~30 companies across every adapter and fault profile
//   3. backfills 21 nights (real pipeline runs against the sites as they looked
//      on each day, so that baselines mean something)
//   4. runs tonight's pipeline live with progress
//      on a simulated clock: each night's circuit breakers run on that night's time, so that a
//      breaker opened one night has cooled down and probes the next, as in real nights
//   5. exports the BigQuery mirror (the local target unless BigQuery is configured)
//   6. sends the digest to a local stand-in receiver (a Slack webhook and a JSON webhook)
//   7. prints the morning report (the same digest, rendered as text)
// The demo resets the local database: it is a demo, not a migration.
import postgres from "postgres";
import { type Company, demoCompanies } from "./fixtures/catalog.ts";
import { type FixtureServer, startFixtureServer } from "./fixtures/server.ts";
import { serviceHeaders, stackConfig } from "./lib/config.ts";
import { startNotifyStandin } from "./notify-standin/server.ts";
import { signInLines } from "./lib/console.ts";
import { resetDatabase } from "./lib/database.ts";
import { morningReport } from "./lib/morning-report.ts";
import { printSummary, runPipelineLive } from "./lib/pipeline-live.ts";
import { restartFunctions, stackUp } from "./lib/stack.ts";

const HISTORY_NIGHTS = 21;
/** Local sites answer in milliseconds: no politeness delay, and a hung site is given up after 2 s. */
const DEMO_SOURCE_OPTIONS = {
  rate_limit_seconds: 0,
  request_timeout_seconds: 2,
  max_retries: 1,
  breaker_threshold: 3,
  breaker_cooldown_seconds: 600,
  drop_min_baseline: 5,
};
const started = Date.now();
const config = stackConfig();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0).padStart(3)}s`;
const say = (line: string) => console.log(`${elapsed()}  ${line}`);

/** The demo catalog: every format healthy, every fault twice; day-dependent faults hit the last nights. */
function demoCatalog(): Company[] {
  return demoCompanies(42).map((company) => {
    const fault = company.fault;
    if (fault.kind === "markup_changed") return { ...company, fault: { ...fault, fromDay: HISTORY_NIGHTS - 2 } };
    if (fault.kind === "volume_drop") return { ...company, fault: { ...fault, fromDay: HISTORY_NIGHTS } };
    return company;
  });
}

function berlinDate(offsetDays: number): string {
  const today = new Date(new Date().toLocaleString("en-US", { timeZone: "Europe/Berlin" }));
  today.setDate(today.getDate() + offsetDays);
  return `${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, "0")}-${String(today.getDate()).padStart(2, "0")}`;
}

async function registerSources(sql: postgres.Sql, fixtures: FixtureServer, day: number) {
  for (const company of fixtures.companies) {
    const { adapter, config: adapterConfig } = fixtures.sourceFor(company.key, day);
    await sql`select key from ops.upsert_source(${company.key}, ${company.name}, ${adapter},
      ${sql.json(adapterConfig as postgres.JSONValue)},
      ${sql.json(DEMO_SOURCE_OPTIONS)})`;
  }
}

/** Notification channels of the demo: the stand-in receiver's URLs are their secrets (env vars of the functions). */
async function registerChannels(sql: postgres.Sql) {
  await sql`insert into ops.notification_channels (name, kind, secret_name, min_alert_severity)
            values ('demo-slack', 'slack', 'DEMO_NOTIFY_SLACK_URL', 'critical'),
                   ('demo-webhook', 'webhook', 'DEMO_NOTIFY_WEBHOOK_URL', 'critical')`;
}

/** Plans this morning's notifications as at 07:50 Berlin (or now, if later) and lets the notify function send them. */
async function sendMorningNotifications(sql: postgres.Sql) {
  const [{ at }] = await sql`
    select greatest(now(), (ops_private.berlin_today() + time '07:50') at time zone 'Europe/Berlin') as at`;
  await sql.begin(async (tx) => {
    await tx`select set_config('ops.now', ${(at as Date).toISOString()}, true)`;
    await tx`select ops.plan_notifications()`;
  });
  const response = await fetch(`${config.supabaseUrl}/functions/v1/notify`, {
    method: "POST",
    headers: { ...serviceHeaders(config), "content-type": "application/json" },
    body: JSON.stringify({ action: "work", trigger: "demo" }),
  });
  return { status: response.status, body: await response.json().catch(() => ({})) };
}

async function main() {
  console.log("scrape-ops demo: a nightly scraping system and its morning report\n");
  say("starting the local stack");
  await stackUp(config);
  await resetDatabase(config);
  const receiver = await startNotifyStandin();
  process.env.DEMO_NOTIFY_SLACK_URL = `${receiver.url}/slack/demo`;
  process.env.DEMO_NOTIFY_WEBHOOK_URL = `${receiver.url}/webhook/demo`;
  await restartFunctions(config);
  const sql = postgres(config.dbUrl, { max: 2, onnotice: () => {} });
  const fixtures = await startFixtureServer({ companies: demoCatalog() });
  try {
    say(`fixture career sites on ${fixtures.url}: ${fixtures.companies.length} companies`);
    await registerSources(sql, fixtures, 0);
    const formats = new Set(fixtures.companies.map((c) => c.format));
    const faults = new Set(fixtures.companies.map((c) => c.fault.kind));
    say(`registered ${fixtures.companies.length} sources: ${formats.size} adapters, ${faults.size} fault profiles`);

    say(`backfilling ${HISTORY_NIGHTS} nights (circuit breakers on each night's simulated clock)`);
    await sql`update ops.settings set value = 'true' where key = 'simulated_night_clock'`;
    for (let day = 0; day < HISTORY_NIGHTS; day++) {
      const runDate = berlinDate(day - HISTORY_NIGHTS);
      await registerSources(sql, fixtures, day);
      const night = await runPipelineLive(config, { runDate, log: () => {}, pollMs: 150 });
      const t = night.totals;
      say(`  night ${runDate}: ${night.status.padEnd(9)} ${t.completed} completed, ${t.partial} partial, ` +
        `${t.failed} failed, ${t.skipped} skipped (${night.durationSeconds.toFixed(1)} s)`);
    }

    await sql`update ops.settings set value = 'false' where key = 'simulated_night_clock'`;
    say("tonight's pipeline, live");
    await registerSources(sql, fixtures, HISTORY_NIGHTS);
    const tonight = await runPipelineLive(config, {
      runDate: berlinDate(0),
      log: (line) => console.log(`        ${line}`),
    });
    printSummary(tonight, (line) => console.log(`        ${line}`));

    say("exporting the mirror");
    const mirror = await fetch(`${config.supabaseUrl}/functions/v1/mirror`, {
      method: "POST",
      headers: { ...serviceHeaders(config), "content-type": "application/json" },
      body: JSON.stringify({ action: "export", days: HISTORY_NIGHTS + 1 }),
    });
    const exported = await mirror.json().catch(() => ({}));
    const record = exported.export ?? exported;
    say(mirror.ok
      ? `  mirror: ${record.rows_upserted} rows (${record.date_from} to ${record.date_to}) to the ${record.target} target in ${record.duration_ms} ms`
      : `  mirror export failed (${mirror.status}): ${JSON.stringify(exported)}`);

    say("sending the morning digest (stand-in receiver for Slack and a JSON webhook)");
    // registered only now: from 07:50 Berlin on, the ops-notify cron job sends a channel's digest
    // once per date, and it must not go out before the night is over
    await registerChannels(sql);
    const sent = await sendMorningNotifications(sql);
    const digests = receiver.messages.filter((m) => (m.idempotencyKey ?? "").startsWith("digest:"));
    const alerts = receiver.messages.length - digests.length;
    const delivered = digests.map((m) => `digest to ${m.path} (${JSON.stringify(m.body).length} bytes)`).join(", ");
    say(sent.status === 200
      ? `  delivered: ${delivered}; ${alerts} critical alert${alerts === 1 ? "" : "s"}`
      : `  notify failed (${sent.status}): ${JSON.stringify(sent.body)}`);

    console.log(`\n${await morningReport(sql, berlinDate(0))}\n`);
    // the stand-in receiver stops with the demo: its channels would only fail from now on
    await sql`update ops.notification_channels set active = false where name like 'demo-%'`;
    say(`the console: http://127.0.0.1:${config.consolePort}/ — sign in as`);
    for (const line of await signInLines(config)) say(line);
    say(`done. The stack keeps running: npm run report, npm run pipeline, Studio on ${config.dbUrl.replace(/:[^:@/]+@/, ":***@")}; stop with npm run stack:down`);
  } finally {
    await fixtures.close();
    await receiver.close();
    await sql.end();
  }
}

main().catch((error) => {
  console.error(`\ndemo failed: ${error instanceof Error ? error.stack ?? error.message : error}`);
  process.exit(1);
});
