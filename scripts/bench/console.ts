// npm run bench:console — the operations console's quality bars (issue 17):
//   bundle      web/dist gzipped (target <= 350 KB)
//   first_load  a cold load of the morning page in Chromium: navigation to the
//               app rendered and to its data shown (target < 1 s)
//   page_data   per page, its API calls issued together as the page does,
//               p50/p95 over BENCH_RUNS (target < 300 ms each)
// Measures what the local stack holds: for the figures at scale, load it first with
// `BENCH_KEEP=1 npm run bench:monitoring` (2,000 sources x 400 days). Prints JSON.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import postgres from "postgres";
import { launchBrowser } from "../lib/chromium.ts";
import { ROOT, stackConfig } from "../lib/config.ts";
import { buildConsole, consoleUp, localUserToken, signInLink } from "../lib/console.ts";
import { envInt } from "./env.ts";

const RUNS = envInt("BENCH_RUNS", 15);
const LOADS = envInt("BENCH_LOADS", 5);
const config = stackConfig();
const progress = (message: string) => process.stderr.write(`  ${message}\n`);

function bundle() {
  buildConsole(true);
  const dir = join(ROOT, "web", "dist", "assets");
  const files = readdirSync(dir).map((name) => {
    const raw = readFileSync(join(dir, name));
    return { name, bytes: raw.length, gzip_bytes: gzipSync(raw, { level: 9 }).length };
  });
  const gzip = files.reduce((sum, f) => sum + f.gzip_bytes, 0);
  return { files, gzip_kb: Math.round(gzip / 102.4) / 10, target_kb: 350, ok: gzip <= 350 * 1024 };
}

const pct = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] * 10) / 10;
};

async function pageData(today: string, weekAgo: string, company: string) {
  const token = await localUserToken(config, "viewer");
  const pages: Record<string, string[]> = {
    morning: [`control/digest?date=${today}`, "control/silent-failures?days=1"],
    runs_per_day: [`control/days?from=${weekAgo}&to=${today}&sort=run_date&order=desc&limit=50&offset=0`],
    runs_per_run: [`control/runs?from=${weekAgo}&to=${today}&sort=started_at&order=desc&limit=50&offset=0`],
    company_30d: [`control/companies/${company}?days=30`],
    company_90d: [`control/companies/${company}?days=90`],
    errors_7d: ["control/errors/summary?days=7&bucket=hour", "control/errors?limit=500"],
    errors_90d: ["control/errors/summary?days=90&bucket=day", "control/errors?limit=500"],
    jobs: ["jobs?status=running&limit=50", "jobs?limit=50"],
    pipeline: ["pipeline/stats", "pipeline/history", "pipeline/pending"],
    control: ["control/status", "control/portals", "control/audit?limit=20"],
  };
  const call = async (path: string) => {
    const response = await fetch(`${config.supabaseUrl}/functions/v1/${path}`, { headers: { authorization: `Bearer ${token}`, apikey: config.publishableKey } });
    await response.arrayBuffer();
    return response.status;
  };
  const results: Record<string, unknown> = {};
  for (const [page, paths] of Object.entries(pages)) {
    const statuses = await Promise.all(paths.map(call)); // warm-up, and which routes exist
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      await Promise.all(paths.map(call));
      times.push(performance.now() - t0);
    }
    results[page] = { p50_ms: pct(times, 50), p95_ms: pct(times, 95), max_ms: pct(times, 100), statuses, ok: pct(times, 95) < 300 };
    progress(`${page}: p50 ${pct(times, 50)} ms`);
  }
  return results;
}

async function firstLoad() {
  const browser = await launchBrowser();
  try {
    const page = await browser.context.newPage();
    const cdp = await browser.context.newCDPSession(page);
    const loads: { rendered_ms: number; data_ms: number; dom_content_loaded_ms: number }[] = [];
    for (let i = 0; i < LOADS; i++) {
      await cdp.send("Network.clearBrowserCache");
      await page.goto("about:blank");
      const t0 = Date.now();
      await page.goto(await signInLink(config, "viewer"));
      await page.getByTestId("who").waitFor();
      const rendered = Date.now() - t0;
      await page.getByTestId("problems").locator("li").first().waitFor();
      const data = Date.now() - t0;
      const dcl = await page.evaluate(() => {
        const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
        return nav.domContentLoadedEventEnd;
      });
      loads.push({ rendered_ms: rendered, data_ms: data, dom_content_loaded_ms: Math.round(dcl) });
      await page.evaluate(() => sessionStorage.clear());
    }
    const data = loads.map((l) => l.data_ms);
    return { loads, data_p50_ms: pct(data, 50), data_max_ms: pct(data, 100), target_ms: 1000, ok: pct(data, 50) < 1000 };
  } finally {
    await browser.close();
  }
}

const sql = postgres(config.dbUrl, { max: 1, onnotice: () => {} });
try {
  progress("bundle");
  const size = bundle();
  await consoleUp(config);
  const [scale] = await sql`select (select count(*) from ops.sources)::int as sources,
                                   (select count(*) from ops.daily_source_stats)::int as source_days,
                                   (now() at time zone 'Europe/Berlin')::date::text as today,
                                   ((now() at time zone 'Europe/Berlin')::date - 6)::text as week_ago,
                                   (select key from ops.sources order by id limit 1) as company`;
  progress(`data at hand: ${scale.sources} sources, ${scale.source_days} source-days`);
  const data = await pageData(scale.today, scale.week_ago, scale.company);
  progress("first load");
  const load = await firstLoad();
  console.log(JSON.stringify({
    benchmark: "console",
    data: { sources: scale.sources, source_days: scale.source_days },
    bundle: size,
    first_load: load,
    page_data: data,
  }, null, 2));
} finally {
  await sql.end();
}
