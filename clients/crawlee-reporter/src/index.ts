// @scrape-ops/crawlee-reporter: one call reports a Crawlee crawler's runs to scrape-ops.
export { attachReporter, type CrawleeReporter, type CrawleeReporterOptions } from "./reporter.ts";
export { classifyCrawleeError, crawleeTotals, type CrawleeStats, crawlStatus, statusFromMessage } from "./rules.ts";
