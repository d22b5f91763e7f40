// The project-owned PostgreSQL 15 cluster under .local/pg: created on first use,
// started idempotently, recovered after a crash or a stale pid file.
import { execFileSync, spawnSync } from "node:child_process";
import { accessSync, chmodSync, chownSync, constants, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import postgres from "postgres";
import { BOOTSTRAP_SUPERUSER, LOCAL_DIR, type StackConfig } from "./config.ts";
import { assertPortFree, isPortOpen } from "./ports.ts";

const PG_BIN = "/usr/lib/postgresql/15/bin";
const CLUSTER_DIR = join(LOCAL_DIR, "pg");
const DATA_DIR = join(CLUSTER_DIR, "data");
const SOCKET_DIR = join(CLUSTER_DIR, "run");
export const POSTGRES_LOG = join(CLUSTER_DIR, "postgres.log");
/**
 * Marks a cluster made with the hosted role model: initdb's bootstrap superuser is supabase_admin and
 * `postgres` is an ordinary role. Clusters made before (postgres as the superuser) are re-created: the
 * bootstrap superuser can never lose its superuser attribute.
 */
const LAYOUT_FILE = join(CLUSTER_DIR, "layout");
const LAYOUT = "bootstrap superuser supabase_admin, postgres without superuser\n";

// initdb and postgres refuse to run as root: as root we run them as the Debian `postgres` user.
const asRoot = process.getuid?.() === 0;

function postgresUser(): { uid: number; gid: number } {
  const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
  const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
  return { uid, gid };
}

function pg(binary: string, args: string[], options: { allowFailure?: boolean } = {}) {
  const command = asRoot ? "runuser" : join(PG_BIN, binary);
  const argv = asRoot ? ["-u", "postgres", "--", join(PG_BIN, binary), ...args] : args;
  const result = spawnSync(command, argv, { encoding: "utf8", cwd: "/" });
  if (result.status !== 0 && !options.allowFailure) {
    throw new Error(`${binary} ${args.join(" ")} failed:\n${result.stderr || result.stdout}`);
  }
  return result;
}

function ensureOwnedDirectories() {
  for (const dir of [LOCAL_DIR, CLUSTER_DIR, SOCKET_DIR]) mkdirSync(dir, { recursive: true });
  if (!asRoot) return;
  const { uid, gid } = postgresUser();
  chownSync(CLUSTER_DIR, uid, gid);
  chownSync(SOCKET_DIR, uid, gid);
  try {
    accessSync(CLUSTER_DIR, constants.X_OK);
  } catch {
    chmodSync(LOCAL_DIR, 0o755);
  }
  const probe = spawnSync("runuser", ["-u", "postgres", "--", "test", "-w", CLUSTER_DIR]);
  if (probe.status !== 0) {
    throw new Error(
      `the postgres user cannot write ${CLUSTER_DIR}: every parent folder must be searchable (chmod o+x)`,
    );
  }
}

function initCluster() {
  const pwfile = join(CLUSTER_DIR, "pwfile");
  writeFileSync(pwfile, "postgres\n", { mode: 0o600 });
  if (asRoot) chownSync(pwfile, postgresUser().uid, postgresUser().gid);
  pg("initdb", [
    "-D", DATA_DIR, "-U", BOOTSTRAP_SUPERUSER, `--pwfile=${pwfile}`, "--auth=scram-sha-256",
    "--encoding=UTF8", "--locale=C.UTF-8",
  ]);
  rmSync(pwfile);
  const settings = [
    "# scrape-ops local stack (see scripts/lib/cluster.ts)",
    "listen_addresses = '127.0.0.1'",
    `unix_socket_directories = '${SOCKET_DIR}'`,
    "shared_preload_libraries = 'pg_cron'",
    "cron.database_name = 'postgres'",
    "timezone = 'UTC'",
    "log_timezone = 'UTC'",
    "max_connections = 300",
    "shared_buffers = '512MB'",
    "work_mem = '32MB'",
    "maintenance_work_mem = '256MB'",
    // A disposable development cluster: fsync and full-page writes only protect against a crash of the
    // machine, which costs a reset here. synchronous_commit is set at every start (see DURABILITY).
    "fsync = off",
    "full_page_writes = off",
  ];
  writeFileSync(join(DATA_DIR, "postgresql.conf"), `\n${settings.join("\n")}\n`, { flag: "a" });
  writeFileSync(LAYOUT_FILE, LAYOUT);
}

/**
 * The project's `postgres` role as hosted Supabase has it (supabase/postgres, migrations/db/migrations/
 * 10000000000000_demote-postgres.sql): NOSUPERUSER CREATEDB CREATEROLE LOGIN REPLICATION BYPASSRLS.
 * Memberships and extensions come with the platform bootstrap (supabase/platform/local-bootstrap.sql).
 */
async function ensureProjectRole(config: StackConfig): Promise<void> {
  const admin = postgres(config.adminDbUrl, { onnotice: () => {}, max: 1 });
  try {
    const [role] = await admin`select rolsuper from pg_roles where rolname = 'postgres'`;
    const attributes = "nosuperuser createdb createrole login replication bypassrls password 'postgres'";
    await admin.unsafe(`${role ? "alter" : "create"} role postgres ${attributes}`);
  } finally {
    await admin.end();
  }
}

function serverRunning(): boolean {
  if (!existsSync(join(DATA_DIR, "PG_VERSION"))) return false;
  return pg("pg_ctl", ["status", "-D", DATA_DIR], { allowFailure: true }).status === 0;
}

/**
 * A commit is acknowledged only after its WAL reached the kernel, as on hosted Supabase: a log line
 * that got a 2xx survives an immediate restart (`pg_ctl restart -m immediate`, a killed postmaster).
 * Given on the command line so that clusters created before this setting get it too.
 */
const DURABILITY = "-c synchronous_commit=on";

/** Creates (first time) and starts the cluster; a no-op when it already runs. */
export async function clusterUp(config: StackConfig): Promise<"started" | "running"> {
  ensureOwnedDirectories();
  if (serverRunning() && !existsSync(LAYOUT_FILE)) clusterDown(); // made before the hosted role model
  if (serverRunning()) {
    if (!(await isPortOpen(config.dbPort))) {
      throw new Error(`the local cluster runs but not on port ${config.dbPort}: run npm run stack:down first`);
    }
    return "running";
  }
  await assertPortFree(config.dbPort, "SCRAPE_OPS_DB_PORT");
  if (existsSync(join(DATA_DIR, "PG_VERSION")) && !existsSync(LAYOUT_FILE)) {
    console.log("  postgres: re-creating the local cluster with the hosted role model (postgres is no superuser)");
    rmSync(DATA_DIR, { recursive: true, force: true });
  }
  if (!existsSync(join(DATA_DIR, "PG_VERSION"))) initCluster();
  // pg_ctl reported no server: a postmaster.pid left behind by a crash or a killed machine is stale.
  rmSync(join(DATA_DIR, "postmaster.pid"), { force: true });
  const result = pg("pg_ctl", [
    "start", "-D", DATA_DIR, "-w", "-t", "60", "-l", POSTGRES_LOG, "-o", `-p ${config.dbPort} ${DURABILITY}`,
  ], { allowFailure: true });
  if (result.status !== 0) {
    const tail = existsSync(POSTGRES_LOG) ? readFileSync(POSTGRES_LOG, "utf8").split("\n").slice(-15).join("\n") : "";
    throw new Error(`PostgreSQL did not start:\n${result.stderr}\n${tail}`);
  }
  await ensureProjectRole(config);
  return "started";
}

/**
 * A crash and recovery: `pg_ctl restart -m immediate` kills every server process without a checkpoint,
 * then starts again and replays the WAL. What a commit acknowledged must still be there (durability test).
 */
export function clusterCrashRestart(config: StackConfig): void {
  pg("pg_ctl", [
    "restart", "-D", DATA_DIR, "-m", "immediate", "-w", "-t", "120", "-l", POSTGRES_LOG,
    "-o", `-p ${config.dbPort} ${DURABILITY}`,
  ]);
}

export function clusterDown(): "stopped" | "not running" {
  if (!serverRunning()) return "not running";
  pg("pg_ctl", ["stop", "-D", DATA_DIR, "-m", "fast", "-w", "-t", "60"]);
  return "stopped";
}

export function clusterStatus(): string {
  return serverRunning() ? "running" : "stopped";
}
