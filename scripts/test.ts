// npm test: everything from a fresh machine to a verdict.
// Stages run in order; each prints one summary line (its output in full only
// when it fails); the last line is `N passed, N failed` over all stages' tests.
import { spawnSync } from "node:child_process";
import { copyFileSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { LOCAL_DIR, ROOT, stackConfig, stackEnv } from "./lib/config.ts";
import { resetDatabase, runSqlFile } from "./lib/database.ts";
import { formattedTypes, restartFunctions, stackUp, TYPES_FILE } from "./lib/stack.ts";
import { supabaseCli } from "./lib/supabase-cli.ts";

interface StageResult {
  passed: number;
  failed: number;
  output?: string;
}

interface Stage {
  name: string;
  /** Stages after a failed `required` stage are skipped: they cannot mean anything. */
  required?: boolean;
  run: () => Promise<StageResult> | StageResult;
}

const config = stackConfig();
const env = { ...process.env, ...stackEnv(config) };
const BIN = join(ROOT, "node_modules", ".bin");

function run(command: string, args: string[], extraEnv: Record<string, string> = {}, cwd = ROOT) {
  const result = spawnSync(command, args, {
    cwd,
    encoding: "utf8",
    env: { ...env, ...extraEnv },
    maxBuffer: 256 * 1024 * 1024,
  });
  return { status: result.status ?? 1, output: `${result.stdout ?? ""}${result.stderr ?? ""}` };
}

function functionNames(): string[] {
  const dir = join(ROOT, "supabase", "functions");
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith("_") && existsSync(join(dir, d.name, "index.ts")))
    .map((d) => d.name)
    .sort();
}

/** Sets the project's pg_cron jobs active or not, on a connection of its own. */
async function setCronActive(active: boolean): Promise<void> {
  const sql = postgres(config.dbUrl, { max: 1, onnotice: () => {} });
  try {
    await sql`update cron.job set active = ${active} where jobname like 'ops-%'`;
  } finally {
    await sql.end();
  }
}

// No connection is held while the tests run: the durability test crashes PostgreSQL.
async function withCronPaused<T>(work: () => T): Promise<T> {
  await setCronActive(false);
  try {
    return work();
  } finally {
    await setCronActive(true);
  }
}

/** A vitest run, counted from its JSON report. */
function vitest(reportName: string, args: string[]): StageResult {
  const report = join(LOCAL_DIR, reportName);
  rmSync(report, { force: true });
  const result = run(join(BIN, "vitest"), ["run", ...args, "--reporter=default", "--reporter=json", `--outputFile.json=${report}`]);
  if (!existsSync(report)) return { passed: 0, failed: 1, output: result.output };
  const json = JSON.parse(readFileSync(report, "utf8"));
  const failed = json.numFailedTests + (result.status !== 0 && json.numFailedTests === 0 ? 1 : 0);
  return { passed: json.numPassedTests, failed, output: result.output };
}

const stages: Stage[] = [
  {
    name: "stack",
    required: true,
    run: async () => {
      await stackUp(config);
      return { passed: 1, failed: 0 };
    },
  },
  {
    name: "migrations",
    required: true,
    run: async () => {
      await resetDatabase(config);
      await restartFunctions(config);
      const count = readdirSync(join(ROOT, "supabase", "migrations")).filter((f) => f.endsWith(".sql")).length;
      return { passed: count, failed: 0 };
    },
  },
  {
    name: "types drift",
    run: () => {
      const fresh = formattedTypes(config.dbUrl);
      const committed = existsSync(TYPES_FILE) ? readFileSync(TYPES_FILE, "utf8") : "";
      if (fresh === committed) return { passed: 1, failed: 0 };
      return {
        passed: 0,
        failed: 1,
        output: "supabase/functions/_shared/database.types.ts differs from the types generated from the migrations: run `npm run types:gen`",
      };
    },
  },
  {
    name: "pgTAP",
    run: () => {
      runSqlFile(config.dbUrl, join(ROOT, "supabase", "tests", "helpers", "00-test-helpers.sql"));
      const files = readdirSync(join(ROOT, "supabase", "tests"))
        .filter((f) => f.endsWith(".sql"))
        .sort()
        .map((f) => join("supabase", "tests", f));
      const url = new URL(config.dbUrl);
      const result = run("pg_prove", [
        "-h", url.hostname, "-p", url.port || "5432", "-U", decodeURIComponent(url.username),
        "-d", url.pathname.slice(1), ...files,
      ], { PGPASSWORD: decodeURIComponent(url.password) });
      const total = Number(result.output.match(/Tests=(\d+)/)?.[1] ?? 0);
      const failedSubtests = [...result.output.matchAll(/Failed (\d+)\/\d+ subtests/g)]
        .reduce((sum, m) => sum + Number(m[1]), 0);
      const failed = result.status === 0 ? 0 : Math.max(failedSubtests, 1);
      return { passed: Math.max(total - failedSubtests, 0), failed, output: result.output };
    },
  },
  {
    name: "vitest",
    // Integration tests drive the sweeper themselves (ops.sweep_and_wake); a cron tick waking
    // workers in the middle of a test would make its timings and counts depend on the clock.
    run: () => withCronPaused(() => vitest("vitest-report.json", [])),
  },
  {
    name: "browser",
    run: async () => {
      // Debian's chromium, installed here and only when this stage runs
      const bootstrap = run("node", ["scripts/bootstrap.mjs", "--browser"]);
      if (bootstrap.status !== 0) return { passed: 0, failed: 1, output: bootstrap.output };
      return await withCronPaused(() => vitest("vitest-browser-report.json", ["--config", "tests/e2e/vitest.config.ts"]));
    },
  },
  {
    name: "typescript",
    run: () => {
      const root = run(join(BIN, "tsc"), ["-p", "tsconfig.json"]);
      const web = run(join(ROOT, "web", "node_modules", ".bin", "tsc"), ["-p", "web/tsconfig.json"]);
      const passed = [root, web].filter((r) => r.status === 0).length;
      return { passed, failed: 2 - passed, output: `${root.output}${web.output}` };
    },
  },
  {
    name: "deno check + lint",
    run: () => {
      let passed = 0;
      let failed = 0;
      const outputs: string[] = [];
      for (const name of functionNames()) {
        const check = run(join(BIN, "deno"), ["check", "--quiet", `supabase/functions/${name}/index.ts`]);
        const lint = run(join(BIN, "deno"), ["lint", "--quiet", `supabase/functions/${name}`]);
        for (const [what, result] of [["check", check], ["lint", lint]] as const) {
          if (result.status === 0) passed++;
          else {
            failed++;
            outputs.push(`deno ${what} ${name}:\n${result.output}`);
          }
        }
      }
      const server = run(join(BIN, "deno"), ["check", "--quiet", "scripts/functions-server/main.ts"]);
      const shared = run(join(BIN, "deno"), ["lint", "--quiet", "supabase/functions/_shared", "scripts/functions-server"]);
      for (const [what, result] of [["check functions-server", server], ["lint _shared", shared]] as const) {
        if (result.status === 0) passed++;
        else {
          failed++;
          outputs.push(`deno ${what}:\n${result.output}`);
        }
      }
      return { passed, failed, output: outputs.join("\n") };
    },
  },
  {
    // `supabase functions deploy` bundles each function with supabase/functions/deno.json as its import
    // map, not the repository root's (Supabase docs "Managing dependencies", guides/functions/dependencies).
    // Prove that supabase/ alone is enough: copy it into an empty folder, type-check every function there
    // with only that configuration (npm packages come from the registry, not from node_modules) and load
    // each one (its index.ts runs and calls Deno.serve).
    name: "bundle",
    run: () => {
      const dir = mkdtempSync(join(tmpdir(), "scrape-ops-bundle-"));
      try {
        cpSync(join(ROOT, "supabase"), join(dir, "supabase"), {
          recursive: true,
          filter: (source) => !/[/\\]\.(temp|branches)$/.test(source),
        });
        copyFileSync(join(ROOT, "scripts", "functions-server", "load.ts"), join(dir, "load.ts"));
        const functionsDir = join(dir, "supabase", "functions");
        const config = join(functionsDir, "deno.json");
        const names = functionNames();
        const deno = join(BIN, "deno");
        const check = run(deno, ["check", "--quiet", "--config", config, ...names.map((n) => join(functionsDir, n, "index.ts"))], {}, dir);
        if (check.status !== 0) return { passed: 0, failed: names.length, output: `deno check:\n${check.output}` };
        const load = run(deno, ["run", "--allow-all", "--config", config, join(dir, "load.ts"), `${functionsDir}/`], {}, dir);
        const loaded: string[] = load.status === 0 ? JSON.parse(load.output.trim().split("\n").at(-1)!).loaded : [];
        const missing = names.filter((name) => !loaded.includes(name));
        return {
          passed: names.length + loaded.length,
          failed: missing.length,
          output: missing.length ? `not loaded: ${missing.join(", ")}\n${load.output}` : undefined,
        };
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  },
  {
    name: "advisors",
    run: () => {
      const result = supabaseCli(["db", "advisors", `--remote=${config.dbUrl}`, "--fail-on", "warn"], { quiet: true });
      const output = `${result.stdout}${result.stderr}`;
      return { passed: result.status === 0 ? 1 : 0, failed: result.status === 0 ? 0 : 1, output };
    },
  },
];

let totalPassed = 0;
let totalFailed = 0;
let blockedBy: string | null = null;
const started = Date.now();

for (const stage of stages) {
  if (blockedBy) {
    console.log(`- ${stage.name.padEnd(18)} skipped (${blockedBy} failed)`);
    continue;
  }
  const t0 = Date.now();
  let result: StageResult;
  try {
    result = await stage.run();
  } catch (error) {
    result = { passed: 0, failed: 1, output: error instanceof Error ? error.message : String(error) };
  }
  totalPassed += result.passed;
  totalFailed += result.failed;
  const ok = result.failed === 0;
  const seconds = ((Date.now() - t0) / 1000).toFixed(1);
  if (!ok && result.output) console.log(`\n----- ${stage.name} output -----\n${result.output.trim()}\n-----`);
  console.log(
    `${ok ? "✔" : "✘"} ${stage.name.padEnd(18)} ${result.passed} passed, ${result.failed} failed (${seconds}s)`,
  );
  if (!ok && stage.required) blockedBy = stage.name;
}

console.log(`\ntotal time ${((Date.now() - started) / 1000).toFixed(1)}s`);
console.log(`${totalPassed} passed, ${totalFailed} failed`);
process.exit(totalFailed === 0 && !blockedBy ? 0 : 1);
