// Starts and stops the local functions server (scripts/functions-server) as a
// background Deno process with a pid file and a log file under .local/.
import { join } from "node:path";
import { LOCAL_DIR, ROOT, type StackConfig, stackEnv } from "./config.ts";
import { localUsers } from "./local-users.ts";
import { type BackgroundServer, logFile, serverCrash, serverDown, serverStatus, serverUp } from "./background.ts";

const NAME = "functions-server";
/** Large enough never to stop a local worker before its wall-clock budget (see the env below). */
const LOCAL_CPU_BUDGET_MS = 600_000;
export const FUNCTIONS_LOG = logFile({ name: NAME });

function functionsServer(config: StackConfig): BackgroundServer {
  return {
    name: NAME,
    port: config.apiPort,
    portEnvVar: "SCRAPE_OPS_API_PORT",
    healthUrl: `http://127.0.0.1:${config.apiPort}/_server/health`,
    command: join(ROOT, "node_modules", ".bin", "deno"),
    args: ["run", "--allow-all", "--config", "deno.json", "scripts/functions-server/main.ts"],
    env: {
      ...stackEnv(config),
      FUNCTIONS_PORT: String(config.apiPort),
      // Hosted, each request's isolate has its own ~2 s of CPU and the workers stop (a crawl
      // checkpoints) before it (DEFAULT_CPU_BUDGET_MS). Here one Deno process serves every invocation at once and
      // its CPU figure is the whole process's, so that budget would stop workers for their
      // neighbours' work (more often the busier the machine). Locally the wall clock decides unless
      // WORKER_CPU_BUDGET_MS is set; the CPU checkpoint itself is proven by the crawl's unit tests
      // with a stand-in meter, and bench:cpu still reports each invocation's CPU.
      WORKER_CPU_BUDGET_MS: process.env.WORKER_CPU_BUDGET_MS ?? String(LOCAL_CPU_BUDGET_MS),
      // the Auth stand-in's Site URL (GOTRUE_SITE_URL hosted): the console, where magic links land
      AUTH_SITE_URL: `http://127.0.0.1:${config.consolePort}/`,
    },
  };
}

export function functionsServerUp(config: StackConfig) {
  localUsers(LOCAL_DIR, true); // the Auth stand-in's users, created once per checkout
  return serverUp(functionsServer(config));
}
export const functionsServerDown = () => serverDown({ name: NAME });
/** SIGKILL, for the durability test: what a crashed edge runtime looks like to its clients. */
export const functionsServerCrash = (config: StackConfig) => serverCrash({ name: NAME, port: config.apiPort });
export const functionsServerStatus = (config: StackConfig) => serverStatus(functionsServer(config));
