// Runs one reported run with the client, in whatever runtime runs this file (Node, Deno, Bun):
//   <runtime> smoke.mjs <client module> <mode>
// Environment: REPORT_URL, REPORT_KEY, REPORT_SOURCE. Prints {"id": <job id>} once the run started.
// mode "finish": run(fn) with 120 log lines; "exit": start, log 50 lines and let the process end;
// "hang": start, log 50 lines and wait for a signal.
const args = globalThis.Deno ? Deno.args : process.argv.slice(2);
const env = (name) => (globalThis.Deno ? Deno.env.get(name) : process.env[name]);
const [modulePath, mode] = args;
const { ReportClient } = await import(modulePath);
const client = new ReportClient({ url: env("REPORT_URL"), apiKey: env("REPORT_KEY"), retryBaseMs: 20, flushIntervalMs: 50 });
const body = { source_key: env("REPORT_SOURCE"), worker: `smoke-${mode}` };
if (mode === "finish") {
  await client.run(body, (run) => {
    console.log(JSON.stringify({ id: run.id }));
    for (let i = 0; i < 120; i++) run.info(`smoke ${i}`);
    run.count("requests", 120);
  });
} else {
  const run = await client.start(body);
  for (let i = 0; i < 50; i++) run.info(`smoke ${i}`);
  run.count("requests", 50);
  console.log(JSON.stringify({ id: run.id }));
  if (mode === "hang") setInterval(() => {}, 1000);
}
