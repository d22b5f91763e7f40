/** The benchmark workload, shared by the parent and both crawler processes so they crawl the same sites. */
import { type Company, defineCompanies } from "../fixtures/catalog.ts";

export interface Workload {
  /** Fixture server base URL. */
  url: string;
  companies: number;
  postings: number;
  pageSize: number;
  /** Requests in flight at once, for both crawlers. */
  concurrency: number;
}

export const DAY = 0;

export function benchCompanies(workload: Workload): Company[] {
  return defineCompanies({
    seed: 1,
    count: workload.companies,
    formats: ["jsonld-html"],
    postings: workload.postings,
    pageSize: workload.pageSize,
    keyPrefix: "bench",
  });
}

/** Listing pages plus one detail page per posting. */
export function expectedPages(workload: Workload): number {
  return workload.companies * (Math.ceil(workload.postings / workload.pageSize) + workload.postings);
}

/** Peak resident set size of this process (VmHWM), in MB. */
export async function peakRssMb(): Promise<number> {
  const { readFile } = await import("node:fs/promises");
  const status = await readFile("/proc/self/status", "utf8");
  const line = status.split("\n").find((l) => l.startsWith("VmHWM:"));
  return line ? Number(line.split(/\s+/)[1]) / 1024 : process.memoryUsage().rss / 1024 / 1024;
}

export interface CrawlerReport {
  crawler: string;
  pages: number;
  postings: number;
  failedPages: number;
  seconds: number;
  pagesPerSecond: number;
  peakRssMb: number;
}

export function readWorkload(): Workload {
  const raw = process.env.BENCH_WORKLOAD;
  if (!raw) throw new Error("BENCH_WORKLOAD is not set; run scripts/bench/scrape-vs-crawlee.ts");
  return JSON.parse(raw) as Workload;
}
