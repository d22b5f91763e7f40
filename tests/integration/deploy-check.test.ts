// npm run deploy:check against the local stack: passes, and names a missing piece.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT } from "../../scripts/lib/config.ts";
import { superuserSql } from "../support/stack.ts";

const sql = superuserSql();
afterAll(() => sql.end());

function deployCheck() {
  const result = spawnSync(join(ROOT, "node_modules", ".bin", "tsx"), ["scripts/deploy-check.ts"], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 120_000,
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe("deploy:check", () => {
  it("passes against the local stack", () => {
    const { status, output } = deployCheck();
    expect(output).toContain("all 7 checks passed");
    expect(status).toBe(0);
  });

  it("names a cron job that is missing and fails", async () => {
    await sql`update cron.job set jobname = 'ops-retention-hidden-by-test' where jobname = 'ops-retention'`;
    try {
      const { status, output } = deployCheck();
      expect(status).toBe(1);
      expect(output).toMatch(/✘ cron jobs\s+missing ops-retention/);
      expect(output).toContain("1 of 7 checks failed: cron jobs");
    } finally {
      await sql`update cron.job set jobname = 'ops-retention' where jobname = 'ops-retention-hidden-by-test'`;
    }
  });
});
