// Starts and stops the local functions server (scripts/functions-server) as a
// background Deno process with a pid file and a log file under .local/.
import { join } from "node:path";
import { ROOT, type StackConfig, stackEnv } from "./config.ts";
import { type BackgroundServer, logFile, serverCrash, serverDown, serverStatus, serverUp } from "./background.ts";

const NAME = "functions-server";
export const FUNCTIONS_LOG = logFile({ name: NAME });

function functionsServer(config: StackConfig): BackgroundServer {
  return {
    name: NAME,
    port: config.apiPort,
    portEnvVar: "SCRAPE_OPS_API_PORT",
    healthUrl: `http://127.0.0.1:${config.apiPort}/_server/health`,
    command: join(ROOT, "node_modules", ".bin", "deno"),
    args: ["run", "--allow-all", "--config", "deno.json", "scripts/functions-server/main.ts"],
    env: { ...stackEnv(config), FUNCTIONS_PORT: String(config.apiPort) },
  };
}

export const functionsServerUp = (config: StackConfig) => serverUp(functionsServer(config));
export const functionsServerDown = () => serverDown({ name: NAME });
/** SIGKILL, for the durability test: what a crashed edge runtime looks like to its clients. */
export const functionsServerCrash = (config: StackConfig) => serverCrash({ name: NAME, port: config.apiPort });
export const functionsServerStatus = (config: StackConfig) => serverStatus(functionsServer(config));
