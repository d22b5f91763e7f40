#!/usr/bin/env node
// Idempotent machine bootstrap. Runs before any npm package is installed, so it
// uses Node's standard library only. It does two things and nothing else:
//   1. npm packages: `npm install` when node_modules is missing or older than the lock file,
//      for the project and for the console (web/, its own package);
//   2. Debian packages the local stack needs, installed with apt-get when missing; with
//      --browser also Debian's `chromium` for the console's browser tests.
// Set SKIP_APT=1 to skip the Debian check (e.g. when pointing at an existing Supabase).
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const DEBIAN_PACKAGES = [
  "postgresql-15-cron",
  "postgresql-15-pgtap",
  "postgresql-15-plpgsql-check",
  "libtap-parser-sourcehandler-pgtap-perl",
  ...(process.argv.includes("--browser") ? ["chromium"] : []),
];

function log(message) {
  console.log(`[bootstrap] ${message}`);
}

function fail(message) {
  console.error(`[bootstrap] ${message}`);
  process.exit(1);
}

function npmPackagesUpToDate(dir) {
  const installedLock = join(dir, "node_modules", ".package-lock.json");
  if (!existsSync(installedLock)) return false;
  const wanted = ["package.json", "package-lock.json"].map((f) => join(dir, f)).filter(existsSync);
  const installedAt = statSync(installedLock).mtimeMs;
  return wanted.every((file) => statSync(file).mtimeMs <= installedAt);
}

function ensureNpmPackages(dir, what) {
  if (npmPackagesUpToDate(dir)) return log(`${what}: npm packages up to date`);
  // `npm install`, not `npm ci`: the lock file lists platform-specific optional packages
  // (deno, rollup) that `npm ci` rejects as out of sync on other platforms.
  log(`${what}: npm install ...`);
  const result = spawnSync("npm", ["install", "--no-audit", "--no-fund"], { cwd: dir, stdio: "inherit" });
  if (result.status !== 0) fail(`npm install in ${what} failed with exit code ${result.status}`);
}

function installedDebianPackages() {
  try {
    const out = execFileSync("dpkg-query", ["-W", "-f", "${Package} ${Status}\n", ...DEBIAN_PACKAGES], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    });
    return new Set(out.split("\n").filter((l) => l.endsWith("install ok installed")).map((l) => l.split(" ")[0]));
  } catch (error) {
    // dpkg-query exits 1 when some package is unknown; its stdout still lists the known ones.
    const out = String(error.stdout ?? "");
    return new Set(out.split("\n").filter((l) => l.endsWith("install ok installed")).map((l) => l.split(" ")[0]));
  }
}

function aptListsEmpty() {
  const dir = "/var/lib/apt/lists";
  if (!existsSync(dir)) return true;
  return !readdirSync(dir).some((f) => f.endsWith("_Packages") || f.includes("_Packages."));
}

function ensureDebianPackages() {
  if (process.env.SKIP_APT === "1") return log("SKIP_APT=1: Debian packages not checked");
  const installed = installedDebianPackages();
  const missing = DEBIAN_PACKAGES.filter((p) => !installed.has(p));
  if (missing.length === 0) return log("Debian packages present");
  const command = `apt-get update && apt-get install -y ${missing.join(" ")}`;
  if (typeof process.getuid === "function" && process.getuid() !== 0) {
    fail(`missing Debian packages: ${missing.join(", ")}.\nRun as root:\n  sudo sh -c '${command}'`);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  if (aptListsEmpty()) {
    log("apt package lists are empty: apt-get update");
    const update = spawnSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
    if (update.status !== 0) fail("apt-get update failed");
  }
  log(`apt-get install ${missing.join(" ")}`);
  let install = spawnSync("apt-get", ["install", "-y", "-qq", ...missing], { stdio: "inherit", env });
  if (install.status !== 0) {
    // Package lists can be present but stale; refresh once and retry.
    spawnSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
    install = spawnSync("apt-get", ["install", "-y", "-qq", ...missing], { stdio: "inherit", env });
  }
  if (install.status !== 0) fail(`apt-get install failed; try: ${command}`);
}

ensureNpmPackages(root, "project");
ensureNpmPackages(join(root, "web"), "console (web/)");
ensureDebianPackages();
