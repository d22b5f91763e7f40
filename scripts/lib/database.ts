// Database lifecycle: reset to migrations, apply SQL files, check what is applied.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import postgres from "postgres";
import { ROOT, type StackConfig } from "./config.ts";
import { supabaseCli } from "./supabase-cli.ts";
import { LOCAL_MIRROR_DATABASE } from "../../supabase/functions/_shared/mirror/local-target.ts";

export const PLATFORM_BOOTSTRAP = join(ROOT, "supabase", "platform", "local-bootstrap.sql");

/** Runs a SQL file with psql, stopping at the first error; the error names the file and line. */
export function runSqlFile(dbUrl: string, file: string): void {
  const result = spawnSync("psql", [dbUrl, "-v", "ON_ERROR_STOP=1", "-q", "-X", "-f", file], {
    encoding: "utf8",
    env: { ...process.env, PGOPTIONS: "--client-min-messages=warning" },
  });
  if (result.status !== 0) throw new Error(`${file} failed:\n${result.stderr}`);
}

function withDatabase(dbUrl: string, database: string): string {
  const url = new URL(dbUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Drops and recreates the `postgres` database of the local cluster: the only way to also drop roles' grants, cron jobs and extensions left by earlier migrations. */
async function recreateLocalDatabase(config: StackConfig): Promise<void> {
  const admin = postgres(withDatabase(config.adminDbUrl, "template1"), { onnotice: () => {}, max: 1 });
  try {
    await admin.unsafe("drop database if exists postgres with (force)");
    // owned by the project's role, as on hosted Supabase: migrations create their schemas as postgres
    await admin.unsafe("create database postgres owner postgres");
  } finally {
    await admin.end();
  }
}

/**
 * The local BI mirror target's database (the mirror function creates its table): recreated with
 * the local cluster's database, only created when missing on an existing Supabase.
 */
async function prepareMirrorDatabase(config: StackConfig): Promise<void> {
  const admin = postgres(withDatabase(config.adminDbUrl, config.external ? "postgres" : "template1"), {
    onnotice: () => {},
    max: 1,
  });
  try {
    if (!config.external) await admin.unsafe(`drop database if exists ${LOCAL_MIRROR_DATABASE} with (force)`);
    const [exists] = await admin`select 1 from pg_database where datname = ${LOCAL_MIRROR_DATABASE}`;
    if (!exists) {
      await admin.unsafe(`create database ${LOCAL_MIRROR_DATABASE}${config.external ? "" : " owner postgres"}`);
    }
  } catch (error) {
    if (!config.external) throw error;
    console.warn(
      `  mirror: cannot create database ${LOCAL_MIRROR_DATABASE} (${
        error instanceof Error ? error.message : error
      }); set MIRROR_LOCAL_DB_URL or BigQuery credentials`,
    );
  } finally {
    await admin.end();
  }
}

/**
 * Resets the database to exactly the migrations in supabase/migrations plus seed.sql.
 * Local cluster: recreate the database, apply the platform bootstrap, then `supabase db push`
 * (the CLI's remote `db reset` drops the auth schema that only hosted Supabase recreates).
 * Existing Supabase (SUPABASE_DB_URL): `supabase db reset --remote`.
 */
export async function resetDatabase(config: StackConfig): Promise<void> {
  if (config.external) {
    const reset = supabaseCli(["db", "reset", `--remote=${config.dbUrl}`, "--yes"]);
    if (reset.status !== 0) throw new Error(`supabase db reset failed:\n${reset.stdout}\n${reset.stderr}`);
    await prepareMirrorDatabase(config);
    return;
  }
  await recreateLocalDatabase(config);
  await prepareMirrorDatabase(config);
  runSqlFile(config.adminDbUrl, PLATFORM_BOOTSTRAP);
  const push = supabaseCli(["db", "push", `--remote=${config.dbUrl}`, "--yes", "--include-seed"], {
    quiet: true,
  });
  if (push.status !== 0) {
    const applying = push.stdout.split("\n").filter((l) => l.startsWith("Applying migration")).pop();
    throw new Error(
      `migration failed${
        applying ? ` (${applying.replace("Applying migration ", "").replace(/\.\.\.$/, "")})` : ""
      }:\n${push.stderr.trim()}`,
    );
  }
}

export async function latestMigration(dbUrl: string): Promise<string | null> {
  const sql = postgres(dbUrl, { onnotice: () => {}, max: 1 });
  try {
    const [table] = await sql`select to_regclass('supabase_migrations.schema_migrations') as name`;
    if (!table?.name) return null;
    const [row] = await sql<{ version: string | null }[]>`
      select max(version) as version from supabase_migrations.schema_migrations`;
    return row?.version ?? null;
  } finally {
    await sql.end();
  }
}
