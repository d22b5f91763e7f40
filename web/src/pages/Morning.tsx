// Home: last night at a glance, from the morning digest (GET /control/digest,
// one SQL function decides everything shown here): health per status for a
// Berlin date, the problems with root cause, since when and what to do,
// alerts (acknowledge, snooze), mirror freshness, and a banner when silent
// failures occurred in the last 24 h.
import { api, query } from "../api.ts";
import { useCanAct } from "../App.tsx";
import { Badge, ConfirmButton, ErrorBox, Loading, Section, Stat, useFirst } from "../components/ui.tsx";
import { addDays, berlinToday, num } from "../format.ts";
import { useApi } from "../hooks.ts";
import { href, navigate, type Route } from "../router.ts";

interface Action {
  key: string;
  title: string;
  action: string;
}

interface Problem {
  company_key: string;
  display_name: string;
  final_status: string;
  problem_reasons: string[];
  warnings?: string[];
  change?: string;
  problem_since: string | null;
  days: number | null;
  jobs_processed_best: number | null;
  baseline_jobs_processed_14d: number | null;
  root_cause: { category: string; description?: string; message: string | null; job_id: number | null; through_breaker?: boolean } | null;
  suggested_action: Action | null;
}

interface Alert {
  alert_id: string;
  rule: string;
  severity: string;
  source_key: string | null;
  since: string | null;
  message: string;
  state: string;
}

export interface Digest {
  date: string;
  health: { companies: number; success: number; partial: number; failed: number; no_data: number; problems: number };
  changes?: { new: string[]; recovered: string[]; still_failing: string[] };
  problems: Problem[];
  alerts: { open: number; items: Alert[] } | null;
  mirror: { is_fresh: boolean; is_stale: boolean; reason: string | null } | null;
}

/** Problems and alerts shown before "Show all": a screenful or two, worst first (the digest's order). */
const FIRST_SHOWN = 50;

export function Morning({ route }: { route: Route }) {
  const date = route.params.get("date") ?? berlinToday();
  const canAct = useCanAct();
  const { data: digest, error, reload } = useApi<Digest>(`control/digest${query({ date })}`);
  const silent = useApi<{ silent_failures: { source_key: string; run_date: string; message: string; job_id: number }[] }>("control/silent-failures?days=1");
  const problems = useFirst(digest?.problems, FIRST_SHOWN);
  const alerts = useFirst(digest?.alerts?.items, FIRST_SHOWN);
  const h = digest?.health;
  const mirror = digest?.mirror;

  const alertAction = async (alert: Alert, path: string, body: object) => {
    await api(`control/alerts/${encodeURIComponent(alert.alert_id)}/${path}`, { method: "POST", body });
    reload();
  };

  return (
    <>
      <div className="page-head">
        <h1>Morning</h1>
        <label className="inline">Run date
          <input type="date" value={date} max={berlinToday()} onChange={(e) => navigate("/", { date: e.target.value || undefined })} />
        </label>
      </div>

      {silent.data && silent.data.silent_failures.length > 0 && (
        <div className="banner warn" role="alert" data-testid="silent-banner">
          <strong>Silent failures in the last 24 h:</strong>{" "}
          {silent.data.silent_failures.map((s, i) => (
            <span key={`${s.source_key}-${s.run_date}`}>{i > 0 && "; "}<a href={href(`/company/${s.source_key}`)}>{s.source_key}</a>: {s.message}</span>
          ))}
        </div>
      )}

      <ErrorBox error={error} />
      <Loading loading={!digest && !error} />
      <Section title={`Health on ${date}`}>
        <div className="stats" data-testid="health">
          <Stat label="companies" value={num(h?.companies)} />
          <Stat label="success" value={num(h?.success)} tone="ok" />
          <Stat label="partial" value={num(h?.partial)} tone="warn" />
          <Stat label="failed" value={num(h?.failed)} tone="bad" />
          <Stat label="no data" value={num(h?.no_data)} tone="bad" />
          <Stat label="mirror" value={mirror ? (mirror.is_fresh ? "fresh" : mirror.is_stale ? "stale" : "not yet") : "–"}
            tone={mirror?.is_fresh ? "ok" : mirror?.is_stale ? "bad" : "warn"} />
        </div>
        {mirror?.reason && <p className="hint">Mirror: {mirror.reason}</p>}
        {digest?.changes && (
          <p className="hint">
            Since the day before: {digest.changes.new.length} new, {digest.changes.still_failing.length} still failing,{" "}
            {digest.changes.recovered.length} recovered{digest.changes.recovered.length ? ` (${digest.changes.recovered.join(", ")})` : ""}.
          </p>
        )}
      </Section>

      <Section title={`Problems (${digest?.problems.length ?? "…"})`}>
        <ul className="problems" data-testid="problems">
          {problems.shown.map((p) => (
            <li key={p.company_key} className="problem">
              <div className="problem-head">
                <Badge value={p.final_status} />
                <a href={href(`/company/${p.company_key}`)}><strong>{p.display_name || p.company_key}</strong></a>
                <span className="muted">({p.company_key})</span>
                {p.change && <Badge value={p.change} />}
              </div>
              <dl>
                <dt>Cause</dt>
                <dd data-testid="cause">
                  {p.problem_reasons.map((r) => r.replace(/_/g, " ")).join(", ")}
                  {p.root_cause && <> · <Badge value={p.root_cause.category} title={p.root_cause.description} /></>}
                  {p.root_cause?.through_breaker && <span className="muted"> (the failure that opened the breaker)</span>}
                  {p.root_cause?.message && <span className="muted"> · {p.root_cause.message}</span>}
                </dd>
                <dt>Since</dt>
                <dd>{p.problem_since ? `${p.problem_since} (${p.days} days)` : "as far back as we have data"}</dd>
                <dt>Items</dt>
                <dd>{num(p.jobs_processed_best)} vs baseline {num(p.baseline_jobs_processed_14d, 1)}</dd>
                <dt>Do</dt>
                <dd>{p.suggested_action ? <>{p.suggested_action.title && <strong>{p.suggested_action.title}: </strong>}{p.suggested_action.action}</> : "Open the company's runs and errors."}</dd>
              </dl>
              <div className="links">
                {p.root_cause?.job_id && <a href={href(`/jobs/${p.root_cause.job_id}`)}>its job #{p.root_cause.job_id}</a>}
                <a href={href("/runs", { company: p.company_key, from: addDays(date, -6), to: date })}>runs</a>
                <a href={href("/errors", { portal: p.company_key })}>errors</a>
              </div>
            </li>
          ))}
          {digest && digest.problems.length === 0 && <li>No problems on {date}.</li>}
        </ul>
        {problems.more}
      </Section>

      <Section title={`Alerts${digest?.alerts ? ` (${digest.alerts.items.length})` : ""}`}>
        {digest && !digest.alerts && <p className="hint">This API has no alerts route yet.</p>}
        <ul className="alerts" data-testid="alerts">
          {alerts.shown.map((a) => (
            <li key={a.alert_id}>
              <Badge value={a.severity} /> <strong>{a.rule.replace(/_/g, " ")}</strong> <Badge value={a.state} />
              {a.source_key && <> · <a href={href(`/company/${a.source_key}`)}>{a.source_key}</a></>}
              {a.since && <span className="muted"> since {a.since}</span>}
              <div>{a.message}</div>
              {canAct && a.state === "open" && (
                <div className="actions">
                  <ConfirmButton label="Acknowledge" question={`Acknowledge “${a.message}”?`}
                    onConfirm={() => alertAction(a, "ack", {})} />
                  <ConfirmButton label="Snooze 24 h" question="Snooze this alert for 24 hours?"
                    onConfirm={() => alertAction(a, "snooze", { until: new Date(Date.now() + 86_400_000).toISOString() })} />
                  <ConfirmButton label="Snooze until it changes" question="Snooze this alert until its value changes?"
                    onConfirm={() => alertAction(a, "snooze", { until_change: true })} />
                </div>
              )}
            </li>
          ))}
          {digest?.alerts && digest.alerts.items.length === 0 && <li>No alerts.</li>}
        </ul>
        {alerts.more}
      </Section>
    </>
  );
}
