// Starts and stops the local functions server (scripts/functions-server) as a
// background Deno process with a pid file and a log file under .local/.
import { spawn } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { LOCAL_DIR, ROOT, type StackConfig, stackEnv } from "./config.ts";
import { assertPortFree, isPortOpen } from "./ports.ts";

const PID_FILE = join(LOCAL_DIR, "functions-server.pid");
export const FUNCTIONS_LOG = join(LOCAL_DIR, "functions-server.log");
const DENO = join(ROOT, "node_modules", ".bin", "deno");

function runningPid(): number | null {
  if (!existsSync(PID_FILE)) return null;
  const pid = Number(readFileSync(PID_FILE, "utf8").trim());
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
    if (cmdline.includes("functions-server")) return pid;
  } catch {
    // no such process
  }
  rmSync(PID_FILE, { force: true }); // stale: the process died or the pid was reused
  return null;
}

async function healthy(config: StackConfig): Promise<boolean> {
  try {
    const response = await fetch(`http://127.0.0.1:${config.apiPort}/_server/health`);
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

export async function functionsServerUp(config: StackConfig): Promise<"started" | "running"> {
  const pid = runningPid();
  if (pid && (await healthy(config))) return "running";
  if (pid) await functionsServerDown();
  await assertPortFree(config.apiPort, "SCRAPE_OPS_API_PORT");
  const log = openSync(FUNCTIONS_LOG, "a");
  const child = spawn(DENO, ["run", "--allow-all", "--config", "deno.json", "scripts/functions-server/main.ts"], {
    cwd: ROOT,
    detached: true,
    stdio: ["ignore", log, log],
    env: { ...process.env, ...stackEnv(config), FUNCTIONS_PORT: String(config.apiPort) },
  });
  closeSync(log);
  child.unref();
  writeFileSync(PID_FILE, String(child.pid));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (await healthy(config)) return "started";
    if (child.exitCode !== null || !runningPid()) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  await functionsServerDown();
  const tail = readFileSync(FUNCTIONS_LOG, "utf8").split("\n").slice(-20).join("\n");
  throw new Error(`the functions server did not start; last lines of ${FUNCTIONS_LOG}:\n${tail}`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function signal(pid: number, name: NodeJS.Signals) {
  try {
    process.kill(-pid, name); // the whole process group: deno and anything it started
  } catch {
    try {
      process.kill(pid, name);
    } catch {
      // already gone
    }
  }
}

/** Stops the server and waits until its process is gone, so its port is free again. */
/**
 * A crash: SIGKILL to the server's process group, no chance to finish anything. Resolves when its
 * port is closed (the exit closed its sockets; the parent may reap the process later).
 */
export async function functionsServerCrash(config: StackConfig): Promise<void> {
  const pid = runningPid();
  if (!pid) return;
  signal(pid, "SIGKILL");
  while (await isPortOpen(config.apiPort)) await new Promise((r) => setTimeout(r, 20));
}

export async function functionsServerDown(): Promise<"stopped" | "not running"> {
  const pid = runningPid();
  if (!pid) return "not running";
  signal(pid, "SIGTERM");
  const deadline = Date.now() + 5000;
  while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (alive(pid)) signal(pid, "SIGKILL");
  rmSync(PID_FILE, { force: true });
  return "stopped";
}

export async function functionsServerStatus(config: StackConfig): Promise<string> {
  if (!runningPid()) return (await isPortOpen(config.apiPort)) ? "stopped (port taken by another process)" : "stopped";
  return (await healthy(config)) ? "running" : "starting or unhealthy";
}
