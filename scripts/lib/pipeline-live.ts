// Starts a pipeline run through the pipeline function and follows it through
// the jobs function until it ends, printing each phase and each source as they
// finish. Shared by `npm run pipeline` and `npm run demo`.
import { isTerminal } from "../../supabase/functions/_shared/jobs/api.ts";
import { serviceHeaders, type StackConfig } from "./config.ts";

export interface PipelineSummary {
  id: number;
  status: string;
  runDate: string;
  durationSeconds: number;
  totals: Record<string, number>;
  phases: Record<string, { jobs: number; completed: number; failed: number; skipped: number; seconds: number }>;
}

interface JobRow {
  id: number;
  type: string;
  status: string;
  source: string | null;
  error: string | null;
  error_category: string | null;
  duration_seconds: number | null;
  result: Record<string, unknown> | null;
}

const PHASES = ["scrape", "snapshot", "lifespan", "repost", "score"];
const MARK: Record<string, string> = { completed: "✔", partial: "◐", failed: "✘", cancelled: "⊘", skipped: "·" };

async function api(config: StackConfig, path: string, init: RequestInit = {}) {
  const response = await fetch(`${config.supabaseUrl}/functions/v1/${path}`, {
    ...init,
    headers: { ...serviceHeaders(config), "content-type": "application/json" },
  });
  const body = await response.json();
  return { status: response.status, body };
}

export interface LiveOptions {
  runDate?: string;
  sources?: string[];
  log?: (line: string) => void;
  pollMs?: number;
}

export async function runPipelineLive(config: StackConfig, options: LiveOptions = {}): Promise<PipelineSummary> {
  const log = options.log ?? ((line: string) => console.log(line));
  const started = await api(config, "pipeline/run", {
    method: "POST",
    body: JSON.stringify({ run_date: options.runDate, sources: options.sources }),
  });
  if (started.status === 409) {
    const running = started.body.error.details;
    throw new Error(`a pipeline is already running: job ${running.job_id} (${running.status}, started ${running.started_at})`);
  }
  if (started.status !== 201) throw new Error(`pipeline start failed (${started.status}): ${JSON.stringify(started.body)}`);
  const rootId: number = started.body.pipeline_id;
  log(`pipeline ${rootId} for ${started.body.run_date}: ${started.body.scrape_jobs} sources`);

  const reported = new Set<number>();
  const announcedPhases = new Set<string>();
  for (;;) {
    const [{ body: root }, { body: list }] = await Promise.all([
      api(config, `jobs/${rootId}`),
      api(config, `jobs?root_id=${rootId}&limit=200`),
    ]);
    const children = (list.jobs as JobRow[]).filter((j) => j.id !== rootId);
    for (const phase of PHASES) {
      const jobs = children.filter((j) => j.type === phase);
      if (jobs.length && !announcedPhases.has(phase)) {
        announcedPhases.add(phase);
        log(`── ${phase} (${jobs.length} job${jobs.length === 1 ? "" : "s"})`);
      }
      for (const job of jobs.filter((j) => isTerminal(j.status) && !reported.has(j.id)).reverse()) {
        reported.add(job.id);
        const what = job.source ?? job.type;
        const detail = job.error ? `${job.error_category ?? ""} ${job.error}`.trim() : summarize(job.result);
        const seconds = job.duration_seconds != null ? `${job.duration_seconds.toFixed(1)}s` : "";
        log(`   ${MARK[job.status] ?? "?"} ${what.padEnd(28)} ${job.status.padEnd(9)} ${seconds.padStart(6)}  ${detail.slice(0, 90)}`);
      }
    }
    if (isTerminal(root.status)) {
      const result = root.result ?? {};
      return {
        id: rootId,
        status: root.status,
        runDate: root.run_date,
        durationSeconds: root.duration_seconds,
        totals: result.totals ?? {},
        phases: result.phases ?? {},
      };
    }
    await new Promise((r) => setTimeout(r, options.pollMs ?? 400));
  }
}

function summarize(result: Record<string, unknown> | null): string {
  if (!result) return "";
  return Object.entries(result)
    .filter(([, v]) => typeof v === "number" || typeof v === "string")
    .slice(0, 5)
    .map(([k, v]) => `${k}=${v}`)
    .join(" ");
}

export function printSummary(summary: PipelineSummary, log = (line: string) => console.log(line)) {
  const t = summary.totals;
  log("");
  log(`run ${summary.id}  ${summary.status.toUpperCase()}  (${summary.runDate}, ${summary.durationSeconds.toFixed(1)} s)`);
  log(`  jobs ${t.jobs}: ${t.completed} completed, ${t.partial} partial, ${t.failed} failed, ${t.cancelled} cancelled, ${t.skipped} skipped`);
  log(`  sources ${t.sources}, scrape success rate ${((Number(t.success_rate) || 0) * 100).toFixed(1)}%`);
  for (const phase of PHASES) {
    const p = summary.phases[phase];
    if (p) log(`  ${phase.padEnd(9)} ${String(p.jobs).padStart(4)} jobs  ${p.seconds ?? "-"} s`);
  }
}
