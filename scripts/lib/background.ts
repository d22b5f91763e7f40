// Background servers of the local stack (functions server, console server):
// a detached process with a pid file and a log file under .local/, started
// until its health URL answers, stopped with its whole process group.
import { spawn } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { LOCAL_DIR, ROOT } from "./config.ts";
import { assertPortFree, isPortOpen } from "./ports.ts";

export interface BackgroundServer {
  /** Names the pid and log files, and must appear in the process's command line. */
  name: string;
  port: number;
  portEnvVar: string;
  healthUrl: string;
  command: string;
  args: string[];
  env: Record<string, string>;
}

const pidFile = (server: Pick<BackgroundServer, "name">) => join(LOCAL_DIR, `${server.name}.pid`);
export const logFile = (server: Pick<BackgroundServer, "name">) => join(LOCAL_DIR, `${server.name}.log`);

function runningPid(server: Pick<BackgroundServer, "name">): number | null {
  const file = pidFile(server);
  if (!existsSync(file)) return null;
  const pid = Number(readFileSync(file, "utf8").trim());
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
    if (cmdline.includes(server.name)) return pid;
  } catch {
    // no such process
  }
  rmSync(file, { force: true }); // stale: the process died or the pid was reused
  return null;
}

async function healthy(server: BackgroundServer): Promise<boolean> {
  try {
    const response = await fetch(server.healthUrl);
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

export async function serverUp(server: BackgroundServer): Promise<"started" | "running"> {
  const pid = runningPid(server);
  if (pid && (await healthy(server))) return "running";
  if (pid) await serverDown(server);
  await assertPortFree(server.port, server.portEnvVar);
  const log = openSync(logFile(server), "a");
  const child = spawn(server.command, server.args, {
    cwd: ROOT,
    detached: true,
    stdio: ["ignore", log, log],
    env: { ...process.env, ...server.env },
  });
  closeSync(log);
  child.unref();
  writeFileSync(pidFile(server), String(child.pid));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (await healthy(server)) return "started";
    if (child.exitCode !== null || !runningPid(server)) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  await serverDown(server);
  const tail = readFileSync(logFile(server), "utf8").split("\n").slice(-20).join("\n");
  throw new Error(`the ${server.name} did not start; last lines of ${logFile(server)}:\n${tail}`);
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
    process.kill(-pid, name); // the whole process group: the server and anything it started
  } catch {
    try {
      process.kill(pid, name);
    } catch {
      // already gone
    }
  }
}

/**
 * A crash: SIGKILL to the server's process group, no chance to finish anything. Resolves when its port
 * is closed (the exit closed its sockets; the parent may reap the process later).
 */
export async function serverCrash(server: Pick<BackgroundServer, "name" | "port">): Promise<void> {
  const pid = runningPid(server);
  if (!pid) return;
  signal(pid, "SIGKILL");
  while (await isPortOpen(server.port)) await new Promise((r) => setTimeout(r, 20));
}

/** Stops the server and waits until its process is gone, so its port is free again. */
export async function serverDown(server: Pick<BackgroundServer, "name">): Promise<"stopped" | "not running"> {
  const pid = runningPid(server);
  if (!pid) return "not running";
  signal(pid, "SIGTERM");
  const deadline = Date.now() + 5000;
  while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (alive(pid)) signal(pid, "SIGKILL");
  rmSync(pidFile(server), { force: true });
  return "stopped";
}

export async function serverStatus(server: BackgroundServer): Promise<string> {
  if (!runningPid(server)) return (await isPortOpen(server.port)) ? "stopped (port taken by another process)" : "stopped";
  return (await healthy(server)) ? "running" : "starting or unhealthy";
}
