// Example: a plain fetch-based scraper (no framework) over a local fixture
// career site, reporting its run through the typed client: run(fn) always
// finishes the run, logs are batched, counters are running totals.
//   npm run stack:up && npx tsx clients/report-client/examples/plain-scraper.ts
import postgres from "postgres";
import { stackConfig } from "../../../scripts/lib/config.ts";
import { defineCompanies } from "../../../scripts/fixtures/catalog.ts";
import { startFixtureServer } from "../../../scripts/fixtures/server.ts";
import { sourceFor } from "../../../scripts/fixtures/sources.ts";
import { httpStatusFailure, ReportClient, ScrapeError } from "../src/index.ts";

const config = stackConfig();
const [company] = defineCompanies({ seed: 7, companies: [{ key: "plain-acme", format: "jsonld-html", postings: 15 }] });
const sites = await startFixtureServer({ companies: [company], port: 0 });
const sql = postgres(config.dbUrl, { max: 1, onnotice: () => {} });
const client = new ReportClient({ url: config.supabaseUrl, apiKey: config.secretKey });

/** Fetches a page, counting what the run reports; a non-2xx status is a classified failure. */
async function fetchPage(run: Parameters<Parameters<ReportClient["run"]>[1]>[0], url: string): Promise<string> {
  const started = performance.now();
  const response = await fetch(url);
  run.count("requests");
  run.count("request_time_ms_total", performance.now() - started);
  if (!response.ok) {
    run.count("http_failures");
    const failure = httpStatusFailure(response.status, url);
    throw new ScrapeError(failure.category, failure.code, failure.message, { url, status: response.status });
  }
  return await response.text();
}

try {
  const site = sourceFor(company, sites.url, 0);
  await sql`select ops.upsert_source(${company.key}, ${company.name}, ${site.adapter}, ${sql.json(site.config as never)})`;
  const postings = await client.run({ source_key: company.key, worker: "plain-example" }, async (run) => {
    let url: string | null = String(site.config.startUrl);
    const found: string[] = [];
    while (url) {
      const html = await fetchPage(run, url);
      run.count("links_checked");
      run.count("links_ok");
      const links = [...html.matchAll(/href="([^"]*\/jobs\/[^"]+)"/g)].map((m) => new URL(m[1], url!).href);
      for (const link of links) {
        const detail = await fetchPage(run, link);
        const title = detail.match(/"title":"([^"]+)"/)?.[1];
        if (title) {
          found.push(title);
          run.count("items_found");
        }
        run.info(`posting ${title ?? "(no title)"}`, { url: link });
      }
      const next = html.match(/<a rel="next" href="([^"]+)"/)?.[1];
      url = next ? new URL(next, url).href : null;
      run.progress(found.length);
    }
    return found;
  });
  const [{ id }] = await sql`select max(id) as id from ops.jobs where locked_by = 'plain-example'`;
  const view = await client.getRun(id);
  console.log(`run ${view.job.id} ${view.job.status}: ${postings.length} postings, ${view.counters?.requests} requests, ${view.log_count} log lines`);
} finally {
  await sites.close();
  await sql.end();
}
