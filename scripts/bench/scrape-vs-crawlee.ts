/**
 * Benchmark: our crawler vs Crawlee's CheerioCrawler on the same fixture career sites (JSON-LD
 * listing + detail pages), same concurrency, no rate limit. Each crawler runs in its own child
 * process so that its peak memory (VmHWM) is its own; the fixture server runs here. The children
 * are bundled to plain JavaScript first, as a deployed function is: a TypeScript loader thread
 * would add ~50 MB to the measured memory that production never has.
 *
 * Usage: npm run bench:scrape [-- --companies 200 --postings 50 --concurrency 32]
 * Prints JSON. Goals: ours >= Crawlee in pages/s, ours < 256 MB peak RSS.
 */
import { spawn } from "node:child_process";
import { build } from "esbuild";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startFixtureServer } from "../fixtures/server.ts";
import { benchCompanies, type CrawlerReport, expectedPages, type Workload } from "./workload.ts";

const here = dirname(fileURLToPath(import.meta.url));

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
}

/** Bundles a child script next to node_modules (dependencies stay external) and returns its path. */
async function bundle(script: string): Promise<string> {
  const outfile = join(here, "..", "..", ".local", "bench", script.replace(/\.ts$/, ".mjs"));
  await build({
    entryPoints: [join(here, script)],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    logLevel: "warning",
  });
  return outfile;
}

function runChild(file: string, workload: Workload): Promise<CrawlerReport> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file], {
      env: { ...process.env, BENCH_WORKLOAD: JSON.stringify(workload) },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (chunk) => (out += chunk));
    child.on("error", reject);
    child.on("exit", (code) => {
      const last = out.trim().split("\n").pop() ?? "";
      if (code !== 0) return reject(new Error(`${file} exited with ${code}: ${out}`));
      resolve(JSON.parse(last) as CrawlerReport);
    });
  });
}

const shape = {
  companies: option("companies", 200),
  postings: option("postings", 50),
  pageSize: option("page-size", 10),
  concurrency: option("concurrency", 32),
};
const server = await startFixtureServer({ companies: benchCompanies({ ...shape, url: "" }), port: 0 });
try {
  const workload: Workload = { ...shape, url: server.url };
  const [oursFile, crawleeFile] = [await bundle("run-ours.ts"), await bundle("run-crawlee.ts")];
  // Warm the server's per-day cache so neither crawler pays for generating the fixtures.
  await runChild(oursFile, { ...workload, companies: Math.min(5, workload.companies) });
  const crawlee = await runChild(crawleeFile, workload);
  const ours = await runChild(oursFile, workload);
  console.log(JSON.stringify(
    {
      workload: { ...shape, expectedPages: expectedPages(workload) },
      ours,
      crawlee,
      speedup: ours.pagesPerSecond / crawlee.pagesPerSecond,
      goals: {
        oursAtLeastCrawleePagesPerSecond: ours.pagesPerSecond >= crawlee.pagesPerSecond,
        oursPeakRssUnder256Mb: ours.peakRssMb < 256,
      },
    },
    null,
    2,
  ));
} finally {
  await server.close();
}
