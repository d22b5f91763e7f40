// A small Crawlee crawler of a career site (JSON-LD job pages), as a data team
// would write it: listing pages, pagination, one dataset item per posting.
// The examples and the integration test use this very crawler.
import { CheerioCrawler, Configuration, Log, LogLevel } from "@crawlee/cheerio";

export interface CareersCrawlerOptions {
  maxRequestRetries?: number;
  navigationTimeoutSecs?: number;
  /** Crawlee's own log level (its per-request warnings are noisy in examples and tests). Default OFF. */
  logLevel?: LogLevel;
}

export function careersCrawler(options: CareersCrawlerOptions = {}): CheerioCrawler {
  return new CheerioCrawler(
    {
      maxConcurrency: 4,
      log: new Log({ level: options.logLevel ?? LogLevel.OFF }),
      maxRequestRetries: options.maxRequestRetries ?? 2,
      navigationTimeoutSecs: options.navigationTimeoutSecs ?? 10,
      async requestHandler({ request, $, enqueueLinks, pushData }) {
        if (request.label === "DETAIL") {
          const postings = $('script[type="application/ld+json"]').toArray()
            .map((script) => JSON.parse($(script).text()))
            .filter((node) => node["@type"] === "JobPosting");
          for (const posting of postings) await pushData({ url: request.url, title: posting.title });
          return;
        }
        await enqueueLinks({ selector: 'a[href*="/jobs/"]', label: "DETAIL" });
        await enqueueLinks({ selector: 'a[rel="next"]', label: "LIST" });
      },
    },
    // in-memory storages: each crawl starts empty and writes nothing to disk
    new Configuration({ persistStorage: false, purgeOnStart: true }),
  );
}
