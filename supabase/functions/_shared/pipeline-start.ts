// Starting a pipeline run: the root and its scrape jobs (ops.start_pipeline,
// exclusive: P0409 when one runs), then N scrape workers woken to fan out.
// Used by the pipeline function (API, schedule, backfills) and the jobs function.
import type { Sql } from "./db.ts";

export interface PipelineStart {
  pipeline_id: number;
  run_date: string;
  scrape_jobs: number;
}

export interface StartPipelineOptions {
  createdBy: string;
  trigger: string;
  runDate?: string;
  sources?: string[];
  /** Scrape workers woken for the run (each claims scrape jobs until none are left). Default 4. */
  scrapeWorkers?: number;
}

export async function startPipelineRun(sql: Sql, options: StartPipelineOptions): Promise<PipelineStart> {
  const [{ run }] = await sql<{ run: PipelineStart }[]>`
    select ops.start_pipeline(${options.runDate ?? null}::date, ${options.trigger}, ${options.createdBy},
                              ${options.sources ?? null}::text[]) as run`;
  const workers = Math.min(options.scrapeWorkers ?? 4, run.scrape_jobs);
  for (let i = 0; i < workers; i++) {
    await sql`select ops.dispatch('scrape', ${sql.json({ action: "work", pipeline_id: run.pipeline_id })})`;
  }
  return run;
}
