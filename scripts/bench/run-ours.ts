/** Child process: our crawler over the benchmark workload; prints one CrawlerReport as JSON. */
import { sourceFor } from "../fixtures/sources.ts";
import { ADAPTERS } from "../../supabase/functions/_shared/scrape/adapters/index.ts";
import { crawl } from "../../supabase/functions/_shared/scrape/crawl.ts";
import { createHttpClient } from "../../supabase/functions/_shared/scrape/http.ts";
import { mapPool } from "../../supabase/functions/_shared/scrape/pool.ts";
import { benchCompanies, type CrawlerReport, DAY, peakRssMb, readWorkload } from "./workload.ts";

const workload = readWorkload();
const companies = benchCompanies(workload);
// All fixture sites share one host, so the per-host limit caps the requests in flight at
// `concurrency`, as Crawlee's maxConcurrency does; sources run a few at a time, 8 detail pages each.
const http = createHttpClient({ perHostConcurrency: workload.concurrency });
const DETAIL_CONCURRENCY = 8;
const started = performance.now();
const results = await mapPool(
  companies,
  Math.max(1, workload.concurrency / DETAIL_CONCURRENCY),
  (company) => {
    const source = sourceFor(company, workload.url, DAY);
    return crawl({
      adapter: ADAPTERS[source.adapter],
      config: source.config,
      http,
      detailConcurrency: DETAIL_CONCURRENCY,
    });
  },
);
const seconds = (performance.now() - started) / 1000;
const pages = results.reduce((sum, r) => sum + r.metrics.linksOk, 0);
const report: CrawlerReport = {
  crawler: "scrape-ops",
  pages,
  postings: results.reduce((sum, r) => sum + r.postings.length, 0),
  failedPages: results.reduce((sum, r) => sum + r.metrics.linksFailed, 0),
  seconds,
  pagesPerSecond: pages / seconds,
  peakRssMb: await peakRssMb(),
};
console.log(JSON.stringify(report));
