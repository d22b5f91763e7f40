// The client under a functions server that is killed (SIGKILL) and started
// again in the middle of a run: every log line, error and counter arrives,
// none twice, in order.
import { afterAll, beforeAll, expect, it } from "vitest";
import { ReportClient } from "../src/index.ts";
import { createSource, logMessages, removeSources, sql, startOwnFunctionsServer, waitFor } from "./support.ts";

const prefix = `rk${Date.now().toString(36)}`;
const source = `${prefix}-acme`;
let server: Awaited<ReturnType<typeof startOwnFunctionsServer>> | undefined;

beforeAll(async () => {
  await createSource(source);
  server = await startOwnFunctionsServer();
}, 180_000);
afterAll(async () => {
  await server?.kill();
  await removeSources(prefix);
  await sql.end();
});

it("a functions server killed and restarted mid-run loses no line and stores none twice", async () => {
  const { config } = await import("./support.ts");
  const warnings: string[] = [];
  const client = new ReportClient({
    url: server!.url,
    apiKey: config.secretKey,
    retries: 60,
    retryBaseMs: 50,
    retryMaxMs: 500,
    requestTimeoutMs: 10_000,
    batchLines: 100,
    flushIntervalMs: 20,
    finishTimeoutMs: 120_000,
    handleExit: false,
    onWarning: (message) => warnings.push(message),
  });
  const run = await client.start({ source_key: source, worker: `${prefix}-w` });
  const total = 3000;
  let i = 0;
  const produce = async (until: number) => {
    for (; i < until; i++) {
      run.info(`line ${i}`);
      run.count("requests");
      if (i % 100 === 99) await new Promise((r) => setTimeout(r, 5)); // a scraper's pace: batches are in flight
    }
  };
  await produce(1000);
  // kill while batches are in flight: the server may have committed a batch whose answer never left it
  await waitFor(async () => (await logMessages(run.id)).length >= 300);
  const producing = produce(2000);
  await server!.kill();
  await producing;
  run.error({ message: "HTTP 503 on /careers", http_status: 503 });
  const stored = (await logMessages(run.id)).length;
  expect(stored).toBeLessThan(2000); // the outage really held lines back
  server = await startOwnFunctionsServer(server!.port);
  await produce(total);
  const view = await run.finish("completed");
  const messages = await logMessages(run.id);
  expect(messages.length).toBe(total);
  expect(messages).toEqual(Array.from({ length: total }, (_, k) => `line ${k}`));
  expect(run.droppedLines).toBe(0);
  expect(view.job.status).toBe("completed");
  expect(view.counters?.requests).toBe(total);
  expect(view.errors).toEqual([expect.objectContaining({ category: "http_5xx", count: 1 })]);
}, 300_000);
