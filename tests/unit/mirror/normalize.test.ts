import { describe, expect, it } from "vitest";
import { MirrorRowError, normalizeRows } from "../../../supabase/functions/_shared/mirror/normalize.ts";
import { NO_DATA_ROW, SUCCESS_ROW } from "./rows.ts";

/** A row as postgres.js returns it from the Looker view: numerics and bigints as strings, date as Date. */
function pgRow(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    company_key: "acme",
    run_date: new Date("2024-05-01"),
    final_status: "success",
    is_success: 1,
    is_problem: 0,
    jobs_processed_best: "120",
    http_fail_rate_sum: "0.05",
    http_block_rate_sum: "0",
    baseline_jobs_processed_14d: "118.5000000000000000",
    execution_time_sec_best: "42.125",
    ...overrides,
  };
}

function errorOf(rows: unknown[]): MirrorRowError {
  try {
    normalizeRows(rows);
  } catch (error) {
    if (error instanceof MirrorRowError) return error;
    throw error;
  }
  throw new Error("expected a MirrorRowError");
}

describe("normalizeRows", () => {
  it("turns numeric strings into numbers and a Date into YYYY-MM-DD, in schema order", () => {
    const [row] = normalizeRows([pgRow({ extra_view_column: "dropped" })]);
    expect(row).toEqual(SUCCESS_ROW);
    expect(Object.keys(row)).toEqual([
      "company_key",
      "run_date",
      "final_status",
      "is_success",
      "is_problem",
      "jobs_processed_best",
      "http_fail_rate_sum",
      "http_block_rate_sum",
      "baseline_jobs_processed_14d",
      "execution_time_sec_best",
    ]);
  });

  it("keeps NULLs of nullable columns (a no_data day)", () => {
    const [row] = normalizeRows([pgRow({
      final_status: "no_data",
      is_success: "0",
      is_problem: "1",
      jobs_processed_best: null,
      http_fail_rate_sum: null,
      http_block_rate_sum: null,
      baseline_jobs_processed_14d: null,
      execution_time_sec_best: null,
    })]);
    expect(row).toEqual({ ...NO_DATA_ROW, company_key: "acme" });
  });

  it("accepts dates as 'YYYY-MM-DD' text, bigint and integral numeric text", () => {
    const [row] = normalizeRows([
      pgRow({ run_date: "2024-02-29", jobs_processed_best: 7n, is_problem: "0", http_fail_rate_sum: "1e-3" }),
    ]);
    expect(row).toMatchObject({
      run_date: "2024-02-29",
      jobs_processed_best: 7,
      is_problem: 0,
      http_fail_rate_sum: 0.001,
    });
    expect(normalizeRows([pgRow({ jobs_processed_best: "12.000" })])[0].jobs_processed_best).toBe(12);
  });

  it("rejects a bad status, naming row, key and field", () => {
    const error = errorOf([pgRow(), pgRow({ company_key: "globex", final_status: "ok" })]);
    expect(error.issues).toEqual([
      {
        row: 1,
        companyKey: "globex",
        runDate: "2024-05-01",
        field: "final_status",
        problem: 'must be one of success|partial|failed|no_data, got "ok"',
      },
    ]);
    expect(error.message).toBe(
      "1 invalid value(s) in mirror rows: row 1 (company_key=globex, run_date=2024-05-01): " +
        'final_status must be one of success|partial|failed|no_data, got "ok"',
    );
  });

  it("rejects a missing key column and a NULL in a REQUIRED column", () => {
    const { company_key: _dropped, ...withoutKey } = pgRow();
    const error = errorOf([withoutKey, pgRow({ run_date: null })]);
    expect(error.issues.map(({ row, companyKey, runDate, field, problem }) => ({
      row,
      companyKey,
      runDate,
      field,
      problem,
    }))).toEqual([
      {
        row: 0,
        companyKey: null,
        runDate: "2024-05-01",
        field: "company_key",
        problem: "is missing from the input row",
      },
      { row: 1, companyKey: "acme", runDate: null, field: "run_date", problem: "is required but NULL" },
    ]);
    expect(error.message).toContain("row 0 (company_key=?, run_date=2024-05-01): company_key is missing");
  });

  it.each([
    ["jobs_processed_best", "12.5", "must be an integer"],
    ["jobs_processed_best", "9007199254740993", "must be an integer"],
    ["is_success", 2, "must be one of 0|1"],
    ["http_fail_rate_sum", "NaN", "must be a finite number"],
    ["http_fail_rate_sum", "abc", "must be a finite number"],
    ["execution_time_sec_best", true, "must be a finite number"],
    ["run_date", "2024-02-30", "must be a date 'YYYY-MM-DD'"],
    ["run_date", new Date("2024-05-01T22:00:00Z"), "must be a date at UTC midnight"],
    ["run_date", new Date("not a date"), "must be a date at UTC midnight, got Invalid Date"],
    ["company_key", 42, "must be a string"],
    ["company_key", "", "must not be empty"],
  ])("rejects %s = %o", (field, value, problem) => {
    const [issue] = errorOf([pgRow({ [field]: value })]).issues;
    expect(issue.field).toBe(field);
    expect(issue.problem).toContain(problem);
  });

  it("reports every invalid value, the message showing the first five", () => {
    const rows = Array.from({ length: 7 }, (_, i) => pgRow({ company_key: `c${i}`, is_problem: "x" }));
    const error = errorOf(rows);
    expect(error.issues).toHaveLength(7);
    expect(error.message).toMatch(/^7 invalid value\(s\) in mirror rows: row 0 .* \(and 2 more\)$/);
  });

  it("rejects a row that is not an object", () => {
    expect(errorOf([null]).issues).toEqual([
      { row: 0, companyKey: null, runDate: null, field: "(row)", problem: "must be an object, got null" },
    ]);
  });
});
