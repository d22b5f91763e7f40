// Where everything runs. One place reads the environment so that every script
// and test agrees on ports, URLs and keys.
//
// Defaults describe the project-owned local stack. Setting SUPABASE_DB_URL (and
// SUPABASE_URL plus keys) points everything at an existing Supabase instead.
import { createHmac } from "node:crypto";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const LOCAL_DIR = join(ROOT, ".local");

/** Supabase's well-known local JWT secret: fine for a loopback-only stack, never for a hosted one. */
const LOCAL_JWT_SECRET = "super-secret-jwt-token-with-at-least-32-characters-long";

function port(name: string, fallback: number): number {
  const raw = process.env[name];
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    throw new Error(`${name}=${raw} is not a valid TCP port`);
  }
  return value;
}

function base64url(input: Buffer | string): string {
  return Buffer.from(input).toString("base64url");
}

/** Signs an HS256 JWT, as Supabase's local stack does for its anon and service_role keys. */
export function signJwt(payload: Record<string, unknown>, secret: string): string {
  const header = base64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const body = base64url(JSON.stringify(payload));
  const signature = createHmac("sha256", secret).update(`${header}.${body}`).digest("base64url");
  return `${header}.${body}.${signature}`;
}

export interface StackConfig {
  /** true when the environment points at an existing Supabase: no local cluster or server is managed. */
  external: boolean;
  dbPort: number;
  apiPort: number;
  /** Where the local stack serves the operations console (web/dist); Supabase Studio's local port by default. */
  consolePort: number;
  /** Superuser connection used by scripts, migrations and tests. */
  dbUrl: string;
  /** Base URL of the API gateway: functions live under /functions/v1/<name>. */
  supabaseUrl: string;
  jwtSecret: string;
  anonKey: string;
  serviceRoleKey: string;
}

export function stackConfig(): StackConfig {
  const dbPort = port("SCRAPE_OPS_DB_PORT", 54322);
  const apiPort = port("SCRAPE_OPS_API_PORT", 54321);
  const jwtSecret = process.env.SUPABASE_JWT_SECRET ?? LOCAL_JWT_SECRET;
  const expiresAt = 1983812996; // the same far-future expiry as Supabase's local keys
  const external = Boolean(process.env.SUPABASE_DB_URL);
  return {
    external,
    dbPort,
    apiPort,
    consolePort: port("SCRAPE_OPS_CONSOLE_PORT", 54323),
    dbUrl: process.env.SUPABASE_DB_URL ?? `postgresql://postgres:postgres@127.0.0.1:${dbPort}/postgres`,
    supabaseUrl: process.env.SUPABASE_URL ?? `http://127.0.0.1:${apiPort}`,
    jwtSecret,
    anonKey: process.env.SUPABASE_ANON_KEY ??
      signJwt({ iss: "supabase-demo", role: "anon", exp: expiresAt }, jwtSecret),
    serviceRoleKey: process.env.SUPABASE_SERVICE_ROLE_KEY ??
      signJwt({ iss: "supabase-demo", role: "service_role", exp: expiresAt }, jwtSecret),
  };
}

/** Environment handed to child processes (functions server, CLI) so they see the same stack. */
export function stackEnv(config: StackConfig = stackConfig()): Record<string, string> {
  return {
    SUPABASE_URL: config.supabaseUrl,
    SUPABASE_DB_URL: config.dbUrl,
    SUPABASE_ANON_KEY: config.anonKey,
    SUPABASE_SERVICE_ROLE_KEY: config.serviceRoleKey,
    SUPABASE_JWT_SECRET: config.jwtSecret,
  };
}
