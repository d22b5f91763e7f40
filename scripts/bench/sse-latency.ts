// Benchmark: a log line committed -> the moment an SSE client receives it,
// with N concurrent streams (default 20) on the running local stack.
// Prints JSON. Latency is measured from just before append_logs is sent, so it
// includes the insert and commit: an upper bound of commit-to-receive.
//   npm run bench:sse   (env: STREAMS=20 LINES_PER_STREAM=50)
import postgres from "postgres";
import { stackConfig } from "../lib/config.ts";
import { mintUserToken } from "../lib/tokens.ts";
import { openSse } from "../../tests/support/sse.ts";

const config = stackConfig();
const streams = Number(process.env.STREAMS ?? 20);
const linesPerStream = Number(process.env.LINES_PER_STREAM ?? 50);
const sql = postgres(config.dbUrl, { max: streams, onnotice: () => {} });
const viewer = await mintUserToken({ role: "viewer", sub: "00000000-0000-4000-8000-0000000000b1" }, config);

function percentile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const jobs = await sql`select id from ops.enqueue(p_type => 'external', p_created_by => 'bench')
                       from generate_series(1, ${streams})`.catch(async () => {
  const ids = [];
  for (let i = 0; i < streams; i++) ids.push((await sql`select id from ops.enqueue(p_type => 'external', p_created_by => 'bench')`)[0]);
  return ids;
});
const ids = jobs.map((j) => Number(j.id));
const connections = await Promise.all(ids.map((id) =>
  openSse(`${config.supabaseUrl}/functions/v1/jobs/${id}/stream`, { authorization: `Bearer ${viewer}` })
));
// drain the initial progress event of each stream
await Promise.all(connections.map((c) => c.next()));

const latencies: number[] = [];
const receivers = connections.map(async (connection) => {
  let received = 0;
  while (received < linesPerStream) {
    const event = await connection.next();
    if (!event) break;
    if (event.event !== "log") continue;
    const sentAt = JSON.parse(event.data).context.sent_at as number;
    latencies.push(event.receivedAt - sentAt);
    received++;
  }
});

const started = performance.now();
for (let i = 0; i < linesPerStream; i++) {
  await Promise.all(ids.map((id) => {
    const line = { level: "INFO", message: `bench line ${i}`, context: { sent_at: performance.now() } };
    return sql`select * from ops.append_logs(${id}, ${sql.json([line])})`;
  }));
  await new Promise((r) => setTimeout(r, 20));
}
await Promise.all(receivers);
const elapsed = performance.now() - started;
for (const c of connections) c.close();
await sql`update ops.jobs set status = 'cancelled', finished_at = now() where id in ${sql(ids)}`;
await sql.end();

latencies.sort((a, b) => a - b);
console.log(JSON.stringify({
  benchmark: "sse_log_latency",
  streams,
  lines: latencies.length,
  expected_lines: streams * linesPerStream,
  p50_ms: Number(percentile(latencies, 50).toFixed(2)),
  p90_ms: Number(percentile(latencies, 90).toFixed(2)),
  p99_ms: Number(percentile(latencies, 99).toFixed(2)),
  max_ms: Number(latencies[latencies.length - 1].toFixed(2)),
  targets: { p50_ms: 50, p99_ms: 250 },
  elapsed_s: Number((elapsed / 1000).toFixed(2)),
}, null, 2));
