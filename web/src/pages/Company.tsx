// One company: items against the baseline band, fail and block rates, run
// times over 30 or 90 days; SLO against target and alert threshold; recent
// runs; errors by category; posting statistics.
import { useMemo } from "react";
import { Bars, LineChart } from "../components/Chart.tsx";
import { Badge, BlockRate, DataTable, ErrorBox, Loading, Section, Stat } from "../components/ui.tsx";
import { addDays, berlinToday, dateTime, duration, num, percent } from "../format.ts";
import { useApi } from "../hooks.ts";
import { href, navigate, type Route } from "../router.ts";

type Row = Record<string, unknown>;

interface CompanyAnswer {
  company: { key: string; display_name: string; adapter: string; active: boolean };
  trend: { run_date: string; final_status: string; jobs_processed_best: number | null; baseline_jobs_processed_14d: number | null; baseline_stddev_14d: number | null; http_fail_rate_sum: number | null; http_block_rate_sum: number | null; execution_time_sec_best: number | null }[];
  slo: Row | null;
  recent_runs: Row[];
  errors_by_category: { category: string; occurrences: number }[];
  postings: { new: number; disappeared: number; reposts: number; active_now: number | null; avg_lifespan_days: number | null; score: Row | null };
}

export function Company({ companyKey, route }: { companyKey: string; route: Route }) {
  const days = route.params.get("days") === "90" ? 90 : 30;
  const data = useApi<CompanyAnswer>(`control/companies/${encodeURIComponent(companyKey)}?days=${days}`);
  const d = data.data;
  const charts = useMemo(() => {
    // every day of the period on the x axis, a gap where there was no run
    const byDay = new Map((d?.trend ?? []).map((r) => [r.run_date, r]));
    const today = berlinToday();
    const dates = Array.from({ length: days }, (_, i) => addDays(today, i - days + 1));
    const t = dates.map((date) => byDay.get(date));
    const x = dates.map((date) => Date.parse(`${date}T00:00:00Z`) / 1000);
    const band = (sign: number) => t.map((r) => r?.baseline_jobs_processed_14d == null ? null : Math.max(0, r.baseline_jobs_processed_14d + sign * 2 * (r.baseline_stddev_14d ?? 0)));
    return {
      x,
      any: byDay.size > 0,
      items: [
        { label: "items", color: "#2563eb", values: t.map((r) => r?.jobs_processed_best ?? null) },
        { label: "baseline", color: "#16a34a", dash: [6, 4], values: t.map((r) => r?.baseline_jobs_processed_14d ?? null) },
        { label: "baseline + 2σ", color: "#94a3b8", values: band(1), bandTo: 3 },
        { label: "baseline − 2σ", color: "#94a3b8", values: band(-1) },
      ],
      rates: [
        { label: "fail rate", color: "#dc2626", values: t.map((r) => r?.http_fail_rate_sum ?? null) },
        { label: "block rate", color: "#d97706", values: t.map((r) => r?.http_block_rate_sum ?? null) },
      ],
      times: [{ label: "run time (s)", color: "#7c3aed", values: t.map((r) => r?.execution_time_sec_best ?? null) }],
    };
  }, [d, days]);
  const slo = d?.slo;

  return (
    <>
      <div className="page-head">
        <h1>{d?.company.display_name ?? companyKey} <span className="muted">{companyKey}</span></h1>
        <div role="group" aria-label="period" className="segmented">
          {[30, 90].map((n) => <button key={n} type="button" aria-pressed={days === n} onClick={() => navigate(`/company/${companyKey}`, { days: n })}>{n} days</button>)}
        </div>
      </div>
      <ErrorBox error={data.error} />
      <Loading loading={data.loading} />
      {d && (
        <>
          <Section title="Service level">
            <div className="stats">
              <Stat label="SLO" value={<Badge value={String(slo?.slo_status ?? "–")} />} />
              <Stat label={`success rate (target ${percent(slo?.slo_success_rate as number, 0)}, alert below ${percent(slo?.slo_alert_success_rate as number, 0)})`} value={percent(slo?.success_rate as number)} />
              <Stat label="avg run time" value={duration(slo?.avg_duration_sec as number)} />
              <Stat label="adapter" value={d.company.adapter} />
              <Stat label="portal" value={<Badge value={d.company.active ? "healthy" : "disabled"} />} />
            </div>
            {slo?.message ? <p className="hint">{String(slo.message)}</p> : null}
          </Section>
          <div className="grid2">
            <Section title="Items against the baseline band">
              {charts.any ? <LineChart title="items per day" x={charts.x} series={charts.items} /> : <p className="hint">No runs in this period.</p>}
            </Section>
            <Section title="Fail and block rates">
              {charts.any ? <LineChart title="rates per day" x={charts.x} series={charts.rates} percent /> : <p className="hint">No runs.</p>}
            </Section>
            <Section title="Run times">
              {charts.any ? <LineChart title="run time per day" x={charts.x} series={charts.times} /> : <p className="hint">No runs.</p>}
            </Section>
            <Section title="Errors by category">
              <Bars title={`occurrences, last ${days} days`} items={d.errors_by_category.map((e) => ({ label: e.category, value: e.occurrences }))} />
              <a href={href("/errors", { portal: companyKey })}>all errors of {companyKey}</a>
            </Section>
          </div>
          <Section title="Postings">
            <div className="stats">
              <Stat label={`new (${days} d)`} value={num(d.postings.new)} />
              <Stat label={`disappeared (${days} d)`} value={num(d.postings.disappeared)} />
              <Stat label={`reposts (${days} d)`} value={num(d.postings.reposts)} />
              <Stat label="active now" value={num(d.postings.active_now)} />
              <Stat label="avg lifespan" value={d.postings.avg_lifespan_days == null ? "–" : `${num(d.postings.avg_lifespan_days, 1)} d`} />
              <Stat label="score" value={d.postings.score ? num(d.postings.score.score as number, 1) : "–"} />
            </div>
          </Section>
          <Section title="Recent runs">
            <DataTable caption="Recent runs" rowKey={(r) => String(r.job_id)} rows={d.recent_runs}
              columns={[
                { key: "started_at", label: "Started", render: (r) => dateTime(r.started_at as string) },
                { key: "status", label: "Status", render: (r) => <Badge value={r.status as string} /> },
                { key: "items_found", label: "Items", numeric: true, render: (r) => num(r.items_found as number) },
                { key: "block_rate", label: "Block rate", numeric: true, render: (r) => <BlockRate rate={r.block_rate as number} /> },
                { key: "execution_time_sec", label: "Duration", numeric: true, render: (r) => duration(r.execution_time_sec as number) },
                { key: "error_category", label: "Error", render: (r) => (r.error_category ? <Badge value={r.error_category as string} /> : "–") },
                { key: "job_id", label: "Job", render: (r) => <a href={href(`/jobs/${r.job_id}`)}>#{String(r.job_id)}</a> },
              ]} />
          </Section>
        </>
      )}
    </>
  );
}
