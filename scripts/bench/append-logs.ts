// npm run bench:logs — how fast log lines get in, printed as JSON.
//   sql:  ops.append_logs from one client, batches of SQL_BATCH lines, one after another
//   copy: a raw COPY of the same lines into ops.logs, measured in the same run (the ceiling)
//   http: POST /report/jobs/:id/logs on the local functions server, batches of 500,
//         sequential and with HTTP_CONCURRENCY requests in flight
// Targets (issue 3): sql >= 50,000 lines/s and >= 50% of copy; http >= 20,000 lines/s.
// Everything the benchmark writes is deleted at the end.
import postgres from "postgres";
import { serviceHeaders, stackConfig } from "../lib/config.ts";

const config = stackConfig();
const LINES = Number(process.env.BENCH_LINES ?? 200_000);
const SQL_BATCH = Number(process.env.BENCH_SQL_BATCH ?? 1000);
const HTTP_LINES = Number(process.env.BENCH_HTTP_LINES ?? 100_000);
const HTTP_BATCH = 500;
const HTTP_CONCURRENCY = Number(process.env.BENCH_HTTP_CONCURRENCY ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

const sql = postgres(config.dbUrl, { prepare: false, max: 2, onnotice: () => {} });

function makeLines(n: number, offset = 0) {
  return Array.from({ length: n }, (_, k) => {
    const i = offset + k;
    return {
      level: i % 50 === 0 ? "WARNING" : "INFO",
      message: `fetched https://careers.example.com/jobs?page=${i % 40} in ${100 + (i % 900)} ms: ${
        i % 25
      } postings`,
      context: { page: i % 40, status: 200, ms: 100 + (i % 900) },
    };
  });
}

const rate = (lines: number, ms: number) => Math.round(lines / (ms / 1000));
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function benchSql(jobId: number): Promise<number> {
  const batch = makeLines(SQL_BATCH);
  const batches = Math.ceil(LINES / SQL_BATCH);
  const started = performance.now();
  for (let b = 0; b < batches; b++) {
    await sql`select * from ops.append_logs(${jobId}, ${sql.json(batch)}::jsonb)`;
  }
  return rate(batches * SQL_BATCH, performance.now() - started);
}

function copyText(jobId: number, lines: ReturnType<typeof makeLines>): string {
  const esc = (s: string) => s.replace(/\\/g, "\\\\").replace(/\t/g, "\\t").replace(/\n/g, "\\n");
  const ts = new Date().toISOString();
  return lines.map((l) =>
    `${jobId}\t${ts}\t${l.level}\t${esc(l.message)}\t${esc(JSON.stringify(l.context))}\n`
  ).join("");
}

async function benchCopy(jobId: number): Promise<number> {
  const chunk = copyText(jobId, makeLines(SQL_BATCH));
  const batches = Math.ceil(LINES / SQL_BATCH);
  const started = performance.now();
  const stream = await sql`copy ops.logs (job_id, ts, level, message, context) from stdin`.writable();
  for (let b = 0; b < batches; b++) {
    if (!stream.write(chunk)) await new Promise((resolve) => stream.once("drain", resolve));
  }
  await new Promise<void>((resolve, reject) =>
    stream.end((error?: Error | null) => (error ? reject(error) : resolve()))
  );
  // the COPY is done when the stream has finished
  await new Promise<void>((
    resolve,
  ) => (stream.writableFinished ? resolve() : stream.once("finish", resolve)));
  return rate(batches * SQL_BATCH, performance.now() - started);
}

async function benchHttp(jobId: number, concurrency: number): Promise<number> {
  const body = JSON.stringify({ lines: makeLines(HTTP_BATCH) });
  const url = `${config.supabaseUrl}/functions/v1/report/jobs/${jobId}/logs`;
  const total = Math.ceil(HTTP_LINES / HTTP_BATCH);
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < total) {
      next++;
      const response = await fetch(url, {
        method: "POST",
        headers: { ...serviceHeaders(config), "content-type": "application/json" },
        body,
      });
      if (response.status !== 200) throw new Error(`HTTP ${response.status}: ${await response.text()}`);
      await response.arrayBuffer();
    }
  }));
  return rate(total * HTTP_BATCH, performance.now() - started);
}

const [{ id: jobId }] = await sql<
  { id: number }[]
>`select id::int from ops.start_job('external', 'bench:append-logs')`;
try {
  // warm-up: plans, caches, the functions server's connection pool
  await sql`select * from ops.append_logs(${jobId}, ${sql.json(makeLines(SQL_BATCH))}::jsonb)`;
  await benchHttp(jobId, 2).catch((error) => {
    throw new Error(`the report function is not reachable (npm run stack:up?): ${error.message}`);
  });

  const sqlRates: number[] = [];
  const copyRates: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    sqlRates.push(await benchSql(jobId));
    copyRates.push(await benchCopy(jobId));
  }
  const httpSequential = await benchHttp(jobId, 1);
  const httpConcurrent = await benchHttp(jobId, HTTP_CONCURRENCY);

  const sqlRate = median(sqlRates);
  const copyRate = median(copyRates);
  const result = {
    benchmark: "append-logs",
    lines_per_round: Math.ceil(LINES / SQL_BATCH) * SQL_BATCH,
    rounds: ROUNDS,
    sql: { batch: SQL_BATCH, lines_per_sec: sqlRate, rounds: sqlRates },
    copy: { lines_per_sec: copyRate, rounds: copyRates },
    sql_vs_copy: Math.round((sqlRate / copyRate) * 1000) / 1000,
    http: {
      batch: HTTP_BATCH,
      lines: Math.ceil(HTTP_LINES / HTTP_BATCH) * HTTP_BATCH,
      sequential_lines_per_sec: httpSequential,
      concurrency: HTTP_CONCURRENCY,
      concurrent_lines_per_sec: httpConcurrent,
    },
    targets: {
      sql_50k_per_sec: sqlRate >= 50_000,
      sql_half_of_copy: sqlRate >= copyRate / 2,
      http_20k_per_sec: Math.max(httpSequential, httpConcurrent) >= 20_000,
    },
  };
  console.log(JSON.stringify(result, null, 2));
  if (!Object.values(result.targets).every(Boolean)) process.exitCode = 1;
} finally {
  await sql`delete from ops.logs where job_id = ${jobId}`;
  await sql`delete from ops.jobs where id = ${jobId}`;
  await sql.end();
}
