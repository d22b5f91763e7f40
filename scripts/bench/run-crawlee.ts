/**
 * Child process: Crawlee's CheerioCrawler over the benchmark workload, doing the same work
 * (follow listing pagination, fetch detail pages, parse their JSON-LD); prints a CrawlerReport.
 */
import { CheerioCrawler, Configuration, log, LogLevel } from "@crawlee/cheerio";
import { sourceFor } from "../fixtures/sources.ts";
import { benchCompanies, type CrawlerReport, DAY, peakRssMb, readWorkload } from "./workload.ts";

const workload = readWorkload();
log.setLevel(LogLevel.WARNING);
let postings = 0;
const crawler = new CheerioCrawler(
  {
    minConcurrency: workload.concurrency,
    maxConcurrency: workload.concurrency,
    maxRequestRetries: 3,
    async requestHandler({ request, $, enqueueLinks }) {
      if (request.label === "DETAIL") {
        $('script[type="application/ld+json"]').each((_, script) => {
          const node = JSON.parse($(script).text());
          if (node["@type"] === "JobPosting") postings++;
        });
        return;
      }
      await enqueueLinks({ selector: 'a[href*="/jobs/"]', label: "DETAIL" });
      await enqueueLinks({ selector: 'a[rel="next"]', label: "LIST" });
    },
  },
  // In-memory storage only: no request queue or dataset written to disk.
  new Configuration({ persistStorage: false, purgeOnStart: true }),
);
const startUrls = benchCompanies(workload).map((company) => ({
  url: String(sourceFor(company, workload.url, DAY).config.startUrl),
  label: "LIST",
}));
const started = performance.now();
const stats = await crawler.run(startUrls);
const seconds = (performance.now() - started) / 1000;
const report: CrawlerReport = {
  crawler: "crawlee",
  pages: stats.requestsFinished,
  postings,
  failedPages: stats.requestsFailed,
  seconds,
  pagesPerSecond: stats.requestsFinished / seconds,
  peakRssMb: await peakRssMb(),
};
console.log(JSON.stringify(report));
