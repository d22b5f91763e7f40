// Where everything runs. One place reads the environment so that every script
// and test agrees on ports, URLs and keys.
//
// Defaults describe the project-owned local stack. Setting SUPABASE_DB_URL (and
// SUPABASE_URL plus keys) points everything at an existing Supabase instead.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { JWK } from "jose";
import { localStackMirrorUrl } from "../../supabase/functions/_shared/mirror/local-target.ts";
import { localKeys } from "./local-keys.ts";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const LOCAL_DIR = join(ROOT, ".local");

/** The local cluster's bootstrap superuser: on hosted Supabase the platform's own, never the project's. */
export const BOOTSTRAP_SUPERUSER = "supabase_admin";

function port(name: string, fallback: number): number {
  const raw = process.env[name];
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    throw new Error(`${name}=${raw} is not a valid TCP port`);
  }
  return value;
}

export interface StackConfig {
  /** true when the environment points at an existing Supabase: no local cluster or server is managed. */
  external: boolean;
  dbPort: number;
  apiPort: number;
  /** Where the local stack serves the operations console (web/dist); Supabase Studio's local port by default. */
  consolePort: number;
  /**
   * The `postgres` role, as hosted Supabase has it: not a superuser (NOSUPERUSER CREATEDB CREATEROLE
   * BYPASSRLS, member of anon, authenticated and service_role). Migrations, pgTAP, tests and functions use it.
   */
  dbUrl: string;
  /** The platform's bootstrap superuser (local cluster only): creates extensions and platform pieces. */
  adminDbUrl: string;
  /** Base URL of the API gateway: functions live under /functions/v1/<name>. */
  supabaseUrl: string;
  /** A secret API key (`sb_secret_...`): the service role, sent in the `apikey` header. */
  secretKey: string;
  /** A publishable key (`sb_publishable_...`): what a browser sends as `apikey`. */
  publishableKey: string;
  /** The project's public signing keys (served at /auth/v1/.well-known/jwks.json locally). */
  jwks: { keys: JWK[] } | null;
  /** Private key that signs user tokens (local stack, or OPS_SIGNING_KEY); null when only Auth can sign. */
  signingKey: JWK | null;
  /** OPS_STREAM_TOKEN_SECRET of the functions. */
  streamTokenSecret: string;
}

function namedKey(env: string | undefined): string | undefined {
  if (!env) return undefined;
  try {
    const value = JSON.parse(env);
    return typeof value === "object" && value ? Object.values(value).find((v) => typeof v === "string") as string : env;
  } catch {
    return env;
  }
}

function jsonEnv<T>(name: string): T | undefined {
  const raw = process.env[name];
  if (!raw) return undefined;
  try {
    return JSON.parse(raw) as T;
  } catch {
    throw new Error(`${name} is not valid JSON`);
  }
}

export function stackConfig(): StackConfig {
  const dbPort = port("SCRAPE_OPS_DB_PORT", 54322);
  const apiPort = port("SCRAPE_OPS_API_PORT", 54321);
  const external = Boolean(process.env.SUPABASE_DB_URL);
  // Test runs and child processes get SUPABASE_DB_URL too, yet use the keys of this checkout's stack.
  const keys = localKeys(LOCAL_DIR, !external);
  const env = process.env;
  return {
    external,
    dbPort,
    apiPort,
    consolePort: port("SCRAPE_OPS_CONSOLE_PORT", 54323),
    dbUrl: env.SUPABASE_DB_URL ?? `postgresql://postgres:postgres@127.0.0.1:${dbPort}/postgres`,
    adminDbUrl: env.SUPABASE_DB_URL ?? `postgresql://${BOOTSTRAP_SUPERUSER}:postgres@127.0.0.1:${dbPort}/postgres`,
    supabaseUrl: (env.SUPABASE_URL ?? `http://127.0.0.1:${apiPort}`).replace(/\/+$/, ""),
    secretKey: env.SUPABASE_SECRET_KEY ?? namedKey(env.SUPABASE_SECRET_KEYS) ?? keys?.secretKey ?? "",
    publishableKey: env.SUPABASE_PUBLISHABLE_KEY ?? namedKey(env.SUPABASE_PUBLISHABLE_KEYS) ?? keys?.publishableKey ?? "",
    jwks: jsonEnv<{ keys: JWK[] }>("SUPABASE_JWKS") ?? keys?.jwks ?? null,
    signingKey: jsonEnv<JWK>("OPS_SIGNING_KEY") ?? keys?.signingKey ?? null,
    streamTokenSecret: env.OPS_STREAM_TOKEN_SECRET ?? keys?.streamTokenSecret ?? "",
  };
}

/** Headers of a service caller: the secret key in `apikey` (new keys are not JWTs: never a bearer). */
export function serviceHeaders(config: StackConfig = stackConfig()): Record<string, string> {
  return { apikey: config.secretKey };
}

/**
 * Environment handed to child processes (functions server, CLI, tests) so they see the same stack,
 * in the shapes hosted functions get (Supabase docs "Environment Variables", guides/functions/secrets).
 */
export function stackEnv(config: StackConfig = stackConfig()): Record<string, string> {
  return {
    SUPABASE_URL: config.supabaseUrl,
    SUPABASE_DB_URL: config.dbUrl,
    SUPABASE_JWKS: JSON.stringify(config.jwks ?? { keys: [] }),
    SUPABASE_PUBLISHABLE_KEYS: JSON.stringify({ default: config.publishableKey }),
    SUPABASE_SECRET_KEYS: JSON.stringify({ default: config.secretKey }),
    OPS_STREAM_TOKEN_SECRET: config.streamTokenSecret,
    // the local mirror target, named explicitly (a hosted project without BigQuery gets "not configured")
    MIRROR_LOCAL_DB_URL: process.env.MIRROR_LOCAL_DB_URL ?? localStackMirrorUrl(config.dbUrl),
  };
}
