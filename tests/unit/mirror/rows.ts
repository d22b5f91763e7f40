// Rows of the mirror schema (v1) shared by the mirror unit tests, as the target receives them: a
// successful day (what normalizeRows makes of the Looker view's row for it) and a no_data day.
import type { NormalizedRow } from "../../../supabase/functions/_shared/mirror/schema.ts";

export const SUCCESS_ROW: NormalizedRow = {
  company_key: "acme",
  run_date: "2024-05-01",
  final_status: "success",
  is_success: 1,
  is_problem: 0,
  jobs_processed_best: 120,
  http_fail_rate_sum: 0.05,
  http_block_rate_sum: 0,
  baseline_jobs_processed_14d: 118.5,
  execution_time_sec_best: 42.125,
};

export const NO_DATA_ROW: NormalizedRow = {
  company_key: "globex",
  run_date: "2024-05-01",
  final_status: "no_data",
  is_success: 0,
  is_problem: 1,
  jobs_processed_best: null,
  http_fail_rate_sum: null,
  http_block_rate_sum: null,
  baseline_jobs_processed_14d: null,
  execution_time_sec_best: null,
};
