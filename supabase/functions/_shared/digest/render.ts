// Renders the digest (the JSON of SQL ops.digest) for people: plain text for
// the CLI report and e-mail, a Slack message. Formatting only: every figure,
// status, cause and suggestion comes from the digest as it is.

export interface SuggestedAction {
  key: string;
  title: string;
  action: string;
}

export interface DigestAlert {
  alert_id: string;
  rule: string;
  severity: string;
  state: string;
  message: string;
  source_key?: string | null;
  since?: string | null;
  suggested_action?: SuggestedAction | null;
}

export interface DigestEntry {
  company_key: string;
  display_name: string;
  owner: string | null;
  tags: string[];
  final_status: string;
  problem_reasons: string[];
  warnings: string[];
  /** Key fields whose share of postings dropped against the source's baseline (data quality). */
  fields_dropped: string[];
  change: string;
  problem_since: string | null;
  days: number | null;
  last_success_date: string | null;
  jobs_processed_best: number | null;
  baseline_jobs_processed_14d: number | null;
  root_cause: {
    category: string;
    description: string | null;
    message: string | null;
    job_id: number | null;
    first_seen: string;
    last_seen: string;
    through_breaker: boolean;
  } | null;
  suggested_action: SuggestedAction | null;
  alerts: DigestAlert[];
  links: { job: string | null; logs: string; errors: string };
}

export interface Digest {
  version: number;
  date: string;
  generated_at: string;
  health: Record<
    "companies" | "success" | "partial" | "failed" | "no_data" | "problems" | "warnings",
    number
  >;
  changes: { new: string[]; recovered: string[]; still_failing: string[] };
  problems: DigestEntry[];
  warnings: DigestEntry[];
  alerts: { open: number; acknowledged: number; snoozed: number; items: DigestAlert[] };
  top_errors: {
    category: string;
    description: string;
    today: number;
    avg_7d: number;
    sources_today: number;
  }[];
  mirror: { is_fresh: boolean; is_stale: boolean; reason: string | null } | null;
}

const MARK: Record<string, string> = { success: "✔", partial: "◐", failed: "✘", no_data: "∅" };

const count = (n: number, noun: string, plural = `${noun}s`) => `${n} ${n === 1 ? noun : plural}`;

/** One line about a problem's cause: "block_403 since 2026-11-05 (through breaker skips): <message>". */
export function causeLine(entry: DigestEntry): string {
  const cause = entry.root_cause;
  if (!cause) return entry.problem_reasons.join(", ");
  const through = cause.through_breaker ? ", seen through breaker skips" : "";
  const fields = entry.fields_dropped.length ? ` (fields: ${entry.fields_dropped.join(", ")})` : "";
  const when = cause.first_seen === cause.last_seen
    ? `on ${cause.first_seen}`
    : `${cause.first_seen} to ${cause.last_seen}`;
  const description = cause.description ? ` (${cause.description})` : "";
  return `${cause.category}${description}${fields} ${when}${through}${cause.message ? `: ${cause.message}` : ""}`;
}

function streak(entry: DigestEntry): string {
  if (!entry.problem_since || entry.days == null) return "";
  const last = entry.last_success_date ? `last success ${entry.last_success_date}` : "never succeeded";
  return `since ${entry.problem_since} (${count(entry.days, "day")}; ${last})`;
}

/** The digest as plain text: the morning report of `npm run report` and the e-mail body. */
export function renderDigestText(digest: Digest, projectUrl = ""): string {
  const h = digest.health;
  const lines: string[] = [];
  lines.push(`MORNING REPORT  run date ${digest.date} (Europe/Berlin)`);
  lines.push(
    `health  ${count(h.companies, "company", "companies")}   ✔ ${h.success} success   ` +
      `◐ ${h.partial} partial   ✘ ${h.failed} failed   ∅ ${h.no_data} no data   (${h.problems} problems, ` +
      `${count(h.warnings, "warning")})`,
  );
  const c = digest.changes;
  lines.push(
    `changes since yesterday  new: ${c.new.join(", ") || "-"}   recovered: ${
      c.recovered.join(", ") || "-"
    }   ` +
      `still failing: ${c.still_failing.length}`,
  );

  lines.push("", `problems (${digest.problems.length})`);
  for (const p of digest.problems) {
    const volume = p.jobs_processed_best == null
      ? "no run"
      : `${p.jobs_processed_best} items vs baseline ${p.baseline_jobs_processed_14d ?? "-"}`;
    lines.push(
      `  ${MARK[p.final_status] ?? "?"} ${p.company_key.padEnd(28)} ${p.final_status.padEnd(8)} ` +
        `${p.problem_reasons.join(", ").padEnd(28)} ${volume}  [${p.change.replace("_", " ")}]`,
    );
    lines.push(`      why:  ${causeLine(p)}`);
    const since = streak(p);
    if (since) lines.push(`      ${since}`);
    if (p.suggested_action) lines.push(`      do:   ${p.suggested_action.action}`);
    for (const a of p.alerts) {
      lines.push(`      alert [${a.severity}${a.state === "open" ? "" : `, ${a.state}`}] ${a.alert_id}`);
    }
    lines.push(`      open: ${projectUrl}${p.links.job ?? p.links.logs}  ·  ${projectUrl}${p.links.errors}`);
  }

  if (digest.warnings.length) {
    lines.push("", `warnings (${digest.warnings.length})`);
    for (const w of digest.warnings) {
      lines.push(`  ! ${w.company_key.padEnd(28)} ${w.warnings.join(", ")}`);
      if (w.suggested_action) lines.push(`      do:   ${w.suggested_action.action}`);
    }
  }

  const a = digest.alerts;
  lines.push(
    "",
    `alerts (${a.items.length}: ${a.open} open, ${a.acknowledged} acknowledged, ${a.snoozed} snoozed)`,
  );
  for (const item of a.items) {
    lines.push(`  [${item.severity}${item.state === "open" ? "" : `, ${item.state}`}] ${item.message}`);
    lines.push(
      `      id ${item.alert_id}${item.suggested_action ? `  ·  do: ${item.suggested_action.title}` : ""}`,
    );
  }

  if (digest.top_errors.length) {
    lines.push("", "top error categories (today vs daily mean of the 7 days before)");
    for (const e of digest.top_errors.slice(0, 8)) {
      lines.push(
        `  ${e.category.padEnd(20)} ${String(e.today).padStart(6)} vs ${String(e.avg_7d).padStart(7)}  ` +
          `(${count(e.sources_today, "source")} today)`,
      );
    }
  }

  if (digest.mirror) {
    const m = digest.mirror;
    const state = m.is_fresh ? "fresh" : m.is_stale ? "STALE" : "not fresh yet (due 08:00 Berlin)";
    lines.push("", `mirror  ${state}${m.reason ? `: ${m.reason}` : ""}`);
  }
  return lines.join("\n");
}

/** The digest as a Slack incoming-webhook message (mrkdwn text). */
export function renderDigestSlack(digest: Digest): { text: string } {
  const h = digest.health;
  const lines = [
    `*Morning report ${digest.date}*: ${h.success}/${h.companies} ok, ${h.failed} failed, ${h.partial} partial, ` +
    `${h.no_data} no data`,
  ];
  if (digest.changes.new.length) lines.push(`New problems: ${digest.changes.new.join(", ")}`);
  if (digest.changes.recovered.length) lines.push(`Recovered: ${digest.changes.recovered.join(", ")}`);
  for (const p of digest.problems.slice(0, 20)) {
    lines.push(`• *${p.company_key}* ${p.final_status} ${streak(p)}: ${causeLine(p)}`);
    if (p.suggested_action) lines.push(`    ↳ ${p.suggested_action.action}`);
  }
  if (digest.problems.length > 20) lines.push(`… and ${digest.problems.length - 20} more`);
  if (digest.mirror?.is_stale) lines.push(`:warning: BI mirror stale: ${digest.mirror.reason}`);
  return { text: lines.join("\n") };
}

/** One alert as a short text (Slack and e-mail subject lines of alert notifications). */
export function renderAlertText(alert: DigestAlert): string {
  const action = alert.suggested_action ? ` Do: ${alert.suggested_action.action}` : "";
  return `[${alert.severity}] ${alert.message} (alert ${alert.alert_id}).${action}`;
}
