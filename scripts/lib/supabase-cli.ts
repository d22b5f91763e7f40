// The real Supabase CLI (npm package `supabase`) pointed at a database URL.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { ROOT } from "./config.ts";

const CLI = join(ROOT, "node_modules", ".bin", "supabase");

/** Schemas whose tables, views and functions belong in the generated types. */
export const TYPED_SCHEMAS = ["ops", "reporting"];

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

export function supabaseCli(args: string[], options: { quiet?: boolean } = {}): CliResult {
  const result = spawnSync(CLI, args, {
    cwd: ROOT,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    env: {
      ...process.env,
      // The CLI treats a URL on config.toml's [db] port as its own Docker container and
      // probes Docker for it; a port no container uses keeps it on the plain-URL path.
      SUPABASE_DB_PORT: "1",
      PGSSLMODE: process.env.PGSSLMODE ?? "disable",
      DO_NOT_TRACK: "1",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const out = { status: result.status ?? 1, stdout: result.stdout ?? "", stderr: result.stderr ?? "" };
  if (!options.quiet && out.status !== 0) process.stderr.write(out.stderr);
  return out;
}

/** Generated TypeScript for TYPED_SCHEMAS, without the CLI's banner lines. */
export function generateTypes(dbUrl: string): string {
  const result = supabaseCli(["gen", "types", `--remote=${dbUrl}`, "--schema", TYPED_SCHEMAS.join(",")], {
    quiet: true,
  });
  if (result.status !== 0) throw new Error(`supabase gen types failed:\n${result.stderr}`);
  const start = result.stdout.indexOf("export type Json");
  if (start < 0) throw new Error(`supabase gen types printed no types:\n${result.stdout}`);
  return result.stdout.slice(start);
}
