// The morning report: what happened last night, why, and what to open next.
// Every figure comes from the SQL views (ops.daily_summary_v, ops.alerts_v,
// ops.mirror_freshness_v); this module only formats them.
import type { Sql } from "postgres";

const MARK: Record<string, string> = { success: "✔", partial: "◐", failed: "✘", no_data: "∅" };

export async function morningReport(sql: Sql, runDate?: string): Promise<string> {
  const [{ day }] = await sql`select coalesce(${runDate ?? null}::date, (now() at time zone 'Europe/Berlin')::date) as day`;
  const rows = await sql`
    select company_key, final_status, problem_reasons, jobs_processed_best, baseline_jobs_processed_14d,
           http_fail_rate_sum, http_block_rate_sum, best_job_id
      from ops.daily_summary_v where run_date = ${day} and active order by company_key`;
  const alerts = await sql`select severity, rule, source_key, message from ops.alerts_v order by severity_rank, rule, source_key`;
  const [mirror] = await sql`select * from ops.mirror_freshness_v`;

  const counts = { success: 0, partial: 0, failed: 0, no_data: 0 } as Record<string, number>;
  for (const row of rows) counts[row.final_status] = (counts[row.final_status] ?? 0) + 1;
  const date = new Date(day).toISOString().slice(0, 10);
  const lines: string[] = [];
  lines.push(`MORNING REPORT  run date ${date} (Europe/Berlin)`);
  lines.push(
    `health  ${rows.length} companies   ✔ ${counts.success} success   ◐ ${counts.partial} partial   ` +
      `✘ ${counts.failed} failed   ∅ ${counts.no_data} no data`,
  );

  const problems = rows.filter((r) => r.final_status !== "success" || (r.problem_reasons ?? []).length > 0);
  lines.push("", `problems (${problems.length})`);
  for (const p of problems) {
    const volume = p.jobs_processed_best == null
      ? "no run"
      : `${p.jobs_processed_best} items vs baseline ${p.baseline_jobs_processed_14d == null ? "-" : Number(p.baseline_jobs_processed_14d).toFixed(1)}`;
    lines.push(
      `  ${MARK[p.final_status] ?? "?"} ${p.company_key.padEnd(28)} ${p.final_status.padEnd(8)} ` +
        `${(p.problem_reasons ?? []).join(", ").padEnd(40)} ${volume}`,
    );
  }

  lines.push("", `alerts (${alerts.length})`);
  for (const a of alerts) lines.push(`  [${a.severity}] ${a.rule}${a.source_key ? ` ${a.source_key}` : ""}: ${a.message}`);

  if (mirror) {
    const state = mirror.is_fresh ? "fresh" : mirror.is_stale ? "STALE" : "not fresh yet (due 08:00 Berlin)";
    lines.push("", `mirror  ${state}${mirror.reason ? `: ${mirror.reason}` : ""}`);
  }

  const worst = problems.find((p) => p.final_status === "failed") ?? problems[0];
  lines.push("", "open next");
  if (worst) {
    lines.push(`  logs of ${worst.company_key}:  GET /functions/v1/control/logs?portal=${worst.company_key}&level=ERROR`);
    if (worst.best_job_id) lines.push(`  its job:  GET /functions/v1/jobs/${worst.best_job_id}  (stream: /jobs/${worst.best_job_id}/stream)`);
  }
  lines.push("  errors by type:  GET /functions/v1/control/errors?start=" + date);
  lines.push("  in Studio:  ops.alerts_v, ops.daily_summary_v, ops.silent_failures_v, ops.top_errors_v, ops.portal_status_v");
  return lines.join("\n");
}
