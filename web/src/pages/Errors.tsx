// Errors: category filter with coloured badges, a breakdown, trends per hour
// or day over 7/30/90 days, top messages, sources compared with the previous
// period, and the matching error rows with CSV export (exactly the rows the
// API answered for the filter).
import { useMemo } from "react";
import { query } from "../api.ts";
import { Bars, chartColor, LineChart, type Series } from "../components/Chart.tsx";
import { Badge, type Column, DataTable, ErrorBox, Loading, Section } from "../components/ui.tsx";
import { download, toCsv } from "../csv.ts";
import { dateTime, num, percent } from "../format.ts";
import { useApi } from "../hooks.ts";
import { href, navigate, type Route } from "../router.ts";

type Row = Record<string, unknown>;

interface Summary {
  categories: { category: string; description: string; last_7d: number; last_30d: number; last_90d: number; change_7d: number | null }[];
  trend: { bucket: string; category: string; occurrences: number }[];
  top_errors: Row[];
  sources: Row[];
}

/** One series per category over every hour or day of the period (zero where nothing happened). */
export function trendSeries(trend: Summary["trend"], bucket: "hour" | "day", days: number, now = Date.now()): { x: number[]; series: Series[] } {
  const step = bucket === "hour" ? 3600 : 86400;
  const end = Math.floor(now / 1000 / step) * step;
  const x = Array.from({ length: Math.round((days * 86400) / step) }, (_, i) => end - (days * 86400) + (i + 1) * step);
  const at = (b: string) => Math.floor(Date.parse(b.length === 10 ? `${b}T00:00:00Z` : b) / 1000 / step) * step;
  const categories = [...new Set(trend.map((t) => t.category))].sort();
  const counts = new Map<string, number>();
  for (const t of trend) counts.set(`${at(t.bucket)}|${t.category}`, (counts.get(`${at(t.bucket)}|${t.category}`) ?? 0) + t.occurrences);
  return {
    x,
    series: categories.map((c, i) => ({ label: c, color: chartColor(i), values: x.map((b) => counts.get(`${b}|${c}`) ?? 0) })),
  };
}

const ERROR_COLUMNS: Column<Row>[] = [
  { key: "last_occurrence", label: "Last", render: (r) => dateTime(r.last_occurrence as string) },
  { key: "error_type", label: "Category", render: (r) => <Badge value={r.error_type as string} /> },
  { key: "severity", label: "Severity", render: (r) => <Badge value={r.severity as string} /> },
  { key: "portal", label: "Portal", render: (r) => (r.portal ? <a href={href(`/company/${r.portal}`)}>{String(r.portal)}</a> : "–") },
  { key: "count", label: "Count", numeric: true },
  { key: "http_status", label: "HTTP", numeric: true, render: (r) => String(r.http_status ?? "–") },
  { key: "message", label: "Message" },
  { key: "job_id", label: "Job", render: (r) => (r.job_id ? <a href={href(`/jobs/${r.job_id}`)}>#{String(r.job_id)}</a> : "–") },
];

export function Errors({ route }: { route: Route }) {
  const p = Object.fromEntries(route.params.entries());
  const days = Number(p.days ?? 7);
  const bucket = p.bucket ?? (days === 7 ? "hour" : "day");
  const category = p.category;
  const summary = useApi<Summary>(`control/errors/summary${query({ days, bucket, category })}`);
  const errorsPath = `control/errors${query({ error_type: category, portal: p.portal, limit: 500 })}`;
  const errors = useApi<{ errors: Row[] }>(errorsPath);
  const set = (changes: Record<string, string | number | undefined>) => navigate("/errors", { ...p, ...changes });
  const chart = useMemo(() => trendSeries(summary.data?.trend ?? [], bucket as "hour" | "day", days), [summary.data, bucket, days]);
  const cats = summary.data?.categories ?? [];

  return (
    <>
      <div className="page-head"><h1>Errors</h1></div>
      <div role="group" aria-label="error category" className="chips" data-testid="category-filter">
        <button type="button" aria-pressed={!category} onClick={() => set({ category: undefined })}>all</button>
        {cats.filter((c) => c.last_90d > 0 || c.category === category).map((c) => (
          <button type="button" key={c.category} aria-pressed={category === c.category} title={c.description}
            onClick={() => set({ category: c.category })}>
            <Badge value={c.category} /> {num(c[`last_${days === 7 ? "7d" : days === 30 ? "30d" : "90d"}` as "last_7d"])}
          </button>
        ))}
      </div>
      <form className="filters" aria-label="period" onSubmit={(e) => e.preventDefault()}>
        <label>Period
          <select value={days} onChange={(e) => set({ days: e.target.value, bucket: undefined })}>
            <option value={7}>7 days</option><option value={30}>30 days</option><option value={90}>90 days</option>
          </select>
        </label>
        <label>Per
          <select value={bucket} onChange={(e) => set({ bucket: e.target.value })}>
            <option value="hour">hour</option><option value="day">day</option>
          </select>
        </label>
        {p.portal && <span>portal <strong>{p.portal}</strong> <button type="button" onClick={() => set({ portal: undefined })}>clear</button></span>}
      </form>
      <ErrorBox error={summary.error} />
      <div className="grid2">
        <Section title="Breakdown, last 7 days">
          <Bars title="occurrences per category" items={cats.filter((c) => c.last_7d > 0).map((c) => ({ label: c.category, value: c.last_7d }))} />
        </Section>
        <Section title={`Trend per ${bucket}, ${days} days`}>
          {chart.series.length > 0 ? <LineChart title={`errors per ${bucket}`} x={chart.x} series={chart.series} /> : <p className="hint">No errors in this period.</p>}
        </Section>
      </div>
      <Section title="Top error messages">
        <DataTable caption="Top error messages" rowKey={(r) => String(r.rank) + String(r.sample_message)} rows={summary.data?.top_errors ?? []}
          columns={[
            { key: "category", label: "Category", render: (r) => <Badge value={r.category as string} /> },
            { key: "occurrences", label: "Count", numeric: true, render: (r) => num(r.occurrences as number) },
            { key: "sample_message", label: "Message" },
            { key: "source_keys", label: "Sources", render: (r) => ((r.source_keys as string[]) ?? []).slice(0, 5).join(", ") },
            { key: "last_occurrence", label: "Last", render: (r) => dateTime(r.last_occurrence as string) },
          ]} />
      </Section>
      <Section title={`Sources compared with the previous ${days === 90 ? 30 : days} days`}>
        <DataTable caption="Sources, worst first" rowKey={(r) => String(r.source_key)} rows={summary.data?.sources ?? []}
          columns={[
            { key: "source_key", label: "Source", render: (r) => <a href={href(`/company/${r.source_key}`)}>{String(r.source_key)}</a> },
            { key: "success_rate", label: "Success", numeric: true, render: (r) => percent(r.success_rate as number) },
            { key: "success_rate_change", label: "Change", numeric: true, render: (r) => changeText(r.success_rate_change as number | null, true) },
            { key: "avg_jobs_processed", label: "Avg items", numeric: true, render: (r) => num(r.avg_jobs_processed as number, 1) },
            { key: "avg_jobs_processed_change", label: "Change", numeric: true, render: (r) => changeText(r.avg_jobs_processed_change as number | null) },
          ]} />
      </Section>
      <Section title={`Errors${category ? ` in ${category}` : ""}`} actions={
        <button type="button" disabled={!errors.data} data-testid="export-errors"
          onClick={() => download(`errors${category ? `-${category}` : ""}.csv`, toCsv(errors.data!.errors))}>Export CSV</button>
      }>
        <ErrorBox error={errors.error} />
        <Loading loading={errors.loading} />
        <DataTable caption="Error rows" rowKey={(r) => String(r.id)} rows={errors.data?.errors ?? []} columns={ERROR_COLUMNS} />
      </Section>
    </>
  );
}

function changeText(change: number | null, isRate = false): string {
  if (change == null) return "–";
  const text = isRate ? `${(change * 100).toFixed(1)} pt` : num(change, 1);
  return change > 0 ? `▲ +${text}` : change < 0 ? `▼ ${text}` : "±0";
}
