// Runs per company and day (the day's best run and its verdict) or per run,
// with filters in the address (shareable), sorting, paging and CSV export.
import { useState } from "react";
import { api, query } from "../api.ts";
import { Badge, BlockRate, type Column, DataTable, ErrorBox, Loading, Pager } from "../components/ui.tsx";
import { download, toCsv } from "../csv.ts";
import { addDays, berlinToday, dateTime, duration, num, percent } from "../format.ts";
import { useApi } from "../hooks.ts";
import { href, navigate, type Route } from "../router.ts";

const DAY_STATUSES = ["success", "partial", "failed", "no_data"];
const RUN_STATUSES = ["running", "completed", "partial", "failed", "cancelled", "skipped"];
const PAGE = 50;

type Row = Record<string, unknown>;

const jobLink = (id: unknown) => (id ? <a href={href(`/jobs/${id}`)}>#{String(id)}</a> : "–");
const company = (key: unknown) => <a href={href(`/company/${key}`)}>{String(key)}</a>;
const breaker = (state: unknown, triggered?: unknown) =>
  state === "open" || triggered ? <Badge value="breaker_open" /> : state === "half_open" ? <Badge value="half_open" /> : <span className="muted">closed</span>;

const DAY_COLUMNS: Column<Row>[] = [
  { key: "run_date", label: "Date", sortable: true },
  { key: "company_key", label: "Company", sortable: true, render: (r) => company(r.company_key) },
  { key: "final_status", label: "Status", sortable: true, render: (r) => <Badge value={r.final_status as string} /> },
  { key: "problem_reasons", label: "Reasons", render: (r) => (r.problem_reasons as string[]).join(", ").replace(/_/g, " ") || "–" },
  { key: "jobs_processed_best", label: "Items", sortable: true, numeric: true, render: (r) => num(r.jobs_processed_best as number) },
  { key: "baseline_jobs_processed_14d", label: "Baseline", numeric: true, render: (r) => num(r.baseline_jobs_processed_14d as number, 1) },
  { key: "http_block_rate_sum", label: "Block rate", sortable: true, numeric: true, render: (r) => <BlockRate rate={r.http_block_rate_sum as number} /> },
  { key: "http_fail_rate_sum", label: "Fail rate", sortable: true, numeric: true, render: (r) => percent(r.http_fail_rate_sum as number) },
  { key: "timeout_rate", label: "Timeouts", sortable: true, numeric: true, render: (r) => percent(r.timeout_rate as number) },
  { key: "avg_request_ms_best", label: "Avg request", numeric: true, render: (r) => `${num(r.avg_request_ms_best as number)} ms` },
  { key: "execution_time_sec_best", label: "Duration", sortable: true, numeric: true, render: (r) => duration(r.execution_time_sec_best as number) },
  { key: "breaker_state", label: "Breaker", render: (r) => breaker(r.breaker_state) },
  { key: "best_job_id", label: "Best run", render: (r) => jobLink(r.best_job_id) },
];

const RUN_COLUMNS: Column<Row>[] = [
  { key: "started_at", label: "Started", sortable: true, render: (r) => dateTime(r.started_at as string) },
  { key: "source", label: "Company", sortable: true, render: (r) => company(r.source) },
  { key: "status", label: "Status", sortable: true, render: (r) => <Badge value={r.status as string} /> },
  { key: "links_checked", label: "Links ok / checked", sortable: true, numeric: true, render: (r) => `${num(r.links_ok as number)} / ${num(r.links_checked as number)}` },
  { key: "items_found", label: "Items", sortable: true, numeric: true, render: (r) => num(r.items_found as number) },
  { key: "acceptance_rate", label: "Accepted", numeric: true, render: (r) => percent(r.acceptance_rate as number) },
  { key: "block_rate", label: "Block rate", sortable: true, numeric: true, render: (r) => <BlockRate rate={r.block_rate as number} /> },
  { key: "timeout_rate", label: "Timeouts", sortable: true, numeric: true, render: (r) => percent(r.timeout_rate as number) },
  { key: "avg_request_ms", label: "Avg request", sortable: true, numeric: true, render: (r) => `${num(r.avg_request_ms as number)} ms` },
  { key: "execution_time_sec", label: "Duration", sortable: true, numeric: true, render: (r) => duration(r.execution_time_sec as number) },
  { key: "breaker_triggered", label: "Breaker", render: (r) => breaker(null, r.breaker_triggered) },
  { key: "error_category", label: "Error", render: (r) => (r.error_category ? <Badge value={r.error_category as string} /> : "–") },
  { key: "job_id", label: "Job", render: (r) => jobLink(r.job_id) },
];

export function Runs({ route }: { route: Route }) {
  const p = Object.fromEntries(route.params.entries());
  const view = p.view === "run" ? "run" : "day";
  const today = berlinToday();
  const filters = {
    from: p.from ?? addDays(today, -6),
    to: p.to ?? today,
    status: p.status,
    company: p.company,
    error_category: p.error_category,
    sort: p.sort ?? (view === "run" ? "started_at" : "run_date"),
    order: p.order ?? "desc",
  };
  const offset = Number(p.offset ?? 0);
  const path = view === "run" ? "control/runs" : "control/days";
  const data = useApi<{ runs?: Row[]; days?: Row[]; total: number; counts?: Record<string, number> }>(`${path}${query({ ...filters, limit: PAGE, offset })}`);
  const rows = (view === "run" ? data.data?.runs : data.data?.days) ?? [];
  const set = (changes: Record<string, string | number | undefined>) => navigate("/runs", { ...p, offset: undefined, ...changes });
  const [exporting, setExporting] = useState(false);
  const [exportError, setExportError] = useState<Error | null>(null);

  async function exportCsv() {
    setExporting(true);
    setExportError(null);
    try {
      const all: Row[] = [];
      for (let at = 0; at < 20_000; at += 500) {
        const page = await api<{ runs?: Row[]; days?: Row[]; total: number }>(`${path}${query({ ...filters, limit: 500, offset: at })}`);
        const got = (view === "run" ? page.runs : page.days) ?? [];
        all.push(...got);
        if (all.length >= page.total || got.length === 0) break;
      }
      download(`${view === "run" ? "runs" : "days"}-${filters.from}-${filters.to}.csv`, toCsv(all));
    } catch (e) {
      setExportError(e as Error);
    } finally {
      setExporting(false);
    }
  }

  return (
    <>
      <div className="page-head">
        <h1>Runs</h1>
        <div role="group" aria-label="view" className="segmented">
          <button type="button" aria-pressed={view === "day"} onClick={() => set({ view: undefined, sort: undefined, status: undefined })}>per company and day</button>
          <button type="button" aria-pressed={view === "run"} onClick={() => set({ view: "run", sort: undefined, status: undefined })}>per run</button>
        </div>
      </div>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="filters">
        <label>From <input type="date" value={filters.from} onChange={(e) => set({ from: e.target.value })} /></label>
        <label>To <input type="date" value={filters.to} onChange={(e) => set({ to: e.target.value })} /></label>
        <label>Status
          <select value={filters.status ?? ""} onChange={(e) => set({ status: e.target.value || undefined })}>
            <option value="">any</option>
            {(view === "run" ? RUN_STATUSES : DAY_STATUSES).map((s) => <option key={s} value={s}>{s.replace(/_/g, " ")}</option>)}
          </select>
        </label>
        <label>Company <input type="search" defaultValue={filters.company ?? ""} placeholder="key"
          onKeyDown={(e) => e.key === "Enter" && set({ company: e.currentTarget.value || undefined })}
          onBlur={(e) => e.target.value !== (filters.company ?? "") && set({ company: e.target.value || undefined })} /></label>
        <label>Error category <input type="search" defaultValue={filters.error_category ?? ""} placeholder="e.g. block_403"
          onKeyDown={(e) => e.key === "Enter" && set({ error_category: e.currentTarget.value || undefined })}
          onBlur={(e) => e.target.value !== (filters.error_category ?? "") && set({ error_category: e.target.value || undefined })} /></label>
        <button type="button" onClick={exportCsv} disabled={exporting}>{exporting ? "Exporting…" : "Export CSV"}</button>
      </form>
      <ErrorBox error={data.error ?? exportError} />
      {data.data?.counts && (
        <p className="hint" data-testid="day-counts">
          {DAY_STATUSES.map((s) => `${data.data!.counts![s]} ${s.replace(/_/g, " ")}`).join(" · ")}
        </p>
      )}
      <Loading loading={data.loading} />
      <DataTable caption={view === "run" ? "Scrape runs" : "Companies per day"} columns={view === "run" ? RUN_COLUMNS : DAY_COLUMNS}
        rows={rows} rowKey={(r) => (view === "run" ? String(r.job_id) : `${r.company_key}-${r.run_date}`)}
        sort={filters.sort} order={filters.order as "asc" | "desc"}
        onSort={(key) => set({ sort: key, order: filters.sort === key && filters.order === "desc" ? "asc" : "desc" })} />
      {data.data && <Pager offset={offset} limit={PAGE} total={data.data.total} onPage={(o) => navigate("/runs", { ...p, offset: o })} />}
    </>
  );
}
