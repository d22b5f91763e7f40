// One vocabulary per concept: the TypeScript lists (supabase/functions/_shared/jobs/vocabulary.ts,
// the scrape taxonomy) against the database's definitions (check constraints, ops.error_categories,
// ops_private.pipeline_phases). A value added on one side only fails here.
import { afterAll, describe, expect, it } from "vitest";
import {
  JOB_STATUSES,
  LOG_LEVELS,
  PIPELINE_PHASES,
  SCRAPE_COUNTERS,
  SEVERITIES,
  TERMINAL_STATUSES,
} from "../../supabase/functions/_shared/jobs/vocabulary.ts";
import { DEFAULT_SEVERITY, FAILURE_CATEGORIES } from "../../supabase/functions/_shared/scrape/taxonomy.ts";
import { superuserSql } from "../support/stack.ts";

const sql = superuserSql();
afterAll(() => sql.end());

/** The quoted values of a check constraint on `table` whose definition mentions `column in (...)`. */
async function checkedValues(table: string, column: string, pattern = `^CHECK \\(\\(${column} = ANY`): Promise<string[]> {
  const rows = await sql<{ def: string }[]>`
    select pg_get_constraintdef(c.oid) as def from pg_constraint c
     where c.conrelid = ${table}::regclass and c.contype = 'c' and pg_get_constraintdef(c.oid) ~ ${pattern}`;
  expect(rows, `a check constraint on ${table}.${column}`).toHaveLength(1);
  return [...rows[0].def.matchAll(/'([^']+)'::text/g)].map((m) => m[1]);
}

describe("one vocabulary", () => {
  it("job statuses and terminal statuses", async () => {
    expect(await checkedValues("ops.jobs", "status")).toEqual([...JOB_STATUSES]);
    expect(await checkedValues("ops.jobs", "status", "finished_at IS NOT NULL")).toEqual([...TERMINAL_STATUSES]);
  });

  it("log levels, in their order", async () => {
    expect(await checkedValues("ops.logs", "level")).toEqual([...LOG_LEVELS]);
  });

  it("severities", async () => {
    expect(await checkedValues("ops.error_categories", "default_severity")).toEqual([...SEVERITIES]);
    expect(await checkedValues("ops.errors", "severity")).toEqual([...SEVERITIES]);
  });

  it("every scrape failure category is a database category, with the database's default severity", async () => {
    const rows = await sql<{ category: string; default_severity: string }[]>`
      select category, default_severity from ops.error_categories where category = any(${[...FAILURE_CATEGORIES]})`;
    const inDb = Object.fromEntries(rows.map((r) => [r.category, r.default_severity]));
    expect(inDb).toEqual(DEFAULT_SEVERITY);
  });

  it("pipeline phases, in their order", async () => {
    const [{ phases }] = await sql<{ phases: string[] }[]>`select ops_private.pipeline_phases() as phases`;
    expect(phases).toEqual([...PIPELINE_PHASES]);
    const [{ types }] = await sql<{ types: string[] }[]>`
      select array_agg(type order by type) as types from ops.job_types where type = any(${phases})`;
    expect(types).toEqual([...PIPELINE_PHASES].sort());
  });

  it("scrape counters are columns of ops.scrape_runs", async () => {
    const rows = await sql<{ column_name: string }[]>`
      select column_name from information_schema.columns
       where table_schema = 'ops' and table_name = 'scrape_runs' and column_name = any(${[...SCRAPE_COUNTERS]})`;
    expect(rows.map((r) => r.column_name).sort()).toEqual([...SCRAPE_COUNTERS].sort());
  });
});
