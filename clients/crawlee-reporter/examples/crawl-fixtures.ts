// Example: a Crawlee crawler over the local fixture career sites that reports
// every crawl to scrape-ops through the Crawlee integration, one line.
//   npm run stack:up && npx tsx clients/crawlee-reporter/examples/crawl-fixtures.ts
// Against a hosted project: SUPABASE_URL=https://<ref>.supabase.co SUPABASE_SERVICE_ROLE_KEY=... (the
// sources must exist there).
import { ReportClient } from "@scrape-ops/report-client";
import postgres from "postgres";
import { stackConfig } from "../../../scripts/lib/config.ts";
import { defineCompanies } from "../../../scripts/fixtures/catalog.ts";
import { startFixtureServer } from "../../../scripts/fixtures/server.ts";
import { sourceFor } from "../../../scripts/fixtures/sources.ts";
import { attachReporter } from "../src/index.ts";
import { careersCrawler } from "./careers-crawler.ts";

const config = stackConfig();
const companies = defineCompanies({
  seed: 7,
  companies: [
    { key: "crawlee-acme", format: "jsonld-html", postings: 23 },
    { key: "crawlee-blocked", format: "jsonld-html", postings: 10, fault: "always_403" },
    { key: "crawlee-captcha", format: "jsonld-html", postings: 10, fault: "captcha" },
  ],
});
const sites = await startFixtureServer({ companies, port: 0 });
const sql = postgres(config.dbUrl, { max: 1, onnotice: () => {} });
const client = new ReportClient({ url: config.supabaseUrl, apiKey: config.secretKey });
try {
  for (const company of companies) {
    const site = sourceFor(company, sites.url, 0);
    // the source a crawl reports for (on the local stack; hosted, an operator registers it)
    await sql`select ops.upsert_source(${company.key}, ${company.name}, ${site.adapter}, ${sql.json(site.config as never)})`;
    const crawler = careersCrawler({ maxRequestRetries: 1 });
    const reporter = attachReporter(crawler, { client, sourceKey: company.key });
    const stats = await crawler.run([{ url: String(site.config.startUrl), label: "LIST" }]);
    const run = reporter.lastRun!;
    console.log(
      `${company.key.padEnd(18)} run ${run.job.id} ${run.job.status.padEnd(9)} ` +
        `requests ${run.counters?.requests} (Crawlee: ${stats.requestsFinished} finished, ${stats.requestsFailed} failed, ` +
        `${crawler.stats.state.requestsRetries} retried)  items ${run.counters?.items_found}  ` +
        `errors ${run.errors.map((e) => `${e.category}×${e.count}`).join(", ") || "-"}`,
    );
  }
} finally {
  await sites.close();
  await sql.end();
}
