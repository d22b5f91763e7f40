// The client where scrapers run: the TypeScript source under Deno, the built
// package (npm run build) under Node and Bun; and its exit hooks: a process that
// ends without finishing, or gets SIGTERM, still delivers its lines and
// finishes its run.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../../../scripts/lib/config.ts";
import { config, createSource, logMessages, removeSources, sql, waitFor } from "./support.ts";

const prefix = `rt${Date.now().toString(36)}`;
const source = `${prefix}-acme`;
const program = join(ROOT, "clients/report-client/test/programs/smoke.mjs");
const builtEntry = join(ROOT, "clients/report-client/dist/clients/report-client/src/index.js");
const sourceEntry = join(ROOT, "clients/report-client/src/index.ts");
const env = {
  ...process.env,
  REPORT_URL: config.supabaseUrl,
  REPORT_KEY: config.secretKey,
  REPORT_SOURCE: source,
};

/** How long one client process may take; each test's timeout leaves room beyond it. */
const CHILD_DEADLINE_MS = 45_000;

function start(command: string, args: string[]): { child: ChildProcess; id: Promise<number>; exit: Promise<number | null> } {
  const child = spawn(command, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  const id = new Promise<number>((resolve, reject) => {
    child.stdout!.on("data", (chunk) => {
      out += chunk;
      const match = out.match(/\{"id":(\d+)\}/);
      if (match) resolve(Number(match[1]));
    });
    child.once("exit", (code) => reject(new Error(`exited with ${code} before starting a run: ${out}${err}`)));
  });
  child.stderr!.on("data", (chunk) => (err += chunk));
  // A process that never ends fails its test with what it printed, well inside the test's timeout,
  // instead of a bare timeout that says nothing about where it stopped.
  const deadline = setTimeout(() => {
    child.kill("SIGKILL");
  }, CHILD_DEADLINE_MS);
  const exit = new Promise<number | null>((resolve, reject) =>
    child.once("exit", (code, signal) => {
      clearTimeout(deadline);
      if (signal === "SIGKILL") reject(new Error(`${command} did not end within ${CHILD_DEADLINE_MS} ms: ${out}${err}`));
      else resolve(code ?? (signal ? 128 : null));
    })
  );
  return { child, id, exit };
}

beforeAll(async () => {
  await createSource(source);
  const build = spawnSync("npm", ["run", "build", "--prefix", "clients/report-client"], { cwd: ROOT, encoding: "utf8" });
  if (build.status !== 0) throw new Error(`npm run build failed: ${build.stdout}${build.stderr}`);
}, 180_000);
afterAll(async () => {
  await removeSources(prefix);
  await sql.end();
});

describe("runtimes", () => {
  it("the built package under Node: run(fn) completes the run with every line", async () => {
    const node = start(process.execPath, [program, builtEntry, "finish"]);
    const id = await node.id;
    expect(await node.exit).toBe(0);
    const run = await sql`select status from ops.jobs where id = ${id}`;
    expect(run[0].status).toBe("completed");
    expect(await logMessages(id)).toEqual(Array.from({ length: 120 }, (_, i) => `smoke ${i}`));
  }, 60_000);

  // The built package only: the same code as the source (which Deno runs), as a Bun user installs
  // it; one Bun process instead of two keeps this case short on a loaded machine.
  it("the built package under Bun", async () => {
    const bun = start(join(ROOT, "node_modules/.bin/bun"), [program, builtEntry, "finish"]);
    const id = await bun.id;
    expect(await bun.exit).toBe(0);
    const [run] = await sql`select status from ops.jobs where id = ${id}`;
    expect(run.status).toBe("completed");
    expect((await logMessages(id)).length).toBe(120);
  }, 60_000);

  it("the TypeScript source under Deno", async () => {
    const deno = start(join(ROOT, "node_modules/.bin/deno"), [
      "run", "--allow-net", "--allow-env", "--allow-read", "--config", "deno.json", program, sourceEntry, "finish",
    ]);
    const id = await deno.id;
    expect(await deno.exit).toBe(0);
    const [run] = await sql`select j.status, r.requests from ops.jobs j join ops.scrape_runs r on r.job_id = j.id where j.id = ${id}`;
    expect(run).toEqual({ status: "completed", requests: 120 });
    expect((await logMessages(id)).length).toBe(120);
  }, 120_000);
});

describe("exit hooks", () => {
  it("a process that ends without finishing: lines flushed, the run finished as failed", async () => {
    const node = start(process.execPath, [program, builtEntry, "exit"]);
    const id = await node.id;
    expect(await node.exit).toBe(0);
    const [run] = await sql`select status, error from ops.jobs where id = ${id}`;
    expect(run).toEqual({ status: "failed", error: "the process exited before the run was finished" });
    expect((await logMessages(id)).length).toBe(50);
  }, 60_000);

  it("SIGTERM: lines flushed, the run finished as cancelled, exit code 143", async () => {
    const node = start(process.execPath, [program, builtEntry, "hang"]);
    const id = await node.id;
    node.child.kill("SIGTERM");
    expect(await node.exit).toBe(143);
    await waitFor(async () => (await sql`select status from ops.jobs where id = ${id}`)[0].status !== "running");
    const [run] = await sql`select j.status, j.error, r.requests from ops.jobs j join ops.scrape_runs r on r.job_id = j.id where j.id = ${id}`;
    expect(run).toEqual({ status: "cancelled", error: "received SIGTERM", requests: 50 });
    expect((await logMessages(id)).length).toBe(50);
  }, 60_000);
});
