// The nightly pipeline: 7-day stats, the last runs with their phases, pending
// jobs and "run now" (409 names the running pipeline). Refreshes every 30 s.
import { useState } from "react";
import { api, ApiError } from "../api.ts";
import { useCanAct } from "../App.tsx";
import { Badge, ConfirmButton, DataTable, ErrorBox, Section, Stat } from "../components/ui.tsx";
import { dateTime, duration, num, percent } from "../format.ts";
import { useApi } from "../hooks.ts";
import { href, navigate } from "../router.ts";

type Row = Record<string, unknown>;

export function Pipeline() {
  const canAct = useCanAct();
  const stats = useApi<Row>("pipeline/stats", 30_000);
  const history = useApi<{ runs: Row[] }>("pipeline/history", 30_000);
  const pending = useApi<{ pending: Row[]; count: number }>("pipeline/pending", 30_000);
  const [conflict, setConflict] = useState<ApiError | null>(null);
  const s = stats.data ?? {};
  // 409: {error: {code, message, details: {job_id, ...}}} names the running pipeline
  const holder = (conflict?.details?.details ?? {}) as Row;
  const runningId = holder.job_id as number | undefined;
  return (
    <>
      <div className="page-head">
        <h1>Pipeline</h1>
        {canAct && (
          <ConfirmButton label="Run now" question="Start a pipeline run for today now? It scrapes every active source."
            onConfirm={async () => {
              setConflict(null);
              try {
                const run = await api<{ pipeline_id: number }>("pipeline/run", { method: "POST", body: {} });
                navigate(`/jobs/${run.pipeline_id}`);
              } catch (e) {
                if (e instanceof ApiError && e.status === 409) setConflict(e);
                else throw e;
              }
            }} />
        )}
      </div>
      {conflict && (
        <p className="banner warn" role="alert">
          A pipeline is already running{runningId ? <>: <a href={href(`/jobs/${runningId}`)}>open pipeline #{runningId}</a></> : ""}. {conflict.message}
        </p>
      )}
      <Section title="Last 7 days">
        <ErrorBox error={stats.error} />
        <div className="stats">
          {Object.entries(s).filter(([, v]) => typeof v === "number").slice(0, 10).map(([k, v]) => (
            <Stat key={k} label={k.replace(/_sec$/, "").replace(/_/g, " ")}
              value={k.includes("rate") ? percent(v as number) : k.endsWith("sec") ? duration(v as number) : num(v as number)} />
          ))}
        </div>
      </Section>
      <Section title="Last runs">
        <ErrorBox error={history.error} />
        <DataTable caption="Last pipeline runs" rowKey={(r) => String(r.id)} rows={history.data?.runs ?? []}
          columns={[
            { key: "id", label: "Run", render: (r) => <a href={href(`/jobs/${r.id}`)}>#{String(r.id)}</a> },
            { key: "run_date", label: "Date" },
            { key: "status", label: "Status", render: (r) => <Badge value={r.status as string} /> },
            { key: "started_at", label: "Started", render: (r) => dateTime(r.started_at as string) },
            { key: "duration_seconds", label: "Duration", numeric: true, render: (r) => duration(r.duration_seconds as number) },
            { key: "progress", label: "Progress", numeric: true, render: (r) => `${r.progress_done} / ${r.progress_total ?? "?"}` },
            {
              key: "phases", label: "Phases", render: (r) => {
                const phases = (r.phases ?? {}) as Record<string, Row>;
                const ordered = Object.entries(phases).sort(([, a], [, b]) => String(a.started_at ?? "").localeCompare(String(b.started_at ?? "")));
                if (!ordered.length) return "–";
                return (
                  <ul className="phases">
                    {ordered.map(([name, p]) => (
                      <li key={name}>
                        {name}: {String(p.completed ?? 0)}/{String(p.jobs ?? 0)} done{Number(p.failed) ? `, ${p.failed} failed` : ""}
                        {Number(p.skipped) ? `, ${p.skipped} skipped` : ""} · {duration(p.seconds as number)}
                      </li>
                    ))}
                  </ul>
                );
              },
            },
            {
              key: "totals", label: "Scrapes", render: (r) => {
                const t = r.totals as Row | null;
                return t ? `${t.scrape_succeeded ?? "?"} of ${t.sources ?? "?"} succeeded (${percent(t.success_rate as number, 0)})` : "–";
              },
            },
          ]} />
      </Section>
      <Section title={`Pending jobs (${pending.data?.count ?? "…"})`}>
        <ErrorBox error={pending.error} />
        <DataTable caption="Pending jobs" rowKey={(r) => String(r.id)} rows={(pending.data?.pending ?? []).slice(0, 100)}
          columns={[
            { key: "id", label: "Job", render: (r) => <a href={href(`/jobs/${r.id}`)}>#{String(r.id)}</a> },
            { key: "type", label: "Type" },
            { key: "source", label: "Source", render: (r) => String(r.source ?? "–") },
            { key: "pipeline_id", label: "Pipeline", render: (r) => (r.pipeline_id ? <a href={href(`/jobs/${r.pipeline_id}`)}>#{String(r.pipeline_id)}</a> : "–") },
            { key: "run_after", label: "Run after", render: (r) => dateTime(r.run_after as string) },
          ]} />
      </Section>
    </>
  );
}
