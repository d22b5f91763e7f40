// The operations console in real Chromium against the running local stack:
// sign-in per role, the morning page's problems, a live scrape job cancelled
// from the console, portal levers with their audit rows, the errors CSV
// against the API, a lineage tree with skipped children, and a log stream that
// survives a restart of the functions server with no gap. Screenshots of every
// page go to .local/screenshots (never committed).
import { readFileSync } from "node:fs";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { functionsServerDown, functionsServerUp } from "../../scripts/lib/functions-server.ts";
import { jobsApi } from "../../supabase/functions/_shared/jobs/api.ts";
import { parseCsv } from "../../web/src/csv.ts";
import { berlinToday } from "../../web/src/format.ts";
import { type Browser, launchBrowser, screenshot, signedInPage } from "../support/browser.ts";
import { useScrapeFixtures, waitForJob } from "../support/scrape.ts";
import { functionUrl, stack, userJwt } from "../support/stack.ts";

const ctx = useScrapeFixtures([
  { key: "ok", format: "greenhouse", postings: 6 },
  { key: "forbidden", format: "greenhouse", postings: 5, fault: "always_403" },
  { key: "captcha", format: "css-selector", postings: 5, fault: "captcha" },
  { key: "empty", format: "smartrecruiters", postings: 5, fault: "empty" },
  // long enough to watch live and cancel: 40 pages, each answered after 400 ms
  { key: "slow", format: "lever", postings: 80, pageSize: 2, fault: { kind: "slow", delayMs: 400 } },
]);
const { sql } = ctx;
const TODAY = berlinToday();
const operatorJwt = await userJwt("operator");
const roots: number[] = [];
const externalJobs: number[] = [];
let browser: Browser;

async function apiGet<T>(path: string): Promise<T> {
  const response = await fetch(functionUrl(path), { headers: { authorization: `Bearer ${await userJwt("viewer")}` } });
  expect(response.status, path).toBe(200);
  return await response.json() as T;
}

/** Polls until `check` passes (the console reloads on its own schedule). */
async function eventually(check: () => Promise<void>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

const logIds = (page: Page) =>
  page.getByTestId("terminal").locator("[data-log-id]").evaluateAll((els) => els.map((e) => Number(e.getAttribute("data-log-id"))));

beforeAll(async () => {
  const fast = { rateLimitSeconds: 0, requestTimeoutSeconds: 2, maxRetries: 0, breakerThreshold: 2 };
  for (const key of ["ok", "forbidden", "captcha", "empty", "slow"]) await ctx.source(key, fast);
  await sql`update ops.jobs set status = 'cancelled', finished_at = now(), singleton_key = null
             where type = 'pipeline' and status in ('pending', 'running')`;
  // last night for the four companies, through the API as the schedule would start it
  const response = await fetch(functionUrl("pipeline", "/run"), {
    method: "POST",
    headers: { authorization: `Bearer ${operatorJwt}`, "content-type": "application/json" },
    body: JSON.stringify({ run_date: TODAY, sources: ["ok", "forbidden", "captcha", "empty"].map(ctx.sourceKey) }),
  });
  expect(response.status).toBe(201);
  const run = await response.json();
  roots.push(run.pipeline_id);
  await waitForJob(sql, run.pipeline_id, 180_000);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  const ids = [...roots, ...externalJobs];
  if (ids.length) {
    await sql`update ops.jobs set status = 'cancelled', finished_at = now(), singleton_key = null
               where (id = any(${ids}) or root_id = any(${ids})) and status in ('pending', 'running')`;
    await sql`delete from ops.logs where job_id in (select id from ops.jobs where id = any(${ids}) or root_id = any(${ids}))`;
    await sql`delete from ops.jobs where id = any(${ids})`;
  }
  await sql`delete from ops.audit_log where target like ${`sources:${ctx.sourceKey("")}%`}`;
});

describe("signed in as a viewer", () => {
  let page: Page;
  beforeAll(async () => {
    page = await signedInPage(browser, "viewer");
  });
  afterAll(() => page?.close());

  it("the morning page lists the fixture companies' problems with their causes", async () => {
    await page.goto(`http://127.0.0.1:${stack.consolePort}/#/?date=${TODAY}`);
    const problems = page.getByTestId("problems");
    for (const [key, cause] of [["forbidden", "run failed"], ["captcha", "captcha"], ["empty", "zero items"]]) {
      const item = problems.locator("li.problem", { hasText: `(${ctx.sourceKey(key)})` });
      await item.waitFor();
      expect(await item.getByTestId("cause").innerText()).toContain(cause);
      // what to do is always said
      expect(await item.locator("dd").last().innerText()).not.toBe("");
    }
    expect(await problems.locator("li.problem", { hasText: `(${ctx.sourceKey("ok")})` }).count()).toBe(0);
    await screenshot(page, "morning");
  });

  it("shows no action controls to a viewer", async () => {
    await page.goto(`http://127.0.0.1:${stack.consolePort}/#/control`);
    await page.getByTestId(`state-${ctx.sourceKey("ok")}`).waitFor();
    expect(await page.getByRole("button", { name: /^(Disable|Enable|Reset breaker)/ }).count()).toBe(0);
    await screenshot(page, "control-viewer");
    await page.goto(`http://127.0.0.1:${stack.consolePort}/#/jobs`);
    await page.getByRole("heading", { name: "History" }).waitFor();
    expect(await page.getByRole("button", { name: "New job" }).count()).toBe(0);
  });

  it("filters errors by category and exports a CSV whose rows match the API", async () => {
    await page.goto(`http://127.0.0.1:${stack.consolePort}/#/errors`);
    await page.getByTestId("category-filter").getByRole("button", { name: /block 403/ }).click();
    await page.waitForURL(/category=block_403/);
    const api = await apiGet<{ errors: { id: number; error_type: string; message: string; portal: string }[] }>(
      "control/errors?error_type=block_403&limit=500",
    );
    expect(api.errors.some((e) => e.portal === ctx.sourceKey("forbidden"))).toBe(true);
    await eventually(async () => {
      expect(await page.getByRole("region", { name: "Error rows" }).locator("tbody tr").count()).toBe(api.errors.length);
    });
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-errors").click()]);
    const rows = parseCsv(readFileSync((await download.path())!, "utf8"));
    const header = rows[0];
    const body = rows.slice(1);
    expect(body.length).toBe(api.errors.length);
    expect(body.map((r) => Number(r[header.indexOf("id")]))).toEqual(api.errors.map((e) => e.id));
    expect(body.map((r) => r[header.indexOf("message")])).toEqual(api.errors.map((e) => e.message));
    expect(new Set(body.map((r) => r[header.indexOf("error_type")]))).toEqual(new Set(["block_403"]));
    await screenshot(page, "errors");
  });

  it("is usable by keyboard: skip link, navigation, labelled controls", async () => {
    await page.goto(`http://127.0.0.1:${stack.consolePort}/#/runs`);
    await page.reload(); // a fresh document: focus starts at the top
    await page.getByRole("region", { name: "Companies per day" }).waitFor();
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Skip to content");
    await page.keyboard.press("Enter");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("main");
    // every form control of the page has a label
    const unlabelled = await page.locator("main input, main select").evaluateAll((els) =>
      els.filter((e) => !(e as HTMLInputElement).labels?.length && !e.getAttribute("aria-label")).length
    );
    expect(unlabelled).toBe(0);
    await page.getByRole("link", { name: "Errors" }).focus();
    await page.keyboard.press("Enter");
    await page.waitForURL(/#\/errors/);
  });

  it("renders every other page", async () => {
    const base = `http://127.0.0.1:${stack.consolePort}/#`;
    await page.goto(`${base}/runs?from=${TODAY}&to=${TODAY}`);
    await page.getByRole("region", { name: "Companies per day" }).getByText(ctx.sourceKey("forbidden")).first().waitFor();
    await screenshot(page, "runs-per-day");
    await page.goto(`${base}/runs?view=run&from=${TODAY}&to=${TODAY}`);
    await page.getByRole("region", { name: "Scrape runs" }).getByText(ctx.sourceKey("forbidden")).first().waitFor();
    await screenshot(page, "runs-per-run");
    await page.goto(`${base}/company/${ctx.sourceKey("forbidden")}`);
    await page.getByRole("heading", { name: "Service level" }).waitFor();
    await page.getByRole("region", { name: "Recent runs" }).locator("tbody tr").first().waitFor();
    await screenshot(page, "company");
    await page.goto(`${base}/pipeline`);
    await page.getByRole("region", { name: "Last pipeline runs" }).getByText(`#${roots[0]}`).waitFor();
    await screenshot(page, "pipeline");
    await page.goto(`${base}/jobs`);
    await page.getByRole("region", { name: "Job history" }).locator("tbody tr").first().waitFor();
    await screenshot(page, "jobs");
    await page.goto(`${base}/jobs/${roots[0]}`);
    await page.getByTestId("lineage").waitFor();
    await screenshot(page, "job-finished");
    const signIn = await browser.context.newPage();
    await signIn.goto(`http://127.0.0.1:${stack.consolePort}/`);
    await signIn.getByRole("button", { name: "Sign in" }).waitFor();
    await screenshot(signIn, "sign-in");
    await signIn.close();
  });
});

describe("signed in as an operator", () => {
  let page: Page;
  beforeAll(async () => {
    page = await signedInPage(browser, "operator");
  });
  afterAll(() => page?.close());

  it("starts a scrape job, sees its log live, cancels it and sees cancelled", async () => {
    await page.goto(`http://127.0.0.1:${stack.consolePort}/#/jobs`);
    await page.getByRole("button", { name: "New job" }).click();
    const dialog = page.getByRole("dialog", { name: "New job" });
    await dialog.getByLabel("Type").selectOption("scrape");
    await dialog.getByLabel(/source/).fill(ctx.sourceKey("slow"));
    await dialog.getByRole("button", { name: "Start job" }).click();
    await page.waitForURL(/#\/jobs\/\d+$/);
    const jobId = Number(page.url().split("/").pop());
    externalJobs.push(jobId);
    // lines arrive while the job runs
    await eventually(async () => expect((await logIds(page)).length).toBeGreaterThanOrEqual(3), 60_000);
    expect((await sql`select status from ops.jobs where id = ${jobId}`)[0].status).toBe("running");
    await screenshot(page, "job-live");
    await page.getByRole("button", { name: "Cancel job" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Cancel the job" }).click();
    // the worker stops at its next heartbeat; the page then shows the job as it ended
    await eventually(async () => expect(await page.getByRole("heading", { name: `Job #${jobId}` }).innerText()).toContain("cancelled"), 60_000);
    expect((await sql`select status from ops.jobs where id = ${jobId}`)[0].status).toBe("cancelled");
  });

  it("acknowledges an alert on the morning page", async () => {
    await page.goto(`http://127.0.0.1:${stack.consolePort}/#/?date=${TODAY}`);
    const alert = page.getByTestId("alerts").locator("li", { hasText: "high block rate" })
      .filter({ hasText: ctx.sourceKey("forbidden") });
    await alert.getByRole("button", { name: "Acknowledge" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Confirm" }).click();
    await eventually(async () => expect(await alert.innerText()).toContain("acknowledged"));
    expect(await alert.getByRole("button", { name: "Acknowledge" }).count()).toBe(0);
    await screenshot(page, "morning-operator");
  });

  it("toggles a portal and resets a breaker, and the audit log shows both", async () => {
    const okKey = ctx.sourceKey("ok");
    const blockedKey = ctx.sourceKey("forbidden");
    await sql`update ops.sources set breaker_state = 'open', breaker_opened_at = now(), consecutive_errors = 5
               where key = ${blockedKey}`;
    await page.goto(`http://127.0.0.1:${stack.consolePort}/#/control`);
    await page.getByTestId(`state-${okKey}`).waitFor();
    expect(await page.getByTestId(`state-${okKey}`).innerText()).toBe("healthy");
    expect(await page.getByTestId(`state-${blockedKey}`).innerText()).toBe("breaker open");

    // by keyboard: the confirmation opens with Cancel focused (Enter does no harm); Escape leaves everything as it was
    await page.getByRole("button", { name: `Disable ${okKey}` }).focus();
    await page.keyboard.press("Enter");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Cancel");
    await page.keyboard.press("Escape");
    expect(await page.getByRole("dialog").count()).toBe(0);
    expect((await sql`select active from ops.sources where key = ${okKey}`)[0].active).toBe(true);

    await page.getByRole("button", { name: `Disable ${okKey}` }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Confirm" }).click();
    await eventually(async () => expect(await page.getByTestId(`state-${okKey}`).innerText()).toBe("disabled"));

    await page.getByRole("button", { name: `Reset breaker of ${blockedKey}` }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Confirm" }).click();
    await eventually(async () => expect(await page.getByTestId(`state-${blockedKey}`).innerText()).toBe("healthy"));

    const audit = page.getByRole("region", { name: "Audit log, newest first" });
    await eventually(async () => {
      const text = await audit.innerText();
      expect(text).toContain(`sources:${okKey}`);
      expect(text).toContain(`sources:${blockedKey}`);
    });
    // (the arrangement above wrote a row too, as the database superuser)
    const rows = await sql`select actor, action, after from ops.audit_log
                            where target in (${`sources:${okKey}`}, ${`sources:${blockedKey}`}) and actor = 'operator@console.local'
                            order by id`;
    expect(rows.map((r) => [r.actor, r.after.active ?? r.after.breaker_state])).toEqual([
      ["operator@console.local", false],
      ["operator@console.local", "closed"],
    ]);
    await screenshot(page, "control-operator");
  });

  it("shows a lineage tree with its skipped children and their reasons", async () => {
    // a parent with two children that no worker takes (type external); the parent then fails,
    // so its children will never run: the tree shows them skipped with the reason
    const api = jobsApi(sql);
    const parent = await api.startJob({ type: "external", worker: "console-e2e", createdBy: "console e2e" });
    roots.push(parent.id);
    for (let i = 0; i < 2; i++) await api.enqueue({ type: "external", parentId: parent.id, createdBy: "console e2e" });
    await api.finish(parent.id, { status: "failed", error: "lineage test" });
    await page.goto(`http://127.0.0.1:${stack.consolePort}/#/jobs/${parent.id}`);
    const tree = page.getByTestId("lineage");
    await eventually(async () => expect(await tree.getByTestId("skipped-reason").count()).toBe(2));
    for (const reason of await tree.getByTestId("skipped-reason").allInnerTexts()) {
      expect(reason).toContain(`not run: external job ${parent.id} failed`);
    }
    expect(await tree.locator("li[data-status=skipped]").count()).toBe(2);
    await screenshot(page, "job-lineage");
  });

  it("resumes a log stream with no gap when the functions server restarts", async () => {
    const api = jobsApi(sql);
    const job = await api.startJob({ type: "external", worker: "console-e2e", createdBy: "console e2e" });
    externalJobs.push(job.id);
    const append = async (from: number) => {
      const lines = Array.from({ length: 5 }, (_, i) => ({ level: "INFO" as const, message: `line ${from + i}` }));
      await api.appendLogs(job.id, lines);
    };
    await append(1);
    await page.goto(`http://127.0.0.1:${stack.consolePort}/#/jobs/${job.id}`);
    await eventually(async () => expect((await logIds(page)).length).toBe(5));
    await eventually(async () => expect(await page.getByTestId("connection").innerText()).toBe("stream open"));

    await functionsServerDown();
    try {
      await eventually(async () => expect(await page.getByTestId("connection").innerText()).toBe("stream reconnecting"));
      await append(6);
    } finally {
      await functionsServerUp(stack);
    }
    await append(11);
    await eventually(async () => expect((await logIds(page)).length).toBe(15), 60_000);
    const expected = (await sql`select id from ops.logs where job_id = ${job.id} order by id`).map((r) => Number(r.id));
    expect(await logIds(page)).toEqual(expected);
    const texts = await page.getByTestId("terminal").locator("[data-log-id]").allInnerTexts();
    expect(texts.map((t) => t.match(/line (\d+)/)?.[1])).toEqual(Array.from({ length: 15 }, (_, i) => String(i + 1)));

    await api.finish(job.id, { status: "completed" });
    await eventually(async () => expect(await page.getByRole("heading", { name: `Job #${job.id}` }).innerText()).toContain("completed"));
  });
});
