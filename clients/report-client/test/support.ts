// Test support for the clients: the local stack, a throwaway source, and a
// proxy in front of the functions server that can go down or lose answers.
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import postgres from "postgres";
import { stackConfig } from "../../../scripts/lib/config.ts";

export const config = stackConfig();
export const sql = postgres(config.dbUrl, { max: 2, onnotice: () => {} });

/** A source for one test file, removed with its jobs, logs and errors afterwards. */
export async function createSource(key: string, adapter = "jsonld-html"): Promise<string> {
  await sql`insert into ops.sources (key, display_name, adapter) values (${key}, ${key}, ${adapter})`;
  return key;
}

export async function removeSources(prefix: string): Promise<void> {
  const like = `${prefix}%`;
  await sql`delete from ops.logs where job_id in (select j.id from ops.jobs j join ops.sources s on s.id = j.source_id where s.key like ${like})`;
  await sql`delete from ops.jobs where source_id in (select id from ops.sources where key like ${like})`;
  await sql`delete from ops.errors where source_id in (select id from ops.sources where key like ${like})`;
  await sql`delete from ops.sources where key like ${like}`;
}

export async function logMessages(jobId: number): Promise<string[]> {
  const rows = await sql<{ message: string }[]>`select message from ops.logs where job_id = ${jobId} order by id`;
  return rows.map((r) => r.message);
}

/** Waits for a condition (never a fixed sleep): polls every 50 ms up to `timeoutMs`. */
export async function waitFor<T>(probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 50));
  }
}

export type ProxyMode = "up" | "down" | "lose-first-answer";

export interface Proxy {
  url: string;
  mode: ProxyMode;
  /** Requests whose answer was thrown away after the server had handled them. */
  lostAnswers: number;
  close(): Promise<void>;
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (c: Buffer) => chunks.push(c)).on("end", () => resolve(Buffer.concat(chunks))).on("error", reject);
  });
}

/**
 * A local HTTP proxy in front of the functions server (a stand-in for the network between a scraper and
 * Supabase): `down` resets every connection; `lose-first-answer` forwards a request, lets the server commit
 * it, and resets the connection instead of answering, once per distinct request.
 */
export async function startProxy(target: string): Promise<Proxy> {
  const seen = new Set<string>();
  const proxy: Proxy = { url: "", mode: "up", lostAnswers: 0, close: async () => {} };
  const server = createServer(async (request, response) => {
    if (proxy.mode === "down") return request.socket.destroy();
    const body = await readBody(request);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (typeof value === "string" && !["host", "connection", "content-length"].includes(name)) headers[name] = value;
    }
    let upstream: Response;
    try {
      upstream = await fetch(`${target}${request.url}`, {
        method: request.method,
        headers,
        body: ["GET", "HEAD"].includes(request.method ?? "GET") ? undefined : new Uint8Array(body),
      });
    } catch {
      return request.socket.destroy();
    }
    const text = await upstream.text();
    const identity = `${request.method} ${request.url} ${headers["idempotency-key"] ?? body.toString()}`;
    if (proxy.mode === "lose-first-answer" && !seen.has(identity)) {
      seen.add(identity);
      proxy.lostAnswers++;
      return request.socket.destroy();
    }
    response.writeHead(upstream.status, Object.fromEntries(upstream.headers));
    response.end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return proxy;
}

/**
 * A second functions server (the project's own, scripts/functions-server) on a free port, that a test may
 * kill with SIGKILL and start again. It also listens for dispatches: a wake-up answered twice is harmless
 * (workers claim with SKIP LOCKED).
 */
export async function startOwnFunctionsServer(port?: number) {
  const { spawn } = await import("node:child_process");
  const { createServer: createNetServer } = await import("node:net");
  const { join } = await import("node:path");
  const { ROOT, stackEnv } = await import("../../../scripts/lib/config.ts");
  const chosen = port ?? await new Promise<number>((resolve) => {
    const probe = createNetServer().listen(0, "127.0.0.1", () => {
      const { port: free } = probe.address() as AddressInfo;
      probe.close(() => resolve(free));
    });
  });
  const child = spawn(join(ROOT, "node_modules", ".bin", "deno"), [
    "run",
    "--allow-all",
    "--config",
    "deno.json",
    "scripts/functions-server/main.ts",
  ], {
    cwd: ROOT,
    stdio: "ignore",
    // the stack's own keys and URLs (user tokens name the stack's issuer); only the port is its own
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...stackEnv(config), FUNCTIONS_PORT: String(chosen) },
  });
  const url = `http://127.0.0.1:${chosen}`;
  await waitFor(async () => {
    if (child.exitCode !== null) throw new Error(`the functions server exited with ${child.exitCode}`);
    return await fetch(`${url}/_server/health`).then((r) => r.ok, () => false);
  }, 120_000);
  return {
    url,
    port: chosen,
    kill: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGKILL");
      }),
  };
}
