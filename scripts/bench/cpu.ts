// npm run bench:cpu — CPU per scrape and pipeline worker invocation at 200 sources, against the hosted
// edge functions' 2 s of CPU per request (https://supabase.com/docs/guides/functions/limits).
//
// Runs bench:pipeline (BENCH_SOURCES, default 200, on the fixture sites; it cleans up after
// itself) and prints its `scrape_cpu` and `pipeline_cpu` sections: per-invocation CPU p50/p95/max
// in ms, how many invocations, and whether any exceeded 2 000 ms. The figure is the one each
// worker reports in its jobs' "crawl stopped" or "<phase> done" log line (context.worker_cpu_ms:
// process.cpuUsage() since the invocation started). The local functions server is one process
// serving every invocation, so an invocation's figure includes the CPU of its concurrent
// neighbours: an upper bound of its own.
// Hosted, the workers stop at WORKER_CPU_BUDGET_MS (default 1 500), so a scrape figure above it is
// the page in flight plus writing the postings and the checkpoint. The local stack leaves that
// budget to the wall clock unless it is started with WORKER_CPU_BUDGET_MS=1500: measure so.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const pipeline = fileURLToPath(new URL("./pipeline.ts", import.meta.url));
const run = spawnSync(process.execPath, ["--import", "tsx", pipeline], {
  env: { ...process.env, BENCH_SOURCES: process.env.BENCH_SOURCES ?? "200", BENCH_TIMEOUT_SECONDS: "150" },
  encoding: "utf8",
  stdio: ["ignore", "pipe", "inherit"],
  timeout: 180_000,
});
if (run.status !== 0) {
  console.error(`bench:cpu: bench:pipeline failed (${run.status ?? run.signal})`);
  process.exit(1);
}
const report = JSON.parse(run.stdout);
console.log(JSON.stringify(
  {
    benchmark: "cpu",
    sources: report.sources,
    pipeline_id: report.pipeline_id,
    status: report.status,
    wall_seconds: report.wall_seconds,
    scrape_jobs: report.scrape.jobs,
    scrape_succeeded: report.scrape.succeeded,
    scrape_invocations: report.scrape_cpu,
    pipeline_invocations: report.pipeline_cpu,
  },
  null,
  2,
));
