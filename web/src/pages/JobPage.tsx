// One job: parameters, result, live log while it runs (cancel), the full log
// with a level filter and TXT download, and its lineage tree.
import { useState } from "react";
import { api, fetchText, query } from "../api.ts";
import { useCanAct } from "../App.tsx";
import { LogLines, LogTerminal } from "../components/LogTerminal.tsx";
import { Badge, ConfirmButton, ErrorBox, Loading, Section } from "../components/ui.tsx";
import { download } from "../csv.ts";
import { dateTime, duration } from "../format.ts";
import { useApi } from "../hooks.ts";
import { href, type Route } from "../router.ts";
import type { LogLine } from "../sse.ts";
import type { Job } from "./Jobs.tsx";

const LEVELS = ["DEBUG", "INFO", "SUCCESS", "WARNING", "ERROR", "CRITICAL"];
const TERMINAL = ["completed", "partial", "failed", "cancelled", "skipped"];

interface TreeNode {
  job_id: number;
  parent_id: number | null;
  depth: number;
  type: string;
  status: string;
  effective_status: string;
  skipped_reason: string | null;
  source_key: string | null;
  duration_sec: number | null;
  error: string | null;
}

function Lineage({ rootId, current }: { rootId: number; current: number }) {
  const tree = useApi<{ tree: TreeNode[] }>(`jobs/${rootId}/tree`);
  const nodes = tree.data?.tree ?? [];
  const children = (id: number | null) => nodes.filter((n) => n.parent_id === id);
  const render = (node: TreeNode) => (
    <li key={node.job_id} data-status={node.effective_status}>
      <span className="node">
        <a href={href(`/jobs/${node.job_id}`)} aria-current={node.job_id === current ? "page" : undefined}>#{node.job_id}</a>{" "}
        {node.type}{node.source_key ? ` ${node.source_key}` : ""} <Badge value={node.effective_status} />
        {node.duration_sec != null && <span className="muted"> {duration(node.duration_sec)}</span>}
        {node.skipped_reason && <span className="reason" data-testid="skipped-reason"> — {node.skipped_reason}</span>}
      </span>
      {children(node.job_id).length > 0 && <ul>{children(node.job_id).map(render)}</ul>}
    </li>
  );
  const root = nodes.find((n) => n.depth === 0);
  const skipped = nodes.filter((n) => n.effective_status === "skipped").length;
  return (
    <Section title={`Lineage (${nodes.length} jobs${skipped ? `, ${skipped} skipped` : ""})`}>
      <ErrorBox error={tree.error} />
      {root && <ul className="tree" data-testid="lineage">{render(root)}</ul>}
    </Section>
  );
}

function FullLog({ id }: { id: number }) {
  const [level, setLevel] = useState("");
  const [pages, setPages] = useState(1);
  const logs = useApi<{ logs: LogLine[]; next_after_id: number | null }>(`jobs/${id}/logs${query({ level, limit: 1000 * pages })}`);
  const [error, setError] = useState<Error | null>(null);
  return (
    <Section title="Log" actions={
      <>
        <label className="inline">Level at least
          <select value={level} onChange={(e) => setLevel(e.target.value)} data-testid="level-filter">
            <option value="">all</option>
            {LEVELS.map((l) => <option key={l}>{l}</option>)}
          </select>
        </label>
        <button type="button" onClick={async () => {
          try {
            download(`job-${id}.log`, await fetchText(`jobs/${id}/logs${query({ format: "text", level })}`), "text/plain;charset=utf-8");
          } catch (e) {
            setError(e as Error);
          }
        }}>Download TXT</button>
      </>
    }>
      <ErrorBox error={logs.error ?? error} />
      <Loading loading={logs.loading} />
      <div className="terminal" tabIndex={0}><LogLines lines={logs.data?.logs ?? []} label={`log of job ${id}`} /></div>
      {logs.data?.next_after_id && <button type="button" onClick={() => setPages((n) => n + 1)}>Load more</button>}
    </Section>
  );
}

export function JobPage({ id }: { id: number; route: Route }) {
  const canAct = useCanAct();
  const job = useApi<Job>(`jobs/${id}`);
  const j = job.data;
  const live = j && !TERMINAL.includes(j.status);
  return (
    <>
      <div className="page-head">
        <h1>Job #{id} {j && <Badge value={j.status} />}</h1>
        {canAct && live && (
          <ConfirmButton label="Cancel job" danger question={`Cancel job #${id} (${j.type}${j.source ? ` ${j.source}` : ""})? A running job stops at its next heartbeat.`}
            confirmLabel="Cancel the job"
            onConfirm={async () => {
              await api(`jobs/${id}`, { method: "DELETE", body: { reason: "cancelled in the console" } });
              job.reload();
            }} />
        )}
      </div>
      <ErrorBox error={job.error} />
      {j && (
        <Section title="Details">
          <dl className="details">
            <dt>Type</dt><dd>{j.type}</dd>
            <dt>Source</dt><dd>{j.source ? <a href={href(`/company/${j.source}`)}>{j.source}</a> : "–"}</dd>
            <dt>Created</dt><dd>{dateTime(j.created_at)} by {j.created_by}</dd>
            <dt>Started</dt><dd>{dateTime(j.started_at)}</dd>
            <dt>Finished</dt><dd>{dateTime(j.finished_at)}</dd>
            <dt>Duration</dt><dd>{duration(j.duration_seconds)}</dd>
            {j.parent_id && <><dt>Parent</dt><dd><a href={href(`/jobs/${j.parent_id}`)}>#{j.parent_id}</a></dd></>}
            {j.error && <><dt>Error</dt><dd>{j.error_category && <Badge value={j.error_category} />} {j.error}</dd></>}
            <dt>Parameters</dt><dd><pre>{JSON.stringify(j.params, null, 2)}</pre></dd>
            <dt>Result</dt><dd><pre>{j.result == null ? "–" : JSON.stringify(j.result, null, 2)}</pre></dd>
          </dl>
        </Section>
      )}
      {j && live && (
        <Section title="Live log">
          <LogTerminal jobId={id} onFinished={() => job.reload()} />
        </Section>
      )}
      {j && !live && <FullLog id={id} />}
      {j && <Lineage rootId={j.root_id ?? j.id} current={j.id} />}
    </>
  );
}
