// Jobs: start one (a form generated from the API's JSON Schemas), the running
// ones with their live progress, and the history.
import { useEffect, useRef, useState } from "react";
import { api, ApiError, query } from "../api.ts";
import { useCanAct } from "../App.tsx";
import { initialValues, type JsonSchema, paramsFrom, SchemaForm } from "../components/SchemaForm.tsx";
import { Badge, type Column, DataTable, ErrorBox, Loading, Section } from "../components/ui.tsx";
import { dateTime, duration } from "../format.ts";
import { useApi } from "../hooks.ts";
import { href, navigate, type Route } from "../router.ts";

export interface Job extends Record<string, unknown> {
  id: number;
  type: string;
  status: string;
  source: string | null;
  params: Record<string, unknown>;
  result: unknown;
  error: string | null;
  error_category: string | null;
  parent_id: number | null;
  root_id: number | null;
  progress: { done: number; total: number | null };
  created_by: string;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  duration_seconds: number | null;
  cancel_requested: boolean;
}

const STATUSES = ["pending", "running", "completed", "partial", "failed", "cancelled", "skipped"];

export const JOB_COLUMNS: Column<Job>[] = [
  { key: "id", label: "Job", render: (j) => <a href={href(`/jobs/${j.id}`)}>#{j.id}</a> },
  { key: "type", label: "Type" },
  { key: "source", label: "Source", render: (j) => j.source ?? "–" },
  { key: "status", label: "Status", render: (j) => <Badge value={j.status} /> },
  { key: "progress", label: "Progress", numeric: true, render: (j) => `${j.progress.done}${j.progress.total != null ? ` / ${j.progress.total}` : ""}` },
  { key: "created_at", label: "Created", render: (j) => dateTime(j.created_at) },
  { key: "duration_seconds", label: "Duration", numeric: true, render: (j) => duration(j.duration_seconds) },
  { key: "created_by", label: "By" },
];

function NewJobDialog() {
  const dialog = useRef<HTMLDialogElement>(null);
  const [open, setOpen] = useState(false);
  const schemas = useApi<{ types: { type: string; params: JsonSchema }[] }>(open ? "jobs/schemas" : null);
  const portals = useApi<{ portals: { portal: string }[] }>(open ? "control/portals" : null);
  const [type, setType] = useState("scrape");
  const [values, setValues] = useState<Record<string, unknown>>({});
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const schema = schemas.data?.types.find((t) => t.type === type)?.params;

  useEffect(() => {
    if (schema) setValues(initialValues(schema));
  }, [schema]);

  return (
    <>
      <button type="button" className="primary" onClick={() => {
        setOpen(true);
        setError(null);
        dialog.current?.showModal();
      }}>New job</button>
      <dialog ref={dialog} aria-labelledby="new-job-title" onClose={() => setOpen(false)}>
        <form method="dialog" onSubmit={async (e) => {
          e.preventDefault();
          if (!schema) return;
          setBusy(true);
          setError(null);
          try {
            const job = await api<Job>("jobs", { method: "POST", body: { type, params: paramsFrom(schema, values) } });
            dialog.current?.close();
            navigate(`/jobs/${job.id}`);
          } catch (err) {
            setError(err as ApiError);
          } finally {
            setBusy(false);
          }
        }}>
          <h2 id="new-job-title">New job</h2>
          <ErrorBox error={schemas.error} />
          <label>Type
            <select name="type" value={type} onChange={(e) => setType(e.target.value)}>
              {(schemas.data?.types ?? [{ type: "scrape" }]).map((t) => <option key={t.type} value={t.type}>{t.type}</option>)}
            </select>
          </label>
          {schema && (
            <fieldset>
              <legend>Parameters</legend>
              <SchemaForm schema={schema} values={values} onChange={setValues}
                suggestions={{ source: portals.data?.portals.map((p) => p.portal) ?? [] }}
                errors={(error?.details?.fields as Record<string, string[]>) ?? {}} />
            </fieldset>
          )}
          {error && !error.details?.fields && <ErrorBox error={error} />}
          {error?.status === 409 && typeof (error.details?.details as { job_id?: number })?.job_id === "number" && (
            <p><a href={href(`/jobs/${(error.details.details as { job_id: number }).job_id}`)}>
              Open the running job #{(error.details.details as { job_id: number }).job_id}</a></p>
          )}
          <div className="actions">
            <button type="button" onClick={() => dialog.current?.close()}>Cancel</button>
            <button type="submit" className="primary" disabled={busy || !schema}>Start job</button>
          </div>
        </form>
      </dialog>
    </>
  );
}

export function Jobs({ route }: { route: Route }) {
  const canAct = useCanAct();
  const p = Object.fromEntries(route.params.entries());
  const running = useApi<{ jobs: Job[] }>("jobs?status=running&limit=50", 5000);
  const history = useApi<{ jobs: Job[]; next_before_id: number | null }>(
    `jobs${query({ type: p.type, status: p.status, source: p.source, before_id: p.before_id, limit: 50 })}`,
  );
  const set = (changes: Record<string, string | undefined>) => navigate("/jobs", { ...p, before_id: undefined, ...changes });
  return (
    <>
      <div className="page-head">
        <h1>Jobs</h1>
        {canAct && <NewJobDialog />}
      </div>
      <Section title="Running">
        <ErrorBox error={running.error} />
        <DataTable caption="Running jobs" columns={JOB_COLUMNS} rows={running.data?.jobs ?? []} rowKey={(j) => j.id} empty="No job is running." />
      </Section>
      <Section title="History">
        <form className="filters" aria-label="filters" onSubmit={(e) => e.preventDefault()}>
          <label>Type
            <select value={p.type ?? ""} onChange={(e) => set({ type: e.target.value || undefined })}>
              <option value="">any</option>
              {["scrape", "pipeline", "mirror", "backfill"].map((t) => <option key={t}>{t}</option>)}
            </select>
          </label>
          <label>Status
            <select value={p.status ?? ""} onChange={(e) => set({ status: e.target.value || undefined })}>
              <option value="">any</option>
              {STATUSES.map((s) => <option key={s}>{s}</option>)}
            </select>
          </label>
          <label>Source <input type="search" defaultValue={p.source ?? ""}
            onKeyDown={(e) => e.key === "Enter" && set({ source: e.currentTarget.value || undefined })} /></label>
        </form>
        <ErrorBox error={history.error} />
        <Loading loading={history.loading} />
        <DataTable caption="Job history" columns={JOB_COLUMNS} rows={history.data?.jobs ?? []} rowKey={(j) => j.id} />
        <nav className="pager" aria-label="pages">
          {p.before_id && <button type="button" onClick={() => set({})}>← newest</button>}
          {history.data?.next_before_id && (
            <button type="button" onClick={() => navigate("/jobs", { ...p, before_id: history.data!.next_before_id! })}>older →</button>
          )}
        </nav>
      </Section>
    </>
  );
}
