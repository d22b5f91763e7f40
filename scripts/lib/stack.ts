// The local stack as a whole: cluster, schema, functions server.
import { writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { ROOT, type StackConfig } from "./config.ts";
import { clusterDown, clusterStatus, clusterUp } from "./cluster.ts";
import { latestMigration, resetDatabase } from "./database.ts";
import { consoleDown, consoleStatus, consoleUp } from "./console.ts";
import { functionsServerDown, functionsServerStatus, functionsServerUp } from "./functions-server.ts";
import { generateTypes } from "./supabase-cli.ts";
import { assertPortFree } from "./ports.ts";

// Inside supabase/functions so that the functions deploy without anything from outside supabase/.
export const TYPES_FILE = join(ROOT, "supabase", "functions", "_shared", "database.types.ts");

function step(message: string) {
  console.log(`  ${message}`);
}

/** Generated types, formatted the way the repository stores them. */
export function formattedTypes(dbUrl: string): string {
  const raw = generateTypes(dbUrl);
  const result = spawnSync(join(ROOT, "node_modules", ".bin", "deno"), ["fmt", "--ext", "ts", "-"], {
    cwd: ROOT,
    input: raw,
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`deno fmt of the generated types failed:\n${result.stderr}`);
  return result.stdout;
}

export function writeTypes(config: StackConfig): void {
  writeFileSync(TYPES_FILE, formattedTypes(config.dbUrl));
}

export async function stackUp(config: StackConfig): Promise<void> {
  if (config.external) {
    step(`database: existing Supabase at SUPABASE_DB_URL (not managed here)`);
    return;
  }
  // Check both ports before starting anything, so a conflict leaves nothing half-started.
  if (clusterStatus() !== "running") await assertPortFree(config.dbPort, "SCRAPE_OPS_DB_PORT");
  if ((await functionsServerStatus(config)) !== "running") await assertPortFree(config.apiPort, "SCRAPE_OPS_API_PORT");
  if ((await consoleStatus(config)) !== "running") await assertPortFree(config.consolePort, "SCRAPE_OPS_CONSOLE_PORT");
  step(`postgres: ${await clusterUp(config)} on 127.0.0.1:${config.dbPort}`);
  if (!(await latestMigration(config.dbUrl))) {
    await resetDatabase(config);
    step(`database: migrations applied`);
  }
  try {
    step(`functions: ${await functionsServerUp(config)} on ${config.supabaseUrl}/functions/v1/`);
    step(`console: ${await consoleUp(config)} on http://127.0.0.1:${config.consolePort}/`);
  } catch (error) {
    await functionsServerDown();
    clusterDown();
    throw error;
  }
}

/** Restarts the functions server so that it loads the current functions and schema. */
export async function restartFunctions(config: StackConfig): Promise<void> {
  if (config.external) return;
  await functionsServerDown();
  step(`functions: ${await functionsServerUp(config)} on ${config.supabaseUrl}/functions/v1/`);
}

export async function stackDown(): Promise<void> {
  step(`console: ${await consoleDown()}`);
  step(`functions: ${await functionsServerDown()}`);
  step(`postgres: ${clusterDown()}`);
}

export async function stackStatus(config: StackConfig): Promise<Record<string, string>> {
  return {
    postgres: config.external ? "external" : clusterStatus(),
    functions: config.external ? "external" : await functionsServerStatus(config),
    console: config.external ? "external" : await consoleStatus(config),
    latest_migration: (await latestMigration(config.dbUrl).catch(() => null)) ?? "none",
  };
}
