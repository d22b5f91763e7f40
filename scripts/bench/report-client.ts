// npm run bench:report-client: log lines/s a scraper gets through the typed report client
// (clients/report-client) into the local stack, printed as JSON. The client sends one batch at a time,
// each with its own idempotency key, and the scraper waits on drain() (backpressure), as a real one would.
//   BENCH_LINES (default 50,000), BENCH_BATCH (default 1,000 lines per request)
// Everything the benchmark writes is deleted at the end.
import postgres from "postgres";
import { ReportClient } from "../../clients/report-client/src/index.ts";
import { stackConfig } from "../lib/config.ts";

const config = stackConfig();
const LINES = Number(process.env.BENCH_LINES ?? 50_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 1000);
const sql = postgres(config.dbUrl, { max: 1, onnotice: () => {} });
const source = `bench-report-client-${Date.now().toString(36)}`;

await sql`insert into ops.sources (key, display_name, adapter) values (${source}, 'bench', 'jsonld-html')`;
try {
  const client = new ReportClient({ url: config.supabaseUrl, apiKey: config.secretKey, handleExit: false, batchLines: BATCH });
  const started = performance.now();
  const run = await client.start({ source_key: source, worker: "bench" });
  let waited = 0;
  for (let i = 0; i < LINES; i++) {
    const below = run.log("INFO", `fetched https://careers.example.com/jobs?page=${i % 40}: ${i % 25} postings`, {
      page: i % 40,
    });
    run.count("requests");
    if (!below) {
      const t = performance.now();
      await run.drain();
      waited += performance.now() - t;
    }
  }
  const view = await run.finish("completed");
  const seconds = (performance.now() - started) / 1000;
  console.log(JSON.stringify(
    {
      lines: LINES,
      batchLines: BATCH,
      stored: view.log_count,
      droppedLines: run.droppedLines,
      seconds: Number(seconds.toFixed(2)),
      linesPerSecond: Math.round(LINES / seconds),
      scraperWaitedOnBackpressureSeconds: Number((waited / 1000).toFixed(2)),
    },
    null,
    2,
  ));
} finally {
  // the run's idempotency keys: its start and its log batches (told apart by the ids they answered with)
  await sql`
    with job as (select j.id from ops.jobs j join ops.sources s on s.id = j.source_id where s.key = ${source}),
         ids as (select min(l.id) as lo, max(l.id) as hi from ops.logs l where l.job_id in (select id from job))
    delete from ops.api_idempotency_keys k
     where (k.route = 'POST /jobs' and (k.response -> 'job' ->> 'id')::bigint in (select id from job))
        or (k.route = 'POST /jobs/:id/logs' and (k.response ->> 'first_id')::bigint
              between (select lo from ids) and (select hi from ids))`;
  await sql`delete from ops.logs where job_id in (select j.id from ops.jobs j join ops.sources s on s.id = j.source_id where s.key = ${source})`;
  await sql`delete from ops.jobs where source_id = (select id from ops.sources where key = ${source})`;
  await sql`delete from ops.sources where key = ${source}`;
  await sql.end();
}
