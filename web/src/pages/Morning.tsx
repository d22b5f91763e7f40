// Home: last night at a glance. Health per status for a Berlin date, the
// problems with cause, since when and what to do, alerts (acknowledge,
// snooze), mirror freshness, and a banner when silent failures occurred.
import { api, query } from "../api.ts";
import { useCanAct } from "../App.tsx";
import { suggestedAction } from "../advice.ts";
import { Badge, ConfirmButton, ErrorBox, Loading, Section, Stat } from "../components/ui.tsx";
import { addDays, berlinToday, daysBetween, num, percent } from "../format.ts";
import { useApi } from "../hooks.ts";
import { href, navigate, type Route } from "../router.ts";

export interface DayRow extends Record<string, unknown> {
  company_key: string;
  display_name: string;
  run_date: string;
  final_status: string;
  problem_reasons: string[];
  best_job_id: number | null;
  jobs_processed_best: number | null;
  baseline_jobs_processed_14d: number | null;
  http_block_rate_sum: number | null;
  error_category: string | null;
  error: string | null;
  problem_since: string | null;
}

interface DaysAnswer {
  days: DayRow[];
  total: number;
  counts: Record<string, number>;
}

interface Alert {
  alert_id: string;
  rule: string;
  severity: string;
  source_key: string | null;
  since: string | null;
  message: string;
  state?: string;
}

export function Morning({ route }: { route: Route }) {
  const date = route.params.get("date") ?? berlinToday();
  const canAct = useCanAct();
  const health = useApi<DaysAnswer>(`control/days${query({ from: date, to: date, limit: 1 })}`);
  const problems = useApi<DaysAnswer>(
    `control/days${query({ from: date, to: date, problems_only: true, sort: "final_status", order: "asc", limit: 500 })}`,
  );
  const alerts = useApi<{ alerts: Alert[] }>(`control/alerts${query({ state: "open" })}`);
  const mirror = useApi<{ freshness: { is_fresh: boolean; is_stale: boolean; reason: string | null; export_finished_at: string | null } | null }>("mirror/status?limit=1");
  const silent = useApi<{ silent_failures: { source_key: string; run_date: string; message: string; job_id: number }[] }>("control/silent-failures?days=1");
  const counts = health.data?.counts;

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

      <Section title={`Health on ${date}`}>
        <ErrorBox error={health.error} />
        <div className="stats" data-testid="health">
          <Stat label="companies" value={num(health.data?.total)} />
          <Stat label="success" value={num(counts?.success)} tone="ok" />
          <Stat label="partial" value={num(counts?.partial)} tone="warn" />
          <Stat label="failed" value={num(counts?.failed)} tone="bad" />
          <Stat label="no data" value={num(counts?.no_data)} tone="bad" />
          <Stat label="mirror" value={mirror.data?.freshness ? (mirror.data.freshness.is_fresh ? "fresh" : mirror.data.freshness.is_stale ? "stale" : "not yet") : "–"}
            tone={mirror.data?.freshness?.is_fresh ? "ok" : mirror.data?.freshness?.is_stale ? "bad" : "warn"} />
        </div>
        {mirror.data?.freshness?.reason && <p className="hint">Mirror: {mirror.data.freshness.reason}</p>}
      </Section>

      <Section title={`Problems (${problems.data?.total ?? "…"})`}>
        <Loading loading={problems.loading} />
        <ErrorBox error={problems.error} />
        <ul className="problems" data-testid="problems">
          {problems.data?.days.map((p) => (
            <li key={p.company_key} className="problem">
              <div className="problem-head">
                <Badge value={p.final_status} />
                <a href={href(`/company/${p.company_key}`)}><strong>{p.display_name || p.company_key}</strong></a>
                <span className="muted">({p.company_key})</span>
              </div>
              <dl>
                <dt>Cause</dt>
                <dd data-testid="cause">
                  {p.problem_reasons.map((r) => r.replace(/_/g, " ")).join(", ")}
                  {p.error_category && <> · <Badge value={p.error_category} /></>}
                  {p.error && <span className="muted"> · {p.error}</span>}
                </dd>
                <dt>Since</dt>
                <dd>{p.problem_since ? `${p.problem_since} (${daysBetween(p.problem_since, date) + 1} days)` : "as far back as we have data"}</dd>
                <dt>Items</dt>
                <dd>{num(p.jobs_processed_best)} vs baseline {num(p.baseline_jobs_processed_14d, 1)} · block rate {percent(p.http_block_rate_sum)}</dd>
                <dt>Do</dt>
                <dd>{suggestedAction(p.problem_reasons, p.error_category)}</dd>
              </dl>
              <div className="links">
                {p.best_job_id && <a href={href(`/jobs/${p.best_job_id}`)}>its job #{p.best_job_id}</a>}
                <a href={href("/runs", { company: p.company_key, from: addDays(date, -6), to: date })}>runs</a>
                <a href={href("/errors", { portal: p.company_key })}>errors</a>
              </div>
            </li>
          ))}
          {problems.data && problems.data.days.length === 0 && <li>No problems on {date}.</li>}
        </ul>
      </Section>

      <Section title="Alerts">
        {alerts.error?.status === 404
          ? <p className="hint">This API has no alerts route yet.</p>
          : <ErrorBox error={alerts.error} />}
        <ul className="alerts" data-testid="alerts">
          {alerts.data?.alerts.map((a) => (
            <li key={a.alert_id}>
              <Badge value={a.severity} /> <strong>{a.rule.replace(/_/g, " ")}</strong>
              {a.source_key && <> · <a href={href(`/company/${a.source_key}`)}>{a.source_key}</a></>}
              {a.since && <span className="muted"> since {a.since}</span>}
              <div>{a.message}</div>
              {canAct && (
                <div className="actions">
                  <ConfirmButton label="Acknowledge" question={`Acknowledge “${a.message}”?`}
                    onConfirm={async () => {
                      await api(`control/alerts/${encodeURIComponent(a.alert_id)}/ack`, { method: "POST", body: {} });
                      alerts.reload();
                    }} />
                  <ConfirmButton label="Snooze 24 h" question="Snooze this alert for 24 hours?"
                    onConfirm={async () => {
                      await api(`control/alerts/${encodeURIComponent(a.alert_id)}/snooze`, {
                        method: "POST",
                        body: { until: new Date(Date.now() + 86_400_000).toISOString() },
                      });
                      alerts.reload();
                    }} />
                  <ConfirmButton label="Snooze until it changes" question="Snooze this alert until its value changes?"
                    onConfirm={async () => {
                      await api(`control/alerts/${encodeURIComponent(a.alert_id)}/snooze`, { method: "POST", body: { until_change: true } });
                      alerts.reload();
                    }} />
                </div>
              )}
            </li>
          ))}
          {alerts.data && alerts.data.alerts.length === 0 && <li>No open alerts.</li>}
        </ul>
      </Section>
    </>
  );
}
