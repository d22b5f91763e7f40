// The operations console on the local stack: build web/ when its sources are
// newer than the build, serve it (scripts/console-server), and sign-in links
// carrying a short-lived local token for a viewer or an operator.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { LOCAL_DIR, ROOT, type StackConfig, stackEnv } from "./config.ts";
import { LOCAL_PEOPLE, localUsers } from "./local-users.ts";
import { mintUserToken } from "./tokens.ts";
import { type BackgroundServer, serverDown, serverStatus, serverUp } from "./background.ts";

const WEB = join(ROOT, "web");
const NAME = "console-server";
/** How long a printed sign-in link works. */
export const LOCAL_TOKEN_TTL_SECONDS = 8 * 3600;

function consoleServer(config: StackConfig): BackgroundServer {
  return {
    name: NAME,
    port: config.consolePort,
    portEnvVar: "SCRAPE_OPS_CONSOLE_PORT",
    healthUrl: `http://127.0.0.1:${config.consolePort}/_server/health`,
    command: join(ROOT, "node_modules", ".bin", "tsx"),
    args: ["scripts/console-server/main.ts"],
    env: { ...stackEnv(config), CONSOLE_PORT: String(config.consolePort), CONSOLE_PUBLISHABLE_KEY: config.publishableKey },
  };
}

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

/** Builds web/ when the build is missing or older than its sources; returns what it did. */
export function buildConsole(force = false): "built" | "up to date" {
  const built = join(WEB, "dist", "index.html");
  const sources = ["src", "index.html", "package.json", "vite.config.ts"].map((f) => join(WEB, f)).filter(existsSync);
  if (!force && existsSync(built) && statSync(built).mtimeMs >= Math.max(...sources.map(newestMtime))) {
    return "up to date";
  }
  const result = spawnSync("npm", ["run", "build"], { cwd: WEB, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`building the console failed:\n${result.stdout}${result.stderr}`);
  return "built";
}

export async function consoleUp(config: StackConfig): Promise<string> {
  const build = buildConsole();
  return `${await serverUp(consoleServer(config))} (${build})`;
}

export const consoleDown = () => serverDown({ name: NAME });
export const consoleStatus = (config: StackConfig) => serverStatus(consoleServer(config));

/** A local user's access token, signed like Supabase Auth's, with the ops role in app_metadata. */
export function localUserToken(config: StackConfig, role: "viewer" | "operator", ttlSeconds = LOCAL_TOKEN_TTL_SECONDS) {
  return mintUserToken({ role, email: LOCAL_PEOPLE[role].email, sub: LOCAL_PEOPLE[role].id, ttlSeconds }, config);
}

/** The console URL that signs in with a local token (in the fragment: never sent to a server). */
export async function signInLink(config: StackConfig, role: "viewer" | "operator", ttlSeconds?: number): Promise<string> {
  return `http://127.0.0.1:${config.consolePort}/#/signin?token=${await localUserToken(config, role, ttlSeconds)}`;
}

/**
 * What `npm run console` and `npm run demo` print to sign in: a link per role, and the local Auth
 * stand-in's users (e-mail + password, or a magic link shown at the mailbox) for the hosted way.
 */
export async function signInLines(config: StackConfig): Promise<string[]> {
  const lines = [
    `  viewer:   ${await signInLink(config, "viewer")}`,
    `  operator: ${await signInLink(config, "operator")}`,
    `or with e-mail + password (or "E-mail me a link"; the links arrive at ${config.supabaseUrl}/_server/mailbox?email=...):`,
  ];
  for (const user of localUsers(LOCAL_DIR, false) ?? []) lines.push(`  ${user.role.padEnd(9)} ${user.email}  ${user.password}`);
  return lines;
}
